package io.storedash.query;

import io.storedash.common.Addresses;
import io.storedash.common.Failure;
import io.storedash.common.QueryKind;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestStorage;
import io.storedash.query.ingest.BulkLoader;
import io.storedash.query.storage.PgPools;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every kind of dashboard query over the event bus, on {@link HandMadeSales}: each expected value was worked out by
 * hand from the fixture's table (see there). Results are compared as the JSON text a client receives, so the
 * number of decimals is checked too. The data is loaded once; the tests only read.
 */
@ExtendWith(VertxExtension.class)
class DashboardKindsTest {

  private static Node node;
  private static Pool pool;

  @BeforeAll
  static void deployAndLoad() throws Exception {
    StoreDashConfig config = TestStorage.config(Map.of());
    node = Node.local(config);
    pool = PgPools.create(node.vertx(), config, 1, null);
    node.deploy(QueryService.DESCRIPTOR, 1)
      .compose(id -> new BulkLoader(node.vertx(), node.signatures(), pool, config.timezone()).load(HandMadeSales.dataset()))
      .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void close() throws Exception {
    node.vertx().close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  /** The chain's figures in the order every view writes them (docs/DESIGN.md §4.1). */
  private static final List<String> FIGURES = List.of("orders", "invalid_orders", "items", "revenue", "gross_profit",
    "profit", "aov", "profit_margin", "gmv", "marketing_cost", "marketing_rate", "delivery_net_cost", "service_fee",
    "profit_per_order", "marketing_per_order", "delivery_per_order", "cost", "rebate");
  /** The figures of a trend's day. */
  private static final List<String> DAY_FIGURES = List.of("orders", "invalid_orders", "items", "revenue", "gross_profit",
    "profit", "aov", "profit_margin", "gmv", "marketing_cost", "marketing_rate", "delivery_net_cost", "service_fee");
  /** The ratios, whose 环比 is in percentage points; every other figure's is relative. */
  private static final List<String> RATIOS = List.of("profit_margin", "marketing_rate");

  /** No orders: zeros, and null for every ratio and per-order figure. */
  private static final String[] NO_FIGURES = {"0", "0", "0", "0.00", "0.00", "0.00", "null", "null", "0.00", "0.00",
    "null", "0.00", "0.00", "null", "null", "null", "0.00", "0.00"};
  private static final String[] NO_CHANGE = new String[FIGURES.size()];

  static {
    java.util.Arrays.fill(NO_CHANGE, "null");
  }

  private static final String ZERO_DAY = fields(DAY_FIGURES, "0", "0", "0", "0.00", "0.00", "0.00", "null", "null",
    "0.00", "0.00", "null", "0.00", "0.00");

  /**
   * S001's days (per order, see HandMadeSales): 02-28 has no order; A1 (23:59:59) is on 03-01; A2 (00:00:00) on 03-02:
   * 利润率 −3.00 / 29.00 = −0.10345 → −0.1034, marketing rate 3.00 / 34.01 = 0.08821 → 0.0882; A3 on 03-03; A4
   * (00:00:00) and the cancelled A6 on 03-04: one order and one invalid order, 利润率 9.99 / 30.00 = 0.3330. The previous
   * period, 02-23..02-27, day by day: A5 on 02-27 (revenue 15.00, profit 4.99, 利润率 4.99 / 15 = 0.3327).
   */
  @Test
  void trendListsEveryDayWithZerosForDaysWithoutOrders(VertxTestContext testContext) {
    expect(testContext, compute("trend", "S001", "2026-02-28", "2026-03-04"),
      "{\"store\":\"S001\",\"from\":\"2026-02-28\",\"to\":\"2026-03-04\",\"days\":["
        + "{\"day\":\"2026-02-28\"," + ZERO_DAY + "},"
        + "{\"day\":\"2026-03-01\"," + fields(DAY_FIGURES, "1", "0", "2", "6.00", "2.00", "-3.48", "6.00", "-0.5800",
        "10.00", "0.00", "0.0000", "2.00", "0.48") + "},"
        + "{\"day\":\"2026-03-02\"," + fields(DAY_FIGURES, "1", "0", "4", "29.00", "5.00", "-3.00", "29.00", "-0.1034",
        "34.01", "3.00", "0.0882", "6.00", "2.00") + "},"
        + "{\"day\":\"2026-03-03\"," + fields(DAY_FIGURES, "1", "0", "1", "10.00", "6.00", "6.00", "10.00", "0.6000",
        "10.00", "0.00", "0.0000", "0.00", "0.00") + "},"
        + "{\"day\":\"2026-03-04\"," + fields(DAY_FIGURES, "1", "1", "10", "30.00", "10.00", "9.99", "30.00", "0.3330",
        "30.00", "0.00", "0.0000", "0.00", "0.01") + "}],"
        + "\"previous\":{\"from\":\"2026-02-23\",\"to\":\"2026-02-27\",\"days\":["
        + "{\"day\":\"2026-02-23\"," + ZERO_DAY + "},{\"day\":\"2026-02-24\"," + ZERO_DAY + "},"
        + "{\"day\":\"2026-02-25\"," + ZERO_DAY + "},{\"day\":\"2026-02-26\"," + ZERO_DAY + "},"
        + "{\"day\":\"2026-02-27\"," + fields(DAY_FIGURES, "1", "0", "5", "15.00", "5.00", "4.99", "15.00", "0.3327",
        "15.00", "0.00", "0.0000", "0.00", "0.01") + "}]}}");
  }

  /**
   * 03-02: A2 + B1: revenue 29.00 + 12.00 = 41.00, 利润额 5.00 + 4.00, profit −3.00 − 1.00 = −4.00, 客单价 20.50,
   * 利润率 −4 / 41 = −0.09756 → −0.0976, GMV 34.01 + 16.00 = 50.01, marketing 3.00, rate 3 / 50.01 = 0.05999 → 0.0600,
   * delivery net 6.00 + 2.00, fee 2.00 + 1.00. 03-05: B2 (京东到家): revenue 27.00 + 3.00 = 30.00, 利润额 13.00,
   * profit 13.00 − 1.20 − 5.00 = 6.80, 利润率 0.22667 → 0.2267, GMV 30.00 + 3.00 + bag 0.50 = 33.50, marketing 2.00,
   * rate 2 / 33.50 = 0.05970 → 0.0597, delivery net 5.00.
   */
  @Test
  void chainTrendSumsTheStoresPerDay(VertxTestContext testContext) {
    expect(testContext, compute("trend", "all", "2026-03-02", "2026-03-05"),
      "{\"store\":\"all\",\"from\":\"2026-03-02\",\"to\":\"2026-03-05\",\"days\":["
        + "{\"day\":\"2026-03-02\"," + fields(DAY_FIGURES, "2", "0", "8", "41.00", "9.00", "-4.00", "20.50", "-0.0976",
        "50.01", "3.00", "0.0600", "8.00", "3.00") + "},"
        + "{\"day\":\"2026-03-03\"," + fields(DAY_FIGURES, "1", "0", "1", "10.00", "6.00", "6.00", "10.00", "0.6000",
        "10.00", "0.00", "0.0000", "0.00", "0.00") + "},"
        + "{\"day\":\"2026-03-04\"," + fields(DAY_FIGURES, "1", "1", "10", "30.00", "10.00", "9.99", "30.00", "0.3330",
        "30.00", "0.00", "0.0000", "0.00", "0.01") + "},"
        + "{\"day\":\"2026-03-05\"," + fields(DAY_FIGURES, "1", "0", "4", "30.00", "13.00", "6.80", "30.00", "0.2267",
        "33.50", "2.00", "0.0597", "5.00", "1.20") + "}],"
        + "\"previous\":{\"from\":\"2026-02-26\",\"to\":\"2026-03-01\",\"days\":["
        + "{\"day\":\"2026-02-26\"," + ZERO_DAY + "},"
        + "{\"day\":\"2026-02-27\"," + fields(DAY_FIGURES, "1", "0", "5", "15.00", "5.00", "4.99", "15.00", "0.3327",
        "15.00", "0.00", "0.0000", "0.00", "0.01") + "},"
        + "{\"day\":\"2026-02-28\"," + ZERO_DAY + "},"
        + "{\"day\":\"2026-03-01\"," + fields(DAY_FIGURES, "1", "0", "2", "6.00", "2.00", "-3.48", "6.00", "-0.5800",
        "10.00", "0.00", "0.0000", "2.00", "0.48") + "}]}}");
  }

  /**
   * S001 over 03-01..03-04 against 02-25..02-28; revenue of the range 36.00 + 29.00 + 10.00 = 75.00 in 4 valid orders.
   * <pre>
   * 美团闪购: A1 + A4 (A6 is invalid): orders 2, invalid 1, items 12, revenue 36.00, 利润额 2.00 + 10.00 = 12.00,
   *   profit −3.48 + 9.99 = 6.51, 客单价 18.00, 利润率 6.51 / 36 = 0.18083 → 0.1808, GMV 10.00 + 30.00 = 40.00,
   *   delivery net 2.00, fee 0.48 + 0.01 = 0.49, 单均利润 3.255 → 3.26 (half up), 单均配送 1.00, cost 24.00;
   *   shares 36 / 75 = 0.4800, 2 / 4 = 0.5000; cost structure 24 / 36 = 0.6667, delivery 2 / 36 = 0.0556,
   *   fee 0.49 / 36 = 0.0136. Previous: A5 (02-27): revenue 15.00, 利润额 5.00, profit 4.99, 利润率 0.33267 → 0.3327,
   *   GMV 15.00, fee 0.01, cost 10.00. 环比: orders 1, items 7 / 5 = 1.4, revenue 21 / 15 = 1.4, 利润额 1.4,
   *   profit 1.52 / 4.99 = 0.30461 → 0.3046, 客单价 3 / 15 = 0.2, 利润率 (0.180833 − 0.332667) × 100 = −15.18 points,
   *   GMV 25 / 15 = 1.6667, rate 0 − 0 = 0.00 points, fee 0.48 / 0.01 = 48, 单均利润 (3.255 − 4.99) / 4.99 = −0.34770
   *   → −0.3477, cost 14 / 10 = 1.4. 利润率 > 15 % and revenue grew: 优秀.
   * 饿了么: A2: profit −3.00, 利润率 −0.1034, GMV 34.01, marketing 3.00 (满减), rate 0.0882, delivery net 6.00; shares
   *   29 / 75 = 0.3867, 1 / 4; cost structure 24 / 29 = 0.8276, other marketing 3 / 29 = 0.1034, delivery 6 / 29 =
   *   0.2069, fee 2 / 29 = 0.0690. Nothing before: every 环比 null. 利润率 ≤ 10 %: 需改进.
   * 收银机订单: A3: revenue 10.00, 利润额 = profit = 6.00, 利润率 0.6000, no fee; shares 10 / 75 = 0.1333, 1 / 4; cost
   *   structure 4 / 10 = 0.4000. Nothing before; 利润率 > 15 % and revenue grew from 0: 优秀.
   * 美团, 线下 and 京东到家 had no order in either range: not listed.
   * </pre>
   */
  @Test
  void channelsCarryEveryFigureSharesCostStructureAndRating(VertxTestContext testContext) {
    expect(testContext, compute("channels", "S001", "2026-03-01", "2026-03-04"),
      "{\"store\":\"S001\",\"from\":\"2026-03-01\",\"to\":\"2026-03-04\","
        + "\"previous\":{\"from\":\"2026-02-25\",\"to\":\"2026-02-28\"},\"channels\":["
        + channel("meituan_flash", "美团闪购", true,
        new String[] {"2", "1", "12", "36.00", "12.00", "6.51", "18.00", "0.1808", "40.00", "0.00", "0.0000", "2.00",
          "0.49", "3.26", "0.00", "1.00", "24.00", "0.00"},
        "0.4800", "0.5000", new String[] {"0.6667", "0.0000", "0.0000", "0.0000", "0.0556", "0.0136"},
        new String[] {"1", "0", "5", "15.00", "5.00", "4.99", "15.00", "0.3327", "15.00", "0.00", "0.0000", "0.00",
          "0.01", "4.99", "0.00", "0.00", "10.00", "0.00"},
        new String[] {"1.0000", "null", "1.4000", "1.4000", "1.4000", "0.3046", "0.2000", "-15.18", "1.6667", "null",
          "0.00", "null", "48.0000", "-0.3477", "null", "null", "1.4000", "null"},
        "excellent", "优秀") + ","
        + channel("eleme", "饿了么", true,
        new String[] {"1", "0", "4", "29.00", "5.00", "-3.00", "29.00", "-0.1034", "34.01", "3.00", "0.0882", "6.00",
          "2.00", "-3.00", "3.00", "6.00", "24.00", "0.00"},
        "0.3867", "0.2500", new String[] {"0.8276", "0.0000", "0.0000", "0.1034", "0.2069", "0.0690"},
        NO_FIGURES, NO_CHANGE, "improve", "需改进") + ","
        + channel("pos", "收银机订单", false,
        new String[] {"1", "0", "1", "10.00", "6.00", "6.00", "10.00", "0.6000", "10.00", "0.00", "0.0000", "0.00",
          "0.00", "6.00", "0.00", "0.00", "4.00", "0.00"},
        "0.1333", "0.2500", new String[] {"0.4000", "0.0000", "0.0000", "0.0000", "0.0000", "0.0000"},
        NO_FIGURES, NO_CHANGE, "excellent", "优秀") + "]}");
  }

  /**
   * The chain on 03-05 against 03-04. 京东到家: S002's B2 (see the chain trend), all the revenue and orders; cost
   * structure 17 / 30 = 0.5667, other marketing (满减) 2 / 30 = 0.0667, delivery 5 / 30 = 0.1667, fee 1.20 / 30 = 0.0400;
   * 利润率 0.2267 > 15 % and revenue grew from 0: 优秀. 美团闪购 sold nothing on 03-05 but is listed, last, for its
   * orders of 03-04 (A4 and the cancelled A6): shares 0, no cost structure without revenue, every sum −100 %, no
   * rating.
   */
  @Test
  void chainChannelsListAChannelThatSoldOnlyInThePreviousRange(VertxTestContext testContext) {
    expect(testContext, compute("channels", "all", "2026-03-05", "2026-03-05"),
      "{\"store\":\"all\",\"from\":\"2026-03-05\",\"to\":\"2026-03-05\","
        + "\"previous\":{\"from\":\"2026-03-04\",\"to\":\"2026-03-04\"},\"channels\":["
        + channel("jddj", "京东到家", true,
        new String[] {"1", "0", "4", "30.00", "13.00", "6.80", "30.00", "0.2267", "33.50", "2.00", "0.0597", "5.00",
          "1.20", "6.80", "2.00", "5.00", "17.00", "0.00"},
        "1.0000", "1.0000", new String[] {"0.5667", "0.0000", "0.0000", "0.0667", "0.1667", "0.0400"},
        NO_FIGURES, NO_CHANGE, "excellent", "优秀") + ","
        + channel("meituan_flash", "美团闪购", true, NO_FIGURES, "0.0000", "0.0000",
        new String[] {"null", "null", "null", "null", "null", "null"},
        new String[] {"1", "1", "10", "30.00", "10.00", "9.99", "30.00", "0.3330", "30.00", "0.00", "0.0000", "0.00",
          "0.01", "9.99", "0.00", "0.00", "20.00", "0.00"},
        new String[] {"-1.0000", "-1.0000", "-1.0000", "-1.0000", "-1.0000", "-1.0000", "null", "null", "-1.0000",
          "null", "null", "null", "-1.0000", "null", "null", "null", "-1.0000", "null"},
        null, null) + "]}");
  }

  /** Valid lines only (A6's P2 is left out; A4's refunded P1 line adds nothing); the same figures as before issue 15. */
  @Test
  void categoriesOfAStore(VertxTestContext testContext) {
    expect(testContext, compute("categories", "S001", "2026-03-01", "2026-03-04"),
      "{\"store\":\"S001\",\"from\":\"2026-03-01\",\"to\":\"2026-03-04\",\"categories\":["
        + "{\"category\":\"饮料\",\"quantity\":13,\"revenue\":39.00,\"gross_profit\":13.00,\"gross_margin\":0.3333,"
        + "\"revenue_share\":0.5200,\"products\":1},"
        + "{\"category\":\"零食\",\"quantity\":3,\"revenue\":26.00,\"gross_profit\":12.00,\"gross_margin\":0.4615,"
        + "\"revenue_share\":0.3467,\"products\":1},"
        + "{\"category\":\"未分类\",\"quantity\":1,\"revenue\":10.00,\"gross_profit\":-2.00,\"gross_margin\":-0.2000,"
        + "\"revenue_share\":0.1333,\"products\":1}]}");
  }

  @Test
  void categoriesOfTheChainCountDistinctProducts(VertxTestContext testContext) {
    // 饮料 = P1 (S001 13 + S002 5) and D1 (20); 零食 = P2 (3 + 3) and D4 (3). Revenue of all: 623.00.
    expect(testContext, compute("categories", "all", "2026-03-01", "2026-04-14"),
      "{\"store\":\"all\",\"from\":\"2026-03-01\",\"to\":\"2026-04-14\",\"categories\":["
        + "{\"category\":\"饮料\",\"quantity\":38,\"revenue\":254.00,\"gross_profit\":118.00,\"gross_margin\":0.4646,"
        + "\"revenue_share\":0.4077,\"products\":2},"
        + "{\"category\":\"乳制品\",\"quantity\":16,\"revenue\":128.00,\"gross_profit\":64.00,\"gross_margin\":0.5000,"
        + "\"revenue_share\":0.2055,\"products\":1},"
        + "{\"category\":\"生鲜\",\"quantity\":30,\"revenue\":120.00,\"gross_profit\":-30.00,\"gross_margin\":-0.2500,"
        + "\"revenue_share\":0.1926,\"products\":1},"
        + "{\"category\":\"零食\",\"quantity\":9,\"revenue\":71.00,\"gross_profit\":27.00,\"gross_margin\":0.3803,"
        + "\"revenue_share\":0.1140,\"products\":2},"
        + "{\"category\":\"酒类\",\"quantity\":2,\"revenue\":40.00,\"gross_profit\":24.00,\"gross_margin\":0.6000,"
        + "\"revenue_share\":0.0642,\"products\":1},"
        + "{\"category\":\"未分类\",\"quantity\":1,\"revenue\":10.00,\"gross_profit\":-2.00,\"gross_margin\":-0.2000,"
        + "\"revenue_share\":0.0161,\"products\":1}]}");
  }

  /**
   * S001 over 03-01..03-04 (Asia/Shanghai; stored in UTC): A2 and A4 at midnight (profit −3.00 + 9.99 = 6.99), A3 at
   * 12:30, A1 at 23:59:59 (profit −3.48); the cancelled A6 at 09:00 counts in no hour. Day parts: 深夜 (0–3) 2 of the 4
   * orders, 客单价 59 / 2 = 29.50, 单均利润 6.99 / 2 = 3.495 → 3.50 (half up); 上午 (9–12) nothing; no distances.
   */
  @Test
  void hoursAreAlways24BucketsInStoreLocalTime(VertxTestContext testContext) {
    Future.all(compute("hours", "S001", "2026-03-01", "2026-03-04"), compute("hours", "all", "2026-03-02", "2026-03-05"))
      .onComplete(testContext.succeeding(both -> testContext.verify(() -> {
        String store = both.resultAt(0);
        JsonArray hours = new JsonObject(store).getJsonArray("hours");
        assertThat(hours).hasSize(24);
        for (int h = 0; h < 24; h++) {
          assertThat(hours.getJsonObject(h).getInteger("hour")).isEqualTo(h);
        }
        assertThat(new JsonObject(store).getJsonArray("day_parts")).hasSize(8);
        assertThat(store).contains("{\"hour\":0,\"orders\":2,\"items\":14,\"revenue\":59.00,\"profit\":6.99}",
          "{\"hour\":5,\"orders\":0,\"items\":0,\"revenue\":0.00,\"profit\":0.00}",
          "{\"hour\":9,\"orders\":0,\"items\":0,\"revenue\":0.00,\"profit\":0.00}",
          "{\"hour\":12,\"orders\":1,\"items\":1,\"revenue\":10.00,\"profit\":6.00}",
          "{\"hour\":23,\"orders\":1,\"items\":2,\"revenue\":6.00,\"profit\":-3.48}],\"day_parts\":[",
          "{\"name\":\"上午\",\"from\":9,\"to\":12,\"orders\":0,\"items\":0,\"revenue\":0.00,\"profit\":0.00,"
            + "\"order_share\":0.0000,\"aov\":null,\"profit_per_order\":null}",
          "{\"name\":\"正午\",\"from\":12,\"to\":14,\"orders\":1,\"items\":1,\"revenue\":10.00,\"profit\":6.00,"
            + "\"order_share\":0.2500,\"aov\":10.00,\"profit_per_order\":6.00}",
          "{\"name\":\"晚间\",\"from\":21,\"to\":24,\"orders\":1,\"items\":2,\"revenue\":6.00,\"profit\":-3.48,"
            + "\"order_share\":0.2500,\"aov\":6.00,\"profit_per_order\":-3.48}",
          "{\"name\":\"深夜\",\"from\":0,\"to\":3,\"orders\":2,\"items\":14,\"revenue\":59.00,\"profit\":6.99,"
            + "\"order_share\":0.5000,\"aov\":29.50,\"profit_per_order\":3.50}")
          .endsWith("\"distance_bands\":null}");
        // The chain over 03-02..03-05: B1 at 10:00 (profit −1.00) and B2 at 15:20 (6.80) join S001's.
        String chain = both.resultAt(1);
        assertThat(chain).contains("{\"hour\":0,\"orders\":2,\"items\":14,\"revenue\":59.00,\"profit\":6.99}",
          "{\"hour\":9,\"orders\":0,\"items\":0,\"revenue\":0.00,\"profit\":0.00}",
          "{\"hour\":10,\"orders\":1,\"items\":4,\"revenue\":12.00,\"profit\":-1.00}",
          "{\"hour\":12,\"orders\":1,\"items\":1,\"revenue\":10.00,\"profit\":6.00}",
          "{\"hour\":15,\"orders\":1,\"items\":4,\"revenue\":30.00,\"profit\":6.80}",
          "{\"hour\":23,\"orders\":0,\"items\":0,\"revenue\":0.00,\"profit\":0.00}");
        testContext.completeNow();
      })));
  }

  // S001 over 03-01..03-04, valid orders' lines: P1 on 4 lines (A1, A2, A4 and A4's refunded line, 销量 0), 13 units,
  // cost 4.00 + 2.00 + 20.00; P2 on A2 and A3 (A6's line is left out with its order), list 2 × 10.00 + 10.00 = 30.00,
  // markdown (30 − 26) / 30 = 0.1333; revenue of the range 75.00.
  private static final String P1 = "{\"sku\":\"P1\",\"name\":\"可口可乐 330ml\",\"category\":\"饮料\",\"quantity\":13,\"orders\":4,"
    + "\"revenue\":39.00,\"gross_profit\":13.00,\"gross_margin\":0.3333,\"markdown_rate\":0.0000,\"revenue_share\":0.5200}";
  private static final String P2 = "{\"sku\":\"P2\",\"name\":\"乐事薯片原味 75g\",\"category\":\"零食\",\"quantity\":3,\"orders\":2,"
    + "\"revenue\":26.00,\"gross_profit\":12.00,\"gross_margin\":0.4615,\"markdown_rate\":0.1333,\"revenue_share\":0.3467}";
  private static final String P3 = "{\"sku\":\"P3\",\"name\":\"新鲜鸡蛋 10枚\",\"category\":\"未分类\",\"quantity\":1,\"orders\":1,"
    + "\"revenue\":10.00,\"gross_profit\":-2.00,\"gross_margin\":-0.2000,\"markdown_rate\":0.0000,\"revenue_share\":0.1333}";

  @Test
  void productsAreSortedHighestFirstAndPaged(VertxTestContext testContext) {
    String head = "{\"store\":\"S001\",\"from\":\"2026-03-01\",\"to\":\"2026-03-04\",";
    Future.all(List.of(
        compute("products", "S001", "2026-03-01", "2026-03-04", Map.of()),
        compute("products", "S001", "2026-03-01", "2026-03-04", Map.of("sort", "gross_margin")),
        compute("products", "S001", "2026-03-01", "2026-03-04", Map.of("sort", "quantity", "page", "2", "size", "1")),
        compute("products", "S001", "2026-03-01", "2026-03-04", Map.of("page", "4", "size", "1")),
        compute("products", "S001", "2026-03-01", "2026-03-04", Map.of("sort", "gross_profit")),
        compute("products", "S001", "2026-03-01", "2026-03-04", Map.of("sort", "orders"))))
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        assertThat((String) all.resultAt(0)).isEqualTo(head
          + "\"sort\":\"revenue\",\"page\":1,\"size\":20,\"total\":3,\"products\":[" + P1 + "," + P2 + "," + P3 + "]}");
        assertThat((String) all.resultAt(1)).isEqualTo(head
          + "\"sort\":\"gross_margin\",\"page\":1,\"size\":20,\"total\":3,\"products\":[" + P2 + "," + P1 + "," + P3 + "]}");
        assertThat((String) all.resultAt(2)).isEqualTo(head
          + "\"sort\":\"quantity\",\"page\":2,\"size\":1,\"total\":3,\"products\":[" + P2 + "]}");
        assertThat((String) all.resultAt(3)).isEqualTo(head
          + "\"sort\":\"revenue\",\"page\":4,\"size\":1,\"total\":3,\"products\":[]}");
        assertThat((String) all.resultAt(4)).contains("\"products\":[" + P1 + "," + P2 + "," + P3 + "]}");
        assertThat((String) all.resultAt(5)).contains("\"products\":[" + P1 + "," + P2 + "," + P3 + "]}");
        testContext.completeNow();
      })));
  }

  @Test
  void productsTiesGoBySku(VertxTestContext testContext) {
    // On 03-02..03-03 P2 is in A2 and A3; P1 and P3 only in A2: one order each.
    compute("products", "S001", "2026-03-02", "2026-03-03", Map.of("sort", "orders"))
      .onComplete(testContext.succeeding(body -> testContext.verify(() -> {
        JsonArray products = new JsonObject(body).getJsonArray("products");
        assertThat(products.stream().map(p -> ((JsonObject) p).getString("sku") + "=" + ((JsonObject) p).getLong("orders")))
          .containsExactly("P2=2", "P1=1", "P3=1");
        testContext.completeNow();
      })));
  }

  private static final String NO_STORE_FIGURES = "\"revenue\":0.00,\"profit\":0.00,\"orders\":0,\"profit_margin\":null,"
    + "\"growth\":null,\"gmv\":0.00,\"marketing_rate\":null,\"delivery_net_cost\":0.00,"
    + "\"previous\":{\"revenue\":0.00,\"profit\":0.00,\"orders\":0,\"profit_margin\":null}}";

  /**
   * 03-02..03-03 against 02-28..03-01. S001: A2 + A3 (see OverviewTest): revenue 39.00, profit 3.00, 利润率 0.0769,
   * growth (39 − 6) / 6 = 5.5, GMV 44.01, marketing rate 0.0682, delivery net 6.00; before, A1: 6.00, −3.48, −0.5800.
   * S002: B1: revenue 12.00, profit −1.00, 利润率 −1 / 12 = −0.0833, GMV 16.00, marketing rate 0, delivery net 2.00;
   * nothing before, so no growth. S003 and S004: nothing.
   */
  @Test
  void rankingByRevenueWithThePreviousPeriod(VertxTestContext testContext) {
    expect(testContext, compute("ranking", "all", "2026-03-02", "2026-03-03"),
      "{\"from\":\"2026-03-02\",\"to\":\"2026-03-03\",\"metric\":\"revenue\",\"previous\":{\"from\":\"2026-02-28\",\"to\":\"2026-03-01\"},"
        + "\"page\":1,\"size\":100,\"total\":4,\"stores\":["
        + "{\"rank\":1,\"code\":\"S001\",\"name\":\"和兴路店\",\"city\":\"北京\",\"value\":39.00,\"previous_value\":6.00,"
        + "\"change\":{\"relative\":5.5000},\"revenue\":39.00,\"profit\":3.00,\"orders\":2,\"profit_margin\":0.0769,"
        + "\"growth\":5.5000,\"gmv\":44.01,\"marketing_rate\":0.0682,\"delivery_net_cost\":6.00,"
        + "\"previous\":{\"revenue\":6.00,\"profit\":-3.48,\"orders\":1,\"profit_margin\":-0.5800}},"
        + "{\"rank\":2,\"code\":\"S002\",\"name\":\"中山路店\",\"city\":\"上海\",\"value\":12.00,\"previous_value\":0.00,"
        + "\"change\":{\"relative\":null},\"revenue\":12.00,\"profit\":-1.00,\"orders\":1,\"profit_margin\":-0.0833,"
        + "\"growth\":null,\"gmv\":16.00,\"marketing_rate\":0.0000,\"delivery_net_cost\":2.00,"
        + "\"previous\":{\"revenue\":0.00,\"profit\":0.00,\"orders\":0,\"profit_margin\":null}},"
        + "{\"rank\":3,\"code\":\"S003\",\"name\":\"人民路店\",\"city\":\"广州\",\"value\":0.00,\"previous_value\":0.00,"
        + "\"change\":{\"relative\":null}," + NO_STORE_FIGURES + ","
        + "{\"rank\":4,\"code\":\"S004\",\"name\":\"解放路店\",\"city\":\"深圳\",\"value\":0.00,\"previous_value\":0.00,"
        + "\"change\":{\"relative\":null}," + NO_STORE_FIGURES + "]}");
  }

  /**
   * The same range by other metrics. 利润率: S001 0.0769 (before −0.5800: (0.076923 + 0.58) × 100 = 65.69 points),
   * S002 −0.0833, S003 and S004 without revenue last. Profit: S001 3.00 (before −3.48: 6.48 / 3.48 = 1.8621), then the
   * stores at 0.00, S002's loss of 1.00 last.
   */
  @Test
  void rankingByMarginAndGrowthPutsStoresWithoutAValueLast(VertxTestContext testContext) {
    Future.all(compute("ranking", "all", "2026-03-02", "2026-03-03", Map.of("metric", "profit_margin")),
        compute("ranking", "all", "2026-03-02", "2026-03-03", Map.of("metric", "growth")),
        compute("ranking", "all", "2026-03-02", "2026-03-03", Map.of("metric", "profit")),
        compute("ranking", "all", "2026-03-02", "2026-03-03", Map.of("metric", "orders")))
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        assertThat(ranks(all.resultAt(0))).containsExactly("1 S001 0.0769 -0.5800 {\"points\":65.69}",
          "2 S002 -0.0833 null {\"points\":null}", "3 S003 null null {\"points\":null}",
          "4 S004 null null {\"points\":null}");
        assertThat(ranks(all.resultAt(1))).containsExactly("1 S001 5.5000 null null", "2 S002 null null null",
          "3 S003 null null null", "4 S004 null null null");
        assertThat(ranks(all.resultAt(2))).containsExactly("1 S001 3.00 -3.48 {\"relative\":1.8621}",
          "2 S003 0.00 0.00 {\"relative\":null}", "3 S004 0.00 0.00 {\"relative\":null}",
          "4 S002 -1.00 0.00 {\"relative\":null}");
        assertThat(ranks(all.resultAt(3))).containsExactly("1 S001 2 1 {\"relative\":1.0000}",
          "2 S002 1 0 {\"relative\":null}", "3 S003 0 0 {\"relative\":null}", "4 S004 0 0 {\"relative\":null}");
        testContext.completeNow();
      })));
  }

  /** A page of the ranking keeps the stores' ranks over all of them; a page past the end is empty. */
  @Test
  void rankingPagesKeepTheRanksOfTheWholeRanking(VertxTestContext testContext) {
    Future.all(compute("ranking", "all", "2026-03-02", "2026-03-03", Map.of("metric", "profit", "page", "2", "size", "2")),
        compute("ranking", "all", "2026-03-02", "2026-03-03", Map.of("metric", "profit", "page", "3", "size", "2")))
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        assertThat(ranks(all.resultAt(0))).containsExactly("3 S004 0.00 0.00 {\"relative\":null}",
          "4 S002 -1.00 0.00 {\"relative\":null}");
        assertThat((String) all.resultAt(0)).contains("\"page\":2,\"size\":2,\"total\":4,\"stores\":[");
        assertThat((String) all.resultAt(1)).endsWith("\"page\":3,\"size\":2,\"total\":4,\"stores\":[]}");
        testContext.completeNow();
      })));
  }

  // S001's lines over 03-01..03-04, newest first: A6 (09:00, cancelled: valid_order false), A4's two lines (the second
  // refunded: 销量 0, nothing received), A3, A2's three lines, A1. cost and gross_profit are the line's, the fee is
  // on each order's first line.
  private static final String A6 = "{\"order_id\":\"A6\",\"ordered_at\":\"2026-03-04T09:00:00+08:00\",\"channel\":\"meituan_flash\","
    + "\"sku\":\"P2\",\"product_name\":\"乐事薯片原味 75g\",\"quantity\":0,\"unit_price\":10.00,\"list_price\":10.00,"
    + "\"revenue\":0.00,\"cost\":0.00,\"gross_profit\":0.00,\"service_fee\":0.00,\"valid_order\":false}";
  private static final String A4 = "{\"order_id\":\"A4\",\"ordered_at\":\"2026-03-04T00:00:00+08:00\",\"channel\":\"meituan_flash\","
    + "\"sku\":\"P1\",\"product_name\":\"可口可乐 330ml\",\"quantity\":10,\"unit_price\":3.00,\"list_price\":3.00,"
    + "\"revenue\":30.00,\"cost\":20.00,\"gross_profit\":10.00,\"service_fee\":0.01,\"valid_order\":true}";
  private static final String A4_REFUND = "{\"order_id\":\"A4\",\"ordered_at\":\"2026-03-04T00:00:00+08:00\",\"channel\":\"meituan_flash\","
    + "\"sku\":\"P1\",\"product_name\":\"可口可乐 330ml\",\"quantity\":0,\"unit_price\":3.00,\"list_price\":3.00,"
    + "\"revenue\":0.00,\"cost\":0.00,\"gross_profit\":0.00,\"service_fee\":0.00,\"valid_order\":true}";
  private static final String A3 = "{\"order_id\":\"A3\",\"ordered_at\":\"2026-03-03T12:30:00+08:00\",\"channel\":\"pos\","
    + "\"sku\":\"P2\",\"product_name\":\"乐事薯片原味 75g\",\"quantity\":1,\"unit_price\":10.00,\"list_price\":10.00,"
    + "\"revenue\":10.00,\"cost\":4.00,\"gross_profit\":6.00,\"service_fee\":0.00,\"valid_order\":true}";
  private static final String A2_P1 = "{\"order_id\":\"A2\",\"ordered_at\":\"2026-03-02T00:00:00+08:00\",\"channel\":\"eleme\","
    + "\"sku\":\"P1\",\"product_name\":\"可口可乐 330ml\",\"quantity\":1,\"unit_price\":3.00,\"list_price\":3.00,"
    + "\"revenue\":3.00,\"cost\":2.00,\"gross_profit\":1.00,\"service_fee\":2.00,\"valid_order\":true}";
  private static final String A2_P2 = "{\"order_id\":\"A2\",\"ordered_at\":\"2026-03-02T00:00:00+08:00\",\"channel\":\"eleme\","
    + "\"sku\":\"P2\",\"product_name\":\"乐事薯片原味 75g\",\"quantity\":2,\"unit_price\":8.00,\"list_price\":10.00,"
    + "\"revenue\":16.00,\"cost\":10.00,\"gross_profit\":6.00,\"service_fee\":0.00,\"valid_order\":true}";
  private static final String A2_P3 = "{\"order_id\":\"A2\",\"ordered_at\":\"2026-03-02T00:00:00+08:00\",\"channel\":\"eleme\","
    + "\"sku\":\"P3\",\"product_name\":\"新鲜鸡蛋 10枚\",\"quantity\":1,\"unit_price\":10.00,\"list_price\":10.00,"
    + "\"revenue\":10.00,\"cost\":12.00,\"gross_profit\":-2.00,\"service_fee\":0.00,\"valid_order\":true}";
  private static final String A1 = "{\"order_id\":\"A1\",\"ordered_at\":\"2026-03-01T23:59:59+08:00\",\"channel\":\"meituan_flash\","
    + "\"sku\":\"P1\",\"product_name\":\"可口可乐 330ml\",\"quantity\":2,\"unit_price\":3.00,\"list_price\":3.00,"
    + "\"revenue\":6.00,\"cost\":4.00,\"gross_profit\":2.00,\"service_fee\":0.48,\"valid_order\":true}";

  @Test
  void orderLinesNewestFirstInStoreLocalTime(VertxTestContext testContext) {
    String head = "{\"store\":\"S001\",\"from\":\"2026-03-01\",\"to\":\"2026-03-04\",";
    Future.all(List.of(
        compute("orders", "S001", "2026-03-01", "2026-03-04", Map.of()),
        compute("orders", "S001", "2026-03-01", "2026-03-04", Map.of("page", "3", "size", "3")),
        compute("orders", "S001", "2026-03-01", "2026-03-04", Map.of("page", "6", "size", "1")),
        compute("orders", "S001", "2026-03-01", "2026-03-04", Map.of("page", "3", "size", "2")),
        compute("orders", "S001", "2026-03-01", "2026-03-04", Map.of("page", "3", "size", "4")),
        compute("orders", "S001", "2026-03-02", "2026-03-02", Map.of()),
        compute("orders", "S001", "2026-03-04", "2026-03-04", Map.of("page", "2", "size", "1"))))
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        assertThat((String) all.resultAt(0)).isEqualTo(head + "\"page\":1,\"size\":50,\"total\":8,\"lines\":["
          + String.join(",", A6, A4, A4_REFUND, A3, A2_P1, A2_P2, A2_P3, A1) + "]}");
        // A page that starts inside one day and ends in the next.
        assertThat((String) all.resultAt(1)).isEqualTo(head + "\"page\":3,\"size\":3,\"total\":8,\"lines\":[" + A2_P3 + "," + A1 + "]}");
        assertThat((String) all.resultAt(2)).isEqualTo(head + "\"page\":6,\"size\":1,\"total\":8,\"lines\":[" + A2_P2 + "]}");
        assertThat((String) all.resultAt(3)).isEqualTo(head + "\"page\":3,\"size\":2,\"total\":8,\"lines\":[" + A2_P1 + "," + A2_P2 + "]}");
        assertThat((String) all.resultAt(4)).isEqualTo(head + "\"page\":3,\"size\":4,\"total\":8,\"lines\":[]}");
        // Midnight: A1 at 23:59:59 belongs to 03-01, A2 at 00:00:00 to 03-02.
        assertThat((String) all.resultAt(5)).isEqualTo("{\"store\":\"S001\",\"from\":\"2026-03-02\",\"to\":\"2026-03-02\","
          + "\"page\":1,\"size\":50,\"total\":3,\"lines\":[" + String.join(",", A2_P1, A2_P2, A2_P3) + "]}");
        // The cancelled order's line counts in the day's lines like any other.
        assertThat((String) all.resultAt(6)).isEqualTo("{\"store\":\"S001\",\"from\":\"2026-03-04\",\"to\":\"2026-03-04\","
          + "\"page\":2,\"size\":1,\"total\":3,\"lines\":[" + A4 + "]}");
        testContext.completeNow();
      })));
  }

  @Test
  void diagnosisPlacesEveryProductAndFlagsEveryProblem(VertxTestContext testContext) {
    compute("diagnosis", "S004", "2026-04-01", "2026-04-14").onComplete(testContext.succeeding(body -> testContext.verify(() -> {
      JsonObject result = new JsonObject(body);
      // (100·200 + 60·120 + 85·40 + 75·18 + 80·128) / 506 = 83.379...
      assertThat(body).startsWith("{\"store\":\"S004\",\"from\":\"2026-04-01\",\"to\":\"2026-04-14\",\"health\":83.4,"
        + "\"products_count\":5,\"revenue\":506.00,\"medians\":{\"quantity\":16.0,\"gross_margin\":0.5000},"
        + "\"halves\":{\"first\":{\"from\":\"2026-04-01\",\"to\":\"2026-04-07\"},\"second\":{\"from\":\"2026-04-08\",\"to\":\"2026-04-14\"}},"
        + "\"quadrants\":{\"star\":{\"name_zh\":\"明星\",\"products\":2,\"revenue\":328.00},"
        + "\"traffic\":{\"name_zh\":\"引流\",\"products\":1,\"revenue\":120.00},"
        + "\"potential\":{\"name_zh\":\"潜力\",\"products\":1,\"revenue\":40.00},"
        + "\"laggard\":{\"name_zh\":\"问题\",\"products\":1,\"revenue\":18.00}},"
        + "\"flags\":{\"negative_margin\":{\"name_zh\":\"负毛利\",\"products\":1,\"recommendation\":{\"zh\":\"");
      for (String flag : List.of("negative_margin", "declining", "markdown_dependent", "slow_moving")) {
        JsonObject advice = result.getJsonObject("flags").getJsonObject(flag).getJsonObject("recommendation");
        assertThat(advice.getString("zh")).isNotBlank();
        assertThat(advice.getString("en")).isNotBlank();
        assertThat(result.getJsonObject("flags").getJsonObject(flag).getLong("products")).isEqualTo(1);
      }
      JsonArray products = result.getJsonArray("products");
      List<String> rows = new ArrayList<>();
      for (int i = 0; i < products.size(); i++) {
        JsonObject p = products.getJsonObject(i);
        rows.add(p.getString("sku") + " " + p.getString("quadrant") + "/" + p.getString("quadrant_zh") + " score "
          + p.getInteger("score") + " " + p.getJsonArray("flags").stream().map(f -> ((JsonObject) f).getString("code")).toList());
      }
      assertThat(rows).containsExactly(
        "D2 traffic/引流 score 60 [negative_margin]",
        "D4 laggard/问题 score 75 [markdown_dependent]",
        "D5 star/明星 score 80 [declining]",
        "D3 potential/潜力 score 85 [slow_moving]",
        "D1 star/明星 score 100 []");
      assertThat(productText(body, "D2")).startsWith("{\"sku\":\"D2\",\"name\":\"土鸡蛋 10枚\",\"category\":\"生鲜\",\"quantity\":30,\"orders\":5,"
        + "\"revenue\":120.00,\"gross_profit\":-30.00,\"gross_margin\":-0.2500,\"markdown_rate\":0.0000,\"revenue_share\":0.2372,"
        + "\"first_half_quantity\":15,\"second_half_quantity\":15,\"trend\":0.0000,\"last_sale_day\":\"2026-04-14\","
        + "\"days_since_last_sale\":0,\"quadrant\":\"traffic\",\"quadrant_zh\":\"引流\",\"score\":60,"
        + "\"flags\":[{\"code\":\"negative_margin\",\"name_zh\":\"负毛利\",\"recommendation\":{\"zh\":\"");
      assertThat(productText(body, "D4")).startsWith("{\"sku\":\"D4\",\"name\":\"薯片礼包\",\"category\":\"零食\","
        + "\"quantity\":3,\"orders\":2,\"revenue\":18.00,\"gross_profit\":3.00,\"gross_margin\":0.1667,\"markdown_rate\":0.5000,"
        + "\"revenue_share\":0.0356,\"first_half_quantity\":1,\"second_half_quantity\":2,\"trend\":1.0000,"
        + "\"last_sale_day\":\"2026-04-10\",\"days_since_last_sale\":4,\"quadrant\":\"laggard\"");
      assertThat(productText(body, "D5")).startsWith("{\"sku\":\"D5\",\"name\":\"原味酸奶 200g\",\"category\":\"乳制品\","
        + "\"quantity\":16,\"orders\":3,\"revenue\":128.00,\"gross_profit\":64.00,\"gross_margin\":0.5000,\"markdown_rate\":0.0000,"
        + "\"revenue_share\":0.2530,\"first_half_quantity\":12,\"second_half_quantity\":4,\"trend\":-0.6667,"
        + "\"last_sale_day\":\"2026-04-10\",\"days_since_last_sale\":4,\"quadrant\":\"star\"");
      assertThat(productText(body, "D3")).startsWith("{\"sku\":\"D3\",\"name\":\"进口红酒 750ml\",\"category\":\"酒类\","
        + "\"quantity\":2,\"orders\":1,\"revenue\":40.00,\"gross_profit\":24.00,\"gross_margin\":0.6000,\"markdown_rate\":0.0000,"
        + "\"revenue_share\":0.0791,\"first_half_quantity\":2,\"second_half_quantity\":0,\"trend\":-1.0000,"
        + "\"last_sale_day\":\"2026-04-02\",\"days_since_last_sale\":12,\"quadrant\":\"potential\"");
      assertThat(productText(body, "D1")).isEqualTo("{\"sku\":\"D1\",\"name\":\"鲜榨橙汁 1L\",\"category\":\"饮料\","
        + "\"quantity\":20,\"orders\":4,\"revenue\":200.00,\"gross_profit\":100.00,\"gross_margin\":0.5000,\"markdown_rate\":0.0000,"
        + "\"revenue_share\":0.3953,\"first_half_quantity\":10,\"second_half_quantity\":10,\"trend\":0.0000,"
        + "\"last_sale_day\":\"2026-04-14\",\"days_since_last_sale\":0,\"quadrant\":\"star\",\"quadrant_zh\":\"明星\",\"score\":100,"
        + "\"flags\":[]}");
      testContext.completeNow();
    })));
  }

  @Test
  void aStoreWithoutOrdersGivesZerosForEveryKind(VertxTestContext testContext) {
    Future.all(List.of(
        compute("trend", "S003", "2026-03-01", "2026-03-02"),
        compute("channels", "S003", "2026-03-01", "2026-03-02"),
        compute("categories", "S003", "2026-03-01", "2026-03-02"),
        compute("hours", "S003", "2026-03-01", "2026-03-02"),
        compute("products", "S003", "2026-03-01", "2026-03-02"),
        compute("orders", "S003", "2026-03-01", "2026-03-02"),
        compute("diagnosis", "S003", "2026-03-01", "2026-03-02")))
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        assertThat((String) all.resultAt(0)).isEqualTo("{\"store\":\"S003\",\"from\":\"2026-03-01\",\"to\":\"2026-03-02\",\"days\":["
          + "{\"day\":\"2026-03-01\"," + ZERO_DAY + "},{\"day\":\"2026-03-02\"," + ZERO_DAY + "}],"
          + "\"previous\":{\"from\":\"2026-02-27\",\"to\":\"2026-02-28\",\"days\":["
          + "{\"day\":\"2026-02-27\"," + ZERO_DAY + "},{\"day\":\"2026-02-28\"," + ZERO_DAY + "}]}}");
        // Channels are listed only with orders in the range or the one before.
        assertThat((String) all.resultAt(1)).isEqualTo("{\"store\":\"S003\",\"from\":\"2026-03-01\",\"to\":\"2026-03-02\","
          + "\"previous\":{\"from\":\"2026-02-27\",\"to\":\"2026-02-28\"},\"channels\":[]}");
        assertThat((String) all.resultAt(2)).endsWith("\"categories\":[]}");
        JsonObject hours = new JsonObject((String) all.resultAt(3));
        assertThat(hours.getJsonArray("hours")).hasSize(24);
        assertThat(hours.getJsonArray("hours").stream().map(h -> ((JsonObject) h).getLong("orders"))).containsOnly(0L);
        assertThat(hours.getJsonArray("day_parts")).hasSize(8);
        assertThat((String) all.resultAt(3)).contains("{\"name\":\"清晨\",\"from\":6,\"to\":9,\"orders\":0,\"items\":0,"
          + "\"revenue\":0.00,\"profit\":0.00,\"order_share\":null,\"aov\":null,\"profit_per_order\":null}")
          .endsWith("\"distance_bands\":null}");
        assertThat((String) all.resultAt(4)).endsWith("\"total\":0,\"products\":[]}");
        assertThat((String) all.resultAt(5)).endsWith("\"total\":0,\"lines\":[]}");
        assertThat((String) all.resultAt(6)).contains("\"health\":null,\"products_count\":0,\"revenue\":0.00,"
          + "\"medians\":{\"quantity\":null,\"gross_margin\":null}").endsWith("\"products\":[]}");
        testContext.completeNow();
      })));
  }

  @Test
  void omittedRangeEndsOnTheNewestDayWithDataForEveryKind(VertxTestContext testContext) {
    List<Future<String>> answers = new ArrayList<>();
    for (QueryKind kind : List.of(QueryKind.TREND, QueryKind.CHANNELS, QueryKind.CATEGORIES, QueryKind.HOURS,
      QueryKind.PRODUCTS, QueryKind.ORDERS, QueryKind.DIAGNOSIS)) {
      answers.add(compute(kind.wireName(), "S001", null, null));
    }
    answers.add(compute("ranking", "all", null, null));
    answers.add(compute("trend", "all", null, null));
    Future.all(answers).onComplete(testContext.succeeding(all -> testContext.verify(() -> {
      for (int i = 0; i < answers.size() - 2; i++) {
        JsonObject body = new JsonObject((String) all.resultAt(i));
        assertThat(body.getString("from")).isEqualTo("2026-02-03");
        assertThat(body.getString("to")).isEqualTo("2026-03-04");
      }
      // The chain's newest day is S004's 04-14.
      for (int i = answers.size() - 2; i < answers.size(); i++) {
        JsonObject body = new JsonObject((String) all.resultAt(i));
        assertThat(body.getString("from")).isEqualTo("2026-03-16");
        assertThat(body.getString("to")).isEqualTo("2026-04-14");
      }
      testContext.completeNow();
    })));
  }

  @Test
  void unknownStoresBadRangesAndChainWideTablesAreRefused(VertxTestContext testContext) {
    List<Future<Integer>> codes = new ArrayList<>();
    for (QueryKind kind : List.of(QueryKind.OVERVIEW, QueryKind.TREND, QueryKind.CHANNELS, QueryKind.CATEGORIES,
      QueryKind.HOURS, QueryKind.PRODUCTS, QueryKind.ORDERS, QueryKind.DIAGNOSIS)) {
      codes.add(failureCode(compute(kind.wireName(), "S999", "2026-03-01", "2026-03-02")));
      codes.add(failureCode(compute(kind.wireName(), "S001", "2025-03-01", "2026-03-02")));
      codes.add(failureCode(compute(kind.wireName(), "S001", "2026-03-02", "2026-03-01")));
    }
    codes.add(failureCode(compute("ranking", "all", "2026-03-02", "2026-03-01")));
    codes.add(failureCode(compute("products", "all", "2026-03-01", "2026-03-02")));
    codes.add(failureCode(compute("orders", "S001", "2026-03-01", "2026-03-02", Map.of("size", "501"))));
    codes.add(failureCode(compute("products", "S001", "2026-03-01", "2026-03-02", Map.of("sort", "name"))));
    Future.all(codes).onComplete(testContext.succeeding(all -> testContext.verify(() -> {
      for (int i = 0; i < 8; i++) {
        assertThat((Integer) all.resultAt(3 * i)).isEqualTo(Failure.UNKNOWN_STORE.code());
        assertThat((Integer) all.resultAt(3 * i + 1)).isEqualTo(Failure.BAD_REQUEST.code());
        assertThat((Integer) all.resultAt(3 * i + 2)).isEqualTo(Failure.BAD_REQUEST.code());
      }
      for (int i = 24; i < codes.size(); i++) {
        assertThat((Integer) all.resultAt(i)).isEqualTo(Failure.BAD_REQUEST.code());
      }
      testContext.completeNow();
    })));
  }

  /** "rank code value previous_value change" of every store, numbers as sent. */
  private static List<String> ranks(String body) {
    JsonArray stores = new JsonObject(body).getJsonArray("stores");
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < stores.size(); i++) {
      JsonObject s = stores.getJsonObject(i);
      int start = body.indexOf("{\"rank\":" + s.getInteger("rank") + ",");
      String text = body.substring(start);
      rows.add(s.getInteger("rank") + " " + s.getString("code") + " " + raw(text, "value") + " "
        + raw(text, "previous_value") + " " + raw(text, "change"));
    }
    return rows;
  }

  /** A product's object in the diagnosis as sent (parsing and re-encoding would drop the trailing zeros). */
  private static String productText(String body, String sku) {
    int start = body.indexOf("{\"sku\":\"" + sku + "\"");
    int depth = 0;
    for (int i = start; i < body.length(); i++) {
      char c = body.charAt(i);
      depth += c == '{' ? 1 : c == '}' ? -1 : 0;
      if (depth == 0) {
        return body.substring(start, i + 1);
      }
    }
    throw new AssertionError("no product " + sku + " in " + body);
  }

  /** The JSON text of a top-level number, null or flat object ({"relative": ...}), with its decimals as sent. */
  private static String raw(String json, String field) {
    int start = json.indexOf("\"" + field + "\":") + field.length() + 3;
    if (json.charAt(start) == '{') {
      return json.substring(start, json.indexOf('}', start) + 1);
    }
    int end = start;
    while (end < json.length() && json.charAt(end) != ',' && json.charAt(end) != '}') {
      end++;
    }
    return json.substring(start, end);
  }

  /** {@code "key":value,...} of {@code keys} and the values as they must be written. */
  private static String fields(List<String> keys, String... values) {
    assertThat(values).as("values of " + keys).hasSize(keys.size());
    List<String> pairs = new ArrayList<>();
    for (int i = 0; i < keys.size(); i++) {
      pairs.add("\"" + keys.get(i) + "\":" + values[i]);
    }
    return String.join(",", pairs);
  }

  /** A channel row as written: the figures, shares, cost structure, previous figures, 环比 and rating. */
  private static String channel(String code, String name, boolean chargesFee, String[] figures, String revenueShare,
                                String orderShare, String[] costStructure, String[] previous, String[] change,
                                String rating, String ratingLabel) {
    List<String> changes = new ArrayList<>();
    for (int i = 0; i < FIGURES.size(); i++) {
      changes.add("\"" + FIGURES.get(i) + "\":{\"" + (RATIOS.contains(FIGURES.get(i)) ? "points" : "relative") + "\":"
        + change[i] + "}");
    }
    return "{\"channel\":\"" + code + "\",\"name\":\"" + name + "\",\"charges_fee\":" + chargesFee + ","
      + fields(FIGURES, figures) + ",\"revenue_share\":" + revenueShare + ",\"order_share\":" + orderShare + ","
      + "\"cost_structure\":{" + fields(List.of("product_cost", "consumables_cost", "product_discount", "other_marketing",
      "delivery_cost", "service_fee"), costStructure) + "},"
      + "\"previous\":{" + fields(FIGURES, previous) + "},\"change\":{" + String.join(",", changes) + "},"
      + "\"rating\":" + (rating == null ? "null" : "\"" + rating + "\"") + ","
      + "\"rating_label\":" + (ratingLabel == null ? "null" : "\"" + ratingLabel + "\"") + "}";
  }

  private static void expect(VertxTestContext testContext, Future<String> answer, String expected) {
    answer.onComplete(testContext.succeeding(body -> testContext.verify(() -> {
      assertThat(body).isEqualTo(expected);
      testContext.completeNow();
    })));
  }

  private static Future<Integer> failureCode(Future<String> answer) {
    return answer.transform(ar -> Future.succeededFuture(ar.succeeded() ? 200 : ((ReplyException) ar.cause()).failureCode()));
  }

  private static Future<String> compute(String kind, String store, String from, String to) {
    return compute(kind, store, from, to, Map.of());
  }

  private static Future<String> compute(String kind, String store, String from, String to, Map<String, String> params) {
    JsonObject query = new JsonObject().put("kind", kind).put("store", store).put("params", new JsonObject(Map.copyOf(params)));
    if (from != null) {
      query.put("from", from).put("to", to);
    }
    return node.vertx().eventBus().<Buffer>request(Addresses.DASHBOARD_COMPUTE, query).map(Message::body).map(Buffer::toString);
  }
}
