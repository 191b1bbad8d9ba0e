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
      .compose(id -> new BulkLoader(node.vertx(), pool, config.timezone()).load(HandMadeSales.dataset()))
      .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  @AfterAll
  static void close() throws Exception {
    node.vertx().close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static final String ZERO_DAY = "\"orders\":0,\"items\":0,\"revenue\":0.00,\"gross_profit\":0.00,"
    + "\"net_revenue\":0.00,\"profit\":0.00,\"aov\":null,\"gross_margin\":null";

  @Test
  void trendListsEveryDayWithZerosForDaysWithoutOrders(VertxTestContext testContext) {
    // 02-28 has no order; A1 (23:59:59) is on 03-01, A2 (00:00:00) on 03-02, A4 (00:00:00) on 03-04.
    expect(testContext, compute("trend", "S001", "2026-02-28", "2026-03-04"),
      "{\"store\":\"S001\",\"from\":\"2026-02-28\",\"to\":\"2026-03-04\",\"days\":["
        + "{\"day\":\"2026-02-28\"," + ZERO_DAY + "},"
        + "{\"day\":\"2026-03-01\",\"orders\":1,\"items\":2,\"revenue\":6.00,\"gross_profit\":2.00,\"net_revenue\":10.00,"
        + "\"profit\":0.52,\"aov\":10.00,\"gross_margin\":0.3333},"
        + "{\"day\":\"2026-03-02\",\"orders\":1,\"items\":4,\"revenue\":29.00,\"gross_profit\":5.00,\"net_revenue\":27.01,"
        + "\"profit\":-4.99,\"aov\":27.01,\"gross_margin\":0.1724},"
        + "{\"day\":\"2026-03-03\",\"orders\":1,\"items\":1,\"revenue\":10.00,\"gross_profit\":6.00,\"net_revenue\":10.00,"
        + "\"profit\":6.00,\"aov\":10.00,\"gross_margin\":0.6000},"
        + "{\"day\":\"2026-03-04\",\"orders\":1,\"items\":10,\"revenue\":30.00,\"gross_profit\":10.00,\"net_revenue\":30.00,"
        + "\"profit\":10.00,\"aov\":30.00,\"gross_margin\":0.3333}]}");
  }

  @Test
  void chainTrendSumsTheStoresPerDay(VertxTestContext testContext) {
    // 03-02: A2 + B1; net revenue 27.01 + 14.00 over 2 orders = 20.505, rounded half-up to 20.51.
    expect(testContext, compute("trend", "all", "2026-03-02", "2026-03-05"),
      "{\"store\":\"all\",\"from\":\"2026-03-02\",\"to\":\"2026-03-05\",\"days\":["
        + "{\"day\":\"2026-03-02\",\"orders\":2,\"items\":8,\"revenue\":41.00,\"gross_profit\":9.00,\"net_revenue\":41.01,"
        + "\"profit\":-3.99,\"aov\":20.51,\"gross_margin\":0.2195},"
        + "{\"day\":\"2026-03-03\",\"orders\":1,\"items\":1,\"revenue\":10.00,\"gross_profit\":6.00,\"net_revenue\":10.00,"
        + "\"profit\":6.00,\"aov\":10.00,\"gross_margin\":0.6000},"
        + "{\"day\":\"2026-03-04\",\"orders\":1,\"items\":10,\"revenue\":30.00,\"gross_profit\":10.00,\"net_revenue\":30.00,"
        + "\"profit\":10.00,\"aov\":30.00,\"gross_margin\":0.3333},"
        + "{\"day\":\"2026-03-05\",\"orders\":1,\"items\":4,\"revenue\":30.00,\"gross_profit\":13.00,\"net_revenue\":28.50,"
        + "\"profit\":5.30,\"aov\":28.50,\"gross_margin\":0.4333}]}");
  }

  @Test
  void channelsCarryEveryKpiAndTheirShareOfRevenue(VertxTestContext testContext) {
    expect(testContext, compute("channels", "S001", "2026-03-01", "2026-03-04"),
      "{\"store\":\"S001\",\"from\":\"2026-03-01\",\"to\":\"2026-03-04\",\"channels\":["
        + "{\"channel\":\"meituan\",\"name_zh\":\"美团\",\"orders\":2,\"items\":12,\"revenue\":36.00,\"gross_profit\":12.00,"
        + "\"discount\":0.00,\"delivery_cost\":5.00,\"platform_fee\":0.48,\"customer_delivery_fee\":3.00,\"packaging_fee\":1.00,"
        + "\"net_revenue\":40.00,\"profit\":10.52,\"aov\":20.00,\"gross_margin\":0.3333,\"profit_margin\":0.2922,"
        + "\"discount_rate\":0.0000,\"delivery_cost_ratio\":0.1389,\"revenue_share\":0.4800},"
        + "{\"channel\":\"eleme\",\"name_zh\":\"饿了么\",\"orders\":1,\"items\":4,\"revenue\":29.00,\"gross_profit\":5.00,"
        + "\"discount\":3.00,\"delivery_cost\":6.00,\"platform_fee\":2.00,\"customer_delivery_fee\":0.00,\"packaging_fee\":1.01,"
        + "\"net_revenue\":27.01,\"profit\":-4.99,\"aov\":27.01,\"gross_margin\":0.1724,\"profit_margin\":-0.1721,"
        + "\"discount_rate\":0.1034,\"delivery_cost_ratio\":0.2069,\"revenue_share\":0.3867},"
        + "{\"channel\":\"offline\",\"name_zh\":\"线下\",\"orders\":1,\"items\":1,\"revenue\":10.00,\"gross_profit\":6.00,"
        + "\"discount\":0.00,\"delivery_cost\":0.00,\"platform_fee\":0.00,\"customer_delivery_fee\":0.00,\"packaging_fee\":0.00,"
        + "\"net_revenue\":10.00,\"profit\":6.00,\"aov\":10.00,\"gross_margin\":0.6000,\"profit_margin\":0.6000,"
        + "\"discount_rate\":0.0000,\"delivery_cost_ratio\":0.0000,\"revenue_share\":0.1333},"
        + "{\"channel\":\"jddj\",\"name_zh\":\"京东到家\",\"orders\":0,\"items\":0,\"revenue\":0.00,\"gross_profit\":0.00,"
        + "\"discount\":0.00,\"delivery_cost\":0.00,\"platform_fee\":0.00,\"customer_delivery_fee\":0.00,\"packaging_fee\":0.00,"
        + "\"net_revenue\":0.00,\"profit\":0.00,\"aov\":null,\"gross_margin\":null,\"profit_margin\":null,"
        + "\"discount_rate\":null,\"delivery_cost_ratio\":null,\"revenue_share\":0.0000}]}");
  }

  @Test
  void chainChannelsCountTheJddjOrderOfS002(VertxTestContext testContext) {
    compute("channels", "all", "2026-03-05", "2026-03-05").onComplete(testContext.succeeding(body -> testContext.verify(() -> {
      JsonArray channels = new JsonObject(body).getJsonArray("channels");
      assertThat(channels.getJsonObject(0).getString("channel")).isEqualTo("jddj");
      assertThat(body).contains("{\"channel\":\"jddj\",\"name_zh\":\"京东到家\",\"orders\":1,\"items\":4,\"revenue\":30.00,"
        + "\"gross_profit\":13.00,\"discount\":2.00,\"delivery_cost\":5.00,\"platform_fee\":1.20,\"customer_delivery_fee\":0.00,"
        + "\"packaging_fee\":0.50,\"net_revenue\":28.50,\"profit\":5.30,\"aov\":28.50,\"gross_margin\":0.4333,"
        + "\"profit_margin\":0.1767,\"discount_rate\":0.0667,\"delivery_cost_ratio\":0.1667,\"revenue_share\":1.0000}");
      testContext.completeNow();
    })));
  }

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
        // A2 and A4 at midnight, A3 at 12:30, A1 at 23:59:59 (Asia/Shanghai; stored in UTC).
        assertThat(store).contains("{\"hour\":0,\"orders\":2,\"items\":14,\"revenue\":59.00}",
          "{\"hour\":5,\"orders\":0,\"items\":0,\"revenue\":0.00}",
          "{\"hour\":12,\"orders\":1,\"items\":1,\"revenue\":10.00}",
          "{\"hour\":23,\"orders\":1,\"items\":2,\"revenue\":6.00}]}");
        String chain = both.resultAt(1);
        assertThat(chain).contains("{\"hour\":0,\"orders\":2,\"items\":14,\"revenue\":59.00}",
          "{\"hour\":10,\"orders\":1,\"items\":4,\"revenue\":12.00}",
          "{\"hour\":12,\"orders\":1,\"items\":1,\"revenue\":10.00}",
          "{\"hour\":15,\"orders\":1,\"items\":4,\"revenue\":30.00}",
          "{\"hour\":23,\"orders\":0,\"items\":0,\"revenue\":0.00}");
        testContext.completeNow();
      })));
  }

  private static final String P1 = "{\"sku\":\"P1\",\"name\":\"可口可乐 330ml\",\"category\":\"饮料\",\"quantity\":13,\"orders\":3,"
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
        compute("products", "S001", "2026-03-01", "2026-03-04", Map.of("sort", "gross_profit"))))
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

  private static final String S003_ZEROS = "\"revenue\":0.00,\"profit\":0.00,\"orders\":0,\"profit_margin\":null,\"growth\":null,"
    + "\"previous\":{\"revenue\":0.00,\"profit\":0.00,\"orders\":0,\"profit_margin\":null}}";

  @Test
  void rankingByRevenueWithThePreviousPeriod(VertxTestContext testContext) {
    expect(testContext, compute("ranking", "all", "2026-03-02", "2026-03-03"),
      "{\"from\":\"2026-03-02\",\"to\":\"2026-03-03\",\"metric\":\"revenue\",\"previous\":{\"from\":\"2026-02-28\",\"to\":\"2026-03-01\"},"
        + "\"stores\":["
        + "{\"rank\":1,\"code\":\"S001\",\"name\":\"和兴路店\",\"city\":\"北京\",\"value\":39.00,\"previous_value\":6.00,"
        + "\"change\":5.5000,\"revenue\":39.00,\"profit\":1.01,\"orders\":2,\"profit_margin\":0.0259,\"growth\":5.5000,"
        + "\"previous\":{\"revenue\":6.00,\"profit\":0.52,\"orders\":1,\"profit_margin\":0.0867}},"
        + "{\"rank\":2,\"code\":\"S002\",\"name\":\"中山路店\",\"city\":\"上海\",\"value\":12.00,\"previous_value\":0.00,"
        + "\"change\":null,\"revenue\":12.00,\"profit\":1.00,\"orders\":1,\"profit_margin\":0.0833,\"growth\":null,"
        + "\"previous\":{\"revenue\":0.00,\"profit\":0.00,\"orders\":0,\"profit_margin\":null}},"
        + "{\"rank\":3,\"code\":\"S003\",\"name\":\"人民路店\",\"city\":\"广州\",\"value\":0.00,\"previous_value\":0.00,"
        + "\"change\":null," + S003_ZEROS + ","
        + "{\"rank\":4,\"code\":\"S004\",\"name\":\"解放路店\",\"city\":\"深圳\",\"value\":0.00,\"previous_value\":0.00,"
        + "\"change\":null," + S003_ZEROS + "]}");
  }

  @Test
  void rankingByMarginAndGrowthPutsStoresWithoutAValueLast(VertxTestContext testContext) {
    Future.all(compute("ranking", "all", "2026-03-02", "2026-03-03", Map.of("metric", "profit_margin")),
        compute("ranking", "all", "2026-03-02", "2026-03-03", Map.of("metric", "growth")),
        compute("ranking", "all", "2026-03-02", "2026-03-03", Map.of("metric", "profit")),
        compute("ranking", "all", "2026-03-02", "2026-03-03", Map.of("metric", "orders")))
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        assertThat(ranks(all.resultAt(0))).containsExactly("1 S002 0.0833 null null", "2 S001 0.0259 0.0867 -0.7012",
          "3 S003 null null null", "4 S004 null null null");
        assertThat(ranks(all.resultAt(1))).containsExactly("1 S001 5.5000 null null", "2 S002 null null null",
          "3 S003 null null null", "4 S004 null null null");
        // Profit: S001 1.01 and S002 1.00.
        assertThat(ranks(all.resultAt(2))).containsExactly("1 S001 1.01 0.52 0.9423", "2 S002 1.00 0.00 null",
          "3 S003 0.00 0.00 null", "4 S004 0.00 0.00 null");
        assertThat(ranks(all.resultAt(3))).containsExactly("1 S001 2 1 1.0000", "2 S002 1 0 null",
          "3 S003 0 0 null", "4 S004 0 0 null");
        testContext.completeNow();
      })));
  }

  private static final String A4 = "{\"order_id\":\"A4\",\"ordered_at\":\"2026-03-04T00:00:00+08:00\",\"channel\":\"meituan\","
    + "\"sku\":\"P1\",\"product_name\":\"可口可乐 330ml\",\"quantity\":10,\"unit_price\":3.00,\"list_price\":3.00,\"unit_cost\":2.00,"
    + "\"revenue\":30.00}";
  private static final String A3 = "{\"order_id\":\"A3\",\"ordered_at\":\"2026-03-03T12:30:00+08:00\",\"channel\":\"offline\","
    + "\"sku\":\"P2\",\"product_name\":\"乐事薯片原味 75g\",\"quantity\":1,\"unit_price\":10.00,\"list_price\":10.00,"
    + "\"unit_cost\":4.00,\"revenue\":10.00}";
  private static final String A2_P1 = "{\"order_id\":\"A2\",\"ordered_at\":\"2026-03-02T00:00:00+08:00\",\"channel\":\"eleme\","
    + "\"sku\":\"P1\",\"product_name\":\"可口可乐 330ml\",\"quantity\":1,\"unit_price\":3.00,\"list_price\":3.00,\"unit_cost\":2.00,"
    + "\"revenue\":3.00}";
  private static final String A2_P2 = "{\"order_id\":\"A2\",\"ordered_at\":\"2026-03-02T00:00:00+08:00\",\"channel\":\"eleme\","
    + "\"sku\":\"P2\",\"product_name\":\"乐事薯片原味 75g\",\"quantity\":2,\"unit_price\":8.00,\"list_price\":10.00,"
    + "\"unit_cost\":5.00,\"revenue\":16.00}";
  private static final String A2_P3 = "{\"order_id\":\"A2\",\"ordered_at\":\"2026-03-02T00:00:00+08:00\",\"channel\":\"eleme\","
    + "\"sku\":\"P3\",\"product_name\":\"新鲜鸡蛋 10枚\",\"quantity\":1,\"unit_price\":10.00,\"list_price\":10.00,"
    + "\"unit_cost\":12.00,\"revenue\":10.00}";
  private static final String A1 = "{\"order_id\":\"A1\",\"ordered_at\":\"2026-03-01T23:59:59+08:00\",\"channel\":\"meituan\","
    + "\"sku\":\"P1\",\"product_name\":\"可口可乐 330ml\",\"quantity\":2,\"unit_price\":3.00,\"list_price\":3.00,\"unit_cost\":2.00,"
    + "\"revenue\":6.00}";

  @Test
  void orderLinesNewestFirstInStoreLocalTime(VertxTestContext testContext) {
    String head = "{\"store\":\"S001\",\"from\":\"2026-03-01\",\"to\":\"2026-03-04\",";
    Future.all(List.of(
        compute("orders", "S001", "2026-03-01", "2026-03-04", Map.of()),
        compute("orders", "S001", "2026-03-01", "2026-03-04", Map.of("page", "2", "size", "4")),
        compute("orders", "S001", "2026-03-01", "2026-03-04", Map.of("page", "4", "size", "1")),
        compute("orders", "S001", "2026-03-01", "2026-03-04", Map.of("page", "2", "size", "2")),
        compute("orders", "S001", "2026-03-01", "2026-03-04", Map.of("page", "3", "size", "3")),
        compute("orders", "S001", "2026-03-02", "2026-03-02", Map.of())))
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        assertThat((String) all.resultAt(0)).isEqualTo(head + "\"page\":1,\"size\":50,\"total\":6,\"lines\":["
          + String.join(",", A4, A3, A2_P1, A2_P2, A2_P3, A1) + "]}");
        // A page that starts inside one day and ends in the next.
        assertThat((String) all.resultAt(1)).isEqualTo(head + "\"page\":2,\"size\":4,\"total\":6,\"lines\":[" + A2_P3 + "," + A1 + "]}");
        assertThat((String) all.resultAt(2)).isEqualTo(head + "\"page\":4,\"size\":1,\"total\":6,\"lines\":[" + A2_P2 + "]}");
        assertThat((String) all.resultAt(3)).isEqualTo(head + "\"page\":2,\"size\":2,\"total\":6,\"lines\":[" + A2_P1 + "," + A2_P2 + "]}");
        assertThat((String) all.resultAt(4)).isEqualTo(head + "\"page\":3,\"size\":3,\"total\":6,\"lines\":[]}");
        // Midnight: A1 at 23:59:59 belongs to 03-01, A2 at 00:00:00 to 03-02.
        assertThat((String) all.resultAt(5)).isEqualTo("{\"store\":\"S001\",\"from\":\"2026-03-02\",\"to\":\"2026-03-02\","
          + "\"page\":1,\"size\":50,\"total\":3,\"lines\":[" + String.join(",", A2_P1, A2_P2, A2_P3) + "]}");
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
          + "{\"day\":\"2026-03-01\"," + ZERO_DAY + "},{\"day\":\"2026-03-02\"," + ZERO_DAY + "}]}");
        assertThat(new JsonObject((String) all.resultAt(1)).getJsonArray("channels")).hasSize(4);
        assertThat((String) all.resultAt(1)).doesNotContain("\"orders\":1");
        assertThat((String) all.resultAt(2)).endsWith("\"categories\":[]}");
        assertThat(new JsonObject((String) all.resultAt(3)).getJsonArray("hours")).hasSize(24);
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

  /** The JSON text of a top-level number or null, with its decimals as sent. */
  private static String raw(String json, String field) {
    int start = json.indexOf("\"" + field + "\":") + field.length() + 3;
    int end = start;
    while (end < json.length() && json.charAt(end) != ',' && json.charAt(end) != '}') {
      end++;
    }
    return json.substring(start, end);
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
