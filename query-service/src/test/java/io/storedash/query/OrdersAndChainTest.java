package io.storedash.query;

import io.storedash.common.Addresses;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestStorage;
import io.storedash.query.ingest.BulkLoader;
import io.storedash.query.ingest.Dataset;
import io.storedash.query.ingest.LineRecord;
import io.storedash.query.ingest.OrderRecord;
import io.storedash.query.ingest.ProductRecord;
import io.storedash.query.ingest.StoreRecord;
import io.storedash.query.storage.PgPools;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 19's backend (docs/DESIGN.md §13.2) over the event bus: the order search, 同比, the trend's previous period,
 * freshness and the money-losing products, on {@link HandMadeSales} plus two stores of 杭州 with a year of history,
 * every expected value worked out by hand below. Answers are compared as the JSON text a client receives.
 * <pre>
 * Y01 西湖店 (杭州)  Y1 2025-03-02 10:00 收银机订单  P1×2 @3.00 (cost 4.00)                     revenue 6.00, 利润额 2.00
 *                   Y2 2026-03-02 10:00 收银机订单  P1×4 @3.00 (8.00), L1×2 @5.00 (14.00)    revenue 22.00, 利润额 0.00
 *                      订单编号 MT-2026-0302-777
 * Y02 滨江店 (杭州)  Y3 2026-03-02 11:00 收银机订单  L1×1 @8.00 (7.00), L2 (耗材) ×1 @0.10 (0.30)
 *                   Y4 2026-03-03 11:00 收银机订单  P3×1 @5.00 (12.00)                        利润额 −7.00
 * </pre>
 * The till charges no service fee, so every one of these orders is valid and its profit is its 利润额.
 */
class OrdersAndChainTest {

  private static Node node;
  private static OffsetDateTime loadedAfter;
  private static OffsetDateTime loadedBefore;

  @BeforeAll
  static void deployAndLoad() throws Exception {
    StoreDashConfig config = TestStorage.config(Map.of());
    node = Node.local(config);
    Pool pool = PgPools.create(node.vertx(), config, 1, null);
    BulkLoader loader = new BulkLoader(node.vertx(), node.signatures(), pool, config.timezone());
    node.deploy(QueryService.DESCRIPTOR, 1)
      .compose(id -> loader.load(HandMadeSales.dataset()))
      .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    loadedAfter = OffsetDateTime.now().minusSeconds(1);
    loader.load(hangzhou()).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    loadedBefore = OffsetDateTime.now().plusSeconds(1);
  }

  @AfterAll
  static void close() throws Exception {
    node.vertx().close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static Dataset hangzhou() {
    return Dataset.of(
      List.of(new StoreRecord("Y01", "西湖店", "杭州", null), new StoreRecord("Y02", "滨江店", "杭州", null)),
      List.of(new ProductRecord("P1", "可口可乐 330ml", "饮料"), new ProductRecord("P3", "新鲜鸡蛋 10枚", null),
        new ProductRecord("L1", "临期牛奶 1L", "乳制品"), new ProductRecord("L2", "购物袋", "耗材")),
      List.of(
        till("Y1", null, "Y01", "2025-03-02T10:00:00", line("P1", 2, 300, 400)),
        till("Y2", "MT-2026-0302-777", "Y01", "2026-03-02T10:00:00", line("P1", 4, 300, 800), line("L1", 2, 500, 1400)),
        till("Y3", null, "Y02", "2026-03-02T11:00:00", line("L1", 1, 800, 700), line("L2", 1, 10, 30)),
        till("Y4", null, "Y02", "2026-03-03T11:00:00", line("P3", 1, 500, 1200))));
  }

  private static OrderRecord till(String orderNo, String orderCode, String store, String time, LineRecord... lines) {
    return new OrderRecord(orderNo, orderCode, store, HandMadeSales.TILL, LocalDateTime.parse(time), null, null,
      OrderRecord.Fees.NONE, List.of(lines));
  }

  private static LineRecord line(String sku, int quantity, long unitPrice, long cost) {
    return LineRecord.sold(sku, quantity, unitPrice, unitPrice, unitPrice, cost, 0, 0);
  }

  // --- The order search: S001 over 03-01..03-04 has 8 lines in 5 orders (DashboardKindsTest's A1..A6 lines). ---

  private static final String S001_RANGE = "{\"store\":\"S001\",\"from\":\"2026-03-01\",\"to\":\"2026-03-04\",";
  private static final String A6_LINE = "{\"order_id\":\"A6\",\"ordered_at\":\"2026-03-04T09:00:00+08:00\",\"channel\":\"meituan_flash\","
    + "\"sku\":\"P2\",\"product_name\":\"乐事薯片原味 75g\",\"quantity\":0,\"unit_price\":10.00,\"list_price\":10.00,"
    + "\"revenue\":0.00,\"cost\":0.00,\"gross_profit\":0.00,\"service_fee\":0.00,\"valid_order\":false}";
  private static final String A3_LINE = "{\"order_id\":\"A3\",\"ordered_at\":\"2026-03-03T12:30:00+08:00\",\"channel\":\"pos\","
    + "\"sku\":\"P2\",\"product_name\":\"乐事薯片原味 75g\",\"quantity\":1,\"unit_price\":10.00,\"list_price\":10.00,"
    + "\"revenue\":10.00,\"cost\":4.00,\"gross_profit\":6.00,\"service_fee\":0.00,\"valid_order\":true}";
  private static final String A2_P2_LINE = "{\"order_id\":\"A2\",\"ordered_at\":\"2026-03-02T00:00:00+08:00\",\"channel\":\"eleme\","
    + "\"sku\":\"P2\",\"product_name\":\"乐事薯片原味 75g\",\"quantity\":2,\"unit_price\":8.00,\"list_price\":10.00,"
    + "\"revenue\":16.00,\"cost\":10.00,\"gross_profit\":6.00,\"service_fee\":0.00,\"valid_order\":true}";

  /** A product's name matches anywhere in it: 薯片 is P2, on A6 (cancelled, still listed), A3 and A2, newest first. */
  @Test
  void searchByPartOfAProductNameListsItsLinesNewestFirst() {
    assertThat(orders("S001", "2026-03-01", "2026-03-04", Map.of("q", "薯片")))
      .isEqualTo(S001_RANGE + "\"page\":1,\"size\":50,\"total\":3,\"lines\":[" + A6_LINE + "," + A3_LINE + "," + A2_P2_LINE + "]}");
    // Without regard to case, and a sku too: p2 is P2.
    assertThat(orders("S001", "2026-03-01", "2026-03-04", Map.of("q", "p2", "page", "2", "size", "2")))
      .isEqualTo(S001_RANGE + "\"page\":2,\"size\":2,\"total\":3,\"lines\":[" + A2_P2_LINE + "]}");
  }

  /** An order id (订单ID or 订单编号, any part of it) matches every line of the order. */
  @Test
  void searchByOrderIdOrOrderCodeMatchesTheWholeOrder() {
    JsonObject a2 = new JsonObject(orders("S001", "2026-03-01", "2026-03-04", Map.of("q", "a2")));
    assertThat(a2.getLong("total")).isEqualTo(3);
    assertThat(skus(a2.getJsonArray("lines"))).containsExactly("A2/P1", "A2/P2", "A2/P3");
    JsonObject code = new JsonObject(orders("Y01", "2026-03-02", "2026-03-02", Map.of("q", "0302-777")));
    assertThat(skus(code.getJsonArray("lines"))).containsExactly("Y2/P1", "Y2/L1");
  }

  /**
   * 美团闪购 is A1 (1 line), A4 (2) and the cancelled A6 (1); revenue from 10.00 to 29.00 is A2 (29.00: the bound
   * counts) and A3 (10.00), not A4 (30.00), A1 (6.00) or A6 (0.00); both together: nothing.
   */
  @Test
  void channelAndAmountNarrowToTheOrdersWithThem() {
    JsonObject meituan = new JsonObject(orders("S001", "2026-03-01", "2026-03-04", Map.of("channel", "meituan_flash")));
    assertThat(skus(meituan.getJsonArray("lines"))).containsExactly("A6/P2", "A4/P1", "A4/P1", "A1/P1");
    assertThat(meituan.getLong("total")).isEqualTo(4);
    JsonObject amount = new JsonObject(orders("S001", "2026-03-01", "2026-03-04",
      Map.of("min_amount", "10", "max_amount", "29.00")));
    assertThat(skus(amount.getJsonArray("lines"))).containsExactly("A3/P2", "A2/P1", "A2/P2", "A2/P3");
    JsonObject both = new JsonObject(orders("S001", "2026-03-01", "2026-03-04",
      Map.of("channel", "meituan_flash", "min_amount", "10", "max_amount", "29.00")));
    assertThat(both.getLong("total")).isZero();
    assertThat(both.getJsonArray("lines")).isEmpty();
    // A channel no order has is an empty answer, as any other filter that matches nothing.
    assertThat(new JsonObject(orders("S001", "2026-03-01", "2026-03-04", Map.of("channel", "nope"))).getLong("total")).isZero();
  }

  /**
   * By order: the orders with a P2 line (A6, A3, A2), each whole with its own figures. A2: revenue 29.00, cost 24.00,
   * 利润额 5.00, fee 2.00, delivery 6.00 (net 6.00: the customer paid none), 满减 3.00, profit 5.00 − 2.00 − 6.00 =
   * −3.00. The cancelled A6: no sale, delivery 4.00 less the customer's 2.00 = net 2.00, profit −4.00; its 满减 is not
   * marketing (no line GMV counts). {@code total} counts orders.
   */
  @Test
  void groupedByOrderEachOrderCarriesItsLinesAndTotals() {
    String a6 = "{\"order_id\":\"A6\",\"ordered_at\":\"2026-03-04T09:00:00+08:00\",\"channel\":\"meituan_flash\","
      + "\"valid_order\":false,\"totals\":{\"lines\":1,\"items\":0,\"revenue\":0.00,\"cost\":0.00,\"gross_profit\":0.00,"
      + "\"service_fee\":0.00,\"delivery_cost\":4.00,\"delivery_net_cost\":2.00,\"marketing_cost\":0.00,\"profit\":-4.00},"
      + "\"lines\":[{\"sku\":\"P2\",\"product_name\":\"乐事薯片原味 75g\",\"quantity\":0,\"unit_price\":10.00,"
      + "\"list_price\":10.00,\"revenue\":0.00,\"cost\":0.00,\"gross_profit\":0.00,\"service_fee\":0.00}]}";
    String a3 = "{\"order_id\":\"A3\",\"ordered_at\":\"2026-03-03T12:30:00+08:00\",\"channel\":\"pos\","
      + "\"valid_order\":true,\"totals\":{\"lines\":1,\"items\":1,\"revenue\":10.00,\"cost\":4.00,\"gross_profit\":6.00,"
      + "\"service_fee\":0.00,\"delivery_cost\":0.00,\"delivery_net_cost\":0.00,\"marketing_cost\":0.00,\"profit\":6.00},"
      + "\"lines\":[{\"sku\":\"P2\",\"product_name\":\"乐事薯片原味 75g\",\"quantity\":1,\"unit_price\":10.00,"
      + "\"list_price\":10.00,\"revenue\":10.00,\"cost\":4.00,\"gross_profit\":6.00,\"service_fee\":0.00}]}";
    String a2 = "{\"order_id\":\"A2\",\"ordered_at\":\"2026-03-02T00:00:00+08:00\",\"channel\":\"eleme\","
      + "\"valid_order\":true,\"totals\":{\"lines\":3,\"items\":4,\"revenue\":29.00,\"cost\":24.00,\"gross_profit\":5.00,"
      + "\"service_fee\":2.00,\"delivery_cost\":6.00,\"delivery_net_cost\":6.00,\"marketing_cost\":3.00,\"profit\":-3.00},"
      + "\"lines\":[{\"sku\":\"P1\",\"product_name\":\"可口可乐 330ml\",\"quantity\":1,\"unit_price\":3.00,"
      + "\"list_price\":3.00,\"revenue\":3.00,\"cost\":2.00,\"gross_profit\":1.00,\"service_fee\":2.00},"
      + "{\"sku\":\"P2\",\"product_name\":\"乐事薯片原味 75g\",\"quantity\":2,\"unit_price\":8.00,\"list_price\":10.00,"
      + "\"revenue\":16.00,\"cost\":10.00,\"gross_profit\":6.00,\"service_fee\":0.00},"
      + "{\"sku\":\"P3\",\"product_name\":\"新鲜鸡蛋 10枚\",\"quantity\":1,\"unit_price\":10.00,\"list_price\":10.00,"
      + "\"revenue\":10.00,\"cost\":12.00,\"gross_profit\":-2.00,\"service_fee\":0.00}]}";
    assertThat(orders("S001", "2026-03-01", "2026-03-04", Map.of("q", "P2", "group", "order")))
      .isEqualTo(S001_RANGE + "\"page\":1,\"size\":50,\"total\":3,\"orders\":[" + a6 + "," + a3 + "," + a2 + "]}");
    // Unfiltered, every order of the range: A6, A4, A3, A2, A1; a page past the end is empty but keeps the total.
    JsonObject all = new JsonObject(orders("S001", "2026-03-01", "2026-03-04", Map.of("group", "order", "size", "2", "page", "2")));
    assertThat(all.getLong("total")).isEqualTo(5);
    assertThat(all.getJsonArray("orders").stream().map(o -> ((JsonObject) o).getString("order_id"))).containsExactly("A3", "A2");
    JsonObject past = new JsonObject(orders("S001", "2026-03-01", "2026-03-04", Map.of("group", "order", "page", "9")));
    assertThat(past.getLong("total")).isEqualTo(5);
    assertThat(past.getJsonArray("orders")).isEmpty();
  }

  /** day=latest is the store's newest day with data (S001: 03-04, A4's two lines and A6's); a date is that day alone. */
  @Test
  void latestDayIsTheNewestDayWithData() {
    JsonObject latest = new JsonObject(orders("S001", null, null, Map.of("day", "latest")));
    assertThat(latest.getString("from")).isEqualTo("2026-03-04");
    assertThat(latest.getString("to")).isEqualTo("2026-03-04");
    assertThat(skus(latest.getJsonArray("lines"))).containsExactly("A6/P2", "A4/P1", "A4/P1");
    JsonObject day = new JsonObject(orders("S001", null, null, Map.of("day", "2026-03-03")));
    assertThat(day.getString("from")).isEqualTo("2026-03-03");
    assertThat(skus(day.getJsonArray("lines"))).containsExactly("A3/P2");
  }

  /**
   * The search is text, never a pattern or SQL: % and _ are characters no order id or product here has (as LIKE
   * wildcards they would match every line), and quotes and a statement change nothing, the tables included.
   */
  @Test
  void searchTextIsMatchedLiterally() {
    for (String text : List.of("%", "_", "P_", "可口%", "\\", "'; DROP TABLE orders; --", "\" OR 1=1 --", "*", "[P]")) {
      JsonObject answer = new JsonObject(orders("S001", "2026-03-01", "2026-03-04", Map.of("q", text)));
      assertThat(answer.getLong("total")).as(text).isZero();
      assertThat(new JsonObject(orders("S001", "2026-03-01", "2026-03-04", Map.of("q", text, "group", "order")))
        .getLong("total")).as(text).isZero();
    }
    assertThat(new JsonObject(orders("S001", "2026-03-01", "2026-03-04", Map.of())).getLong("total")).isEqualTo(8);
  }

  // --- 同比 and the trend's previous period. ---

  /**
   * Y01 on 2026-03-02 (Y2: one order, 6 items, revenue 22.00, 利润额 0.00) against 2025-03-02 (Y1: 2 items,
   * revenue 6.00, 利润额 = profit 2.00, 利润率 0.3333). 同比: orders 1 → 1 = 0, items 6 / 2 → 2.0000, revenue
   * 16 / 6 = 2.6667, profit (0 − 2) / 2 = −1.0000, 利润率 (0 − 0.33333) × 100 = −33.33 points, 动销商品数 2 (P1, L1)
   * against 1 → 1.0000.
   */
  @Test
  void overviewComparesTheSameDaysAYearBefore() {
    // As text: the JSON a client reads, decimals and all.
    String y01 = compute("overview", "Y01", "2026-03-02", "2026-03-02", Map.of());
    assertThat(y01).contains("\"previous_year\":{\"from\":\"2025-03-02\",\"to\":\"2025-03-02\",\"orders\":1,"
      + "\"invalid_orders\":0,\"items\":2,\"revenue\":6.00,\"gross_profit\":2.00,\"profit\":2.00,\"aov\":6.00,"
      + "\"profit_margin\":0.3333,", "\"rebate\":0.00,\"active_products\":1},\"change_year\":{");
    String change = y01.substring(y01.indexOf("\"change_year\""));
    assertThat(change).contains("\"orders\":{\"relative\":0.0000}", "\"items\":{\"relative\":2.0000}",
      "\"revenue\":{\"relative\":2.6667}", "\"profit\":{\"relative\":-1.0000}", "\"profit_margin\":{\"points\":-33.33}",
      "\"active_products\":{\"relative\":1.0000}");
    // The chain's data begins on 2025-03-02 too: its 同比 is Y1's.
    assertThat(compute("overview", "all", "2026-03-02", "2026-03-02", Map.of()))
      .contains("\"previous_year\":{\"from\":\"2025-03-02\",\"to\":\"2025-03-02\",\"orders\":1,\"invalid_orders\":0,"
        + "\"items\":2,\"revenue\":6.00,");
  }

  /**
   * Only where the data covers the days a year before: Y02 began in 2026, a set without Y01 too, and Y01 over
   * 03-01..03-02 would compare two days with one (its data began on 2025-03-02): no 同比, null, not zeros.
   */
  @Test
  void noYearAgoComparisonWhereTheDataDoesNotCoverIt() {
    for (String answer : List.of(compute("overview", "Y02", "2026-03-02", "2026-03-02", Map.of()),
      compute("overview", "Y01", "2026-03-01", "2026-03-02", Map.of()),
      computeFor(List.of("S001", "S002", "Y02"), "overview", "2026-03-02", "2026-03-02", Map.of()))) {
      assertThat(answer).contains("\"previous_year\":null,\"change_year\":null");
    }
  }

  private static final List<String> DAY_FIGURES = List.of("orders", "invalid_orders", "items", "revenue", "gross_profit",
    "profit", "aov", "profit_margin", "gmv", "marketing_cost", "marketing_rate", "delivery_net_cost", "service_fee");
  private static final String ZERO_DAY = fields("0", "0", "0", "0.00", "0.00", "0.00", "null", "null", "0.00", "0.00",
    "null", "0.00", "0.00");

  /**
   * S001 over 03-03..03-04 against 03-01..03-02, day by day: A1 on 03-01 (revenue 6.00, profit −3.48, 利润率 −0.5800,
   * GMV 10.00, delivery net 2.00, fee 0.48), A2 on 03-02 (DashboardKindsTest's trend: 29.00, −3.00, −0.1034, 34.01,
   * marketing 3.00 at 0.0882, delivery net 6.00, fee 2.00). A range whose previous period has no order gets its days
   * with zeros.
   */
  @Test
  void trendCarriesThePreviousPeriodDayByDay() {
    String trend = compute("trend", "S001", "2026-03-03", "2026-03-04", Map.of());
    assertThat(trend).endsWith(",\"previous\":{\"from\":\"2026-03-01\",\"to\":\"2026-03-02\",\"days\":["
      + "{\"day\":\"2026-03-01\"," + fields("1", "0", "2", "6.00", "2.00", "-3.48", "6.00", "-0.5800", "10.00", "0.00",
      "0.0000", "2.00", "0.48") + "},"
      + "{\"day\":\"2026-03-02\"," + fields("1", "0", "4", "29.00", "5.00", "-3.00", "29.00", "-0.1034", "34.01", "3.00",
      "0.0882", "6.00", "2.00") + "}]}}");
    assertThat(compute("trend", "S003", "2026-03-03", "2026-03-03", Map.of())).endsWith(
      "\"previous\":{\"from\":\"2026-03-02\",\"to\":\"2026-03-02\",\"days\":[{\"day\":\"2026-03-02\"," + ZERO_DAY + "}]}}");
  }

  // --- Freshness in the stores view. ---

  /**
   * Per store its first and newest day with orders, its newest order's time (S001: the cancelled A6 at 09:00 on 03-04
   * is its newest order) and the last load's time; the chain's: the earliest first day (Y01's 2025-03-02), the newest
   * day and order (S004's C6, 04-14 23:30) and the newest load. A store without orders has no days and no order time.
   */
  @Test
  void storesCarryTheirFreshnessAndTheChainsTotals() {
    JsonObject answer = new JsonObject(compute("stores", "all", null, null, Map.of()));
    JsonObject s001 = answer.getJsonArray("stores").getJsonObject(0);
    assertThat(s001.getString("code")).isEqualTo("S001");
    assertThat(s001.getString("first_day")).isEqualTo("2026-02-27");
    assertThat(s001.getString("last_day")).isEqualTo("2026-03-04");
    assertThat(s001.getString("newest_order_at")).isEqualTo("2026-03-04T09:00:00+08:00");
    JsonObject s003 = answer.getJsonArray("stores").getJsonObject(2);
    assertThat(s003.getString("code")).isEqualTo("S003");
    assertThat(s003.getValue("first_day")).isNull();
    assertThat(s003.getValue("newest_order_at")).isNull();
    JsonObject chain = answer.getJsonObject("chain");
    assertThat(chain.getString("first_day")).isEqualTo("2025-03-02");
    assertThat(chain.getString("last_day")).isEqualTo("2026-04-14");
    assertThat(chain.getString("newest_order_at")).isEqualTo("2026-04-14T23:30:00+08:00");
    // The first load wrote S001, the second Y01: each store has its own import time, the chain the newest.
    OffsetDateTime s001Import = OffsetDateTime.parse(s001.getString("last_import_at"));
    OffsetDateTime y01Import = OffsetDateTime.parse(answer.getJsonArray("stores").getJsonObject(4).getString("last_import_at"));
    assertThat(s001Import).isBefore(loadedAfter.plusSeconds(1));
    assertThat(y01Import).isAfter(loadedAfter).isBefore(loadedBefore);
    assertThat(OffsetDateTime.parse(chain.getString("last_import_at"))).isEqualTo(y01Import);
    // A set (杭州's stores, as the gateway asks for city=杭州): its stores, and its own freshness.
    JsonObject city = new JsonObject(computeFor(List.of("Y01", "Y02"), "stores", null, null, Map.of()));
    assertThat(city.getJsonArray("stores").stream().map(s -> ((JsonObject) s).getString("code"))).containsExactly("Y01", "Y02");
    assertThat(city.getJsonObject("chain").getString("first_day")).isEqualTo("2025-03-02");
    assertThat(city.getJsonObject("chain").getString("newest_order_at")).isEqualTo("2026-03-03T11:00:00+08:00");
  }

  // --- Money-losing products. ---

  /**
   * 03-01..03-05, valid orders, consumables left out (L2, the carrier bag, sells at a loss and is not listed):
   * P3 loses 2.00 in S001 (A2: 10.00 for 12.00) and 7.00 in Y02 (Y4: 5.00 for 12.00): −9.00 on 15.00, margin −0.6000;
   * L1 loses 4.00 in Y01 (10.00 for 14.00) and earns 1.00 in Y02 (8.00 for 7.00): −3.00 on 18.00, −0.1667, and only Y01
   * is named. P1 and P2 earn money everywhere. Biggest loss first; {@code loss} sums all of them: −12.00.
   */
  @Test
  void losingProductsOfTheChainWithTheStoresTheyLoseIn() {
    String p3 = "{\"sku\":\"P3\",\"name\":\"新鲜鸡蛋 10枚\",\"category\":\"未分类\",\"quantity\":2,\"revenue\":15.00,"
      + "\"gross_profit\":-9.00,\"gross_margin\":-0.6000,\"stores\":["
      + "{\"code\":\"Y02\",\"name\":\"滨江店\",\"quantity\":1,\"revenue\":5.00,\"gross_profit\":-7.00},"
      + "{\"code\":\"S001\",\"name\":\"和兴路店\",\"quantity\":1,\"revenue\":10.00,\"gross_profit\":-2.00}]}";
    String l1 = "{\"sku\":\"L1\",\"name\":\"临期牛奶 1L\",\"category\":\"乳制品\",\"quantity\":3,\"revenue\":18.00,"
      + "\"gross_profit\":-3.00,\"gross_margin\":-0.1667,\"stores\":["
      + "{\"code\":\"Y01\",\"name\":\"西湖店\",\"quantity\":2,\"revenue\":10.00,\"gross_profit\":-4.00}]}";
    String head = "{\"store\":\"all\",\"from\":\"2026-03-01\",\"to\":\"2026-03-05\",";
    assertThat(compute("losing-products", "all", "2026-03-01", "2026-03-05", Map.of()))
      .isEqualTo(head + "\"page\":1,\"size\":50,\"total\":2,\"loss\":-12.00,\"products\":[" + p3 + "," + l1 + "]}");
    assertThat(compute("losing-products", "all", "2026-03-01", "2026-03-05", Map.of("page", "2", "size", "1")))
      .isEqualTo(head + "\"page\":2,\"size\":1,\"total\":2,\"loss\":-12.00,\"products\":[" + l1 + "]}");
    assertThat(compute("losing-products", "all", "2026-03-01", "2026-03-05", Map.of("page", "3", "size", "1")))
      .isEqualTo(head + "\"page\":3,\"size\":1,\"total\":2,\"loss\":-12.00,\"products\":[]}");
  }

  /**
   * Over 杭州's stores only: P3 loses 7.00 (Y02), L1 3.00; S001's loss on P3 is not theirs. One store: S001's P3. A
   * range without losses: nothing, total 0, loss 0.00.
   */
  @Test
  void losingProductsOfASetAndOfOneStore() {
    String cityText = computeFor(List.of("Y01", "Y02"), "losing-products", "2026-03-01", "2026-03-05", Map.of());
    assertThat(cityText).contains("\"total\":2,\"loss\":-10.00,\"products\":[{\"sku\":\"P3\"",
      "\"gross_profit\":-7.00,\"gross_margin\":-1.4000,\"stores\":[{\"code\":\"Y02\"");
    JsonObject city = new JsonObject(cityText);
    assertThat(city.getJsonArray("products").getJsonObject(0).getJsonArray("stores").size()).isEqualTo(1);
    JsonObject s001 = new JsonObject(compute("losing-products", "S001", "2026-03-01", "2026-03-05", Map.of()));
    assertThat(s001.getLong("total")).isEqualTo(1);
    assertThat(s001.getJsonArray("products").getJsonObject(0).getString("sku")).isEqualTo("P3");
    assertThat(compute("losing-products", "all", "2026-03-03", "2026-03-03", Map.of("size", "5")))
      .isEqualTo("{\"store\":\"all\",\"from\":\"2026-03-03\",\"to\":\"2026-03-03\",\"page\":1,\"size\":5,\"total\":1,"
        + "\"loss\":-7.00,\"products\":[{\"sku\":\"P3\",\"name\":\"新鲜鸡蛋 10枚\",\"category\":\"未分类\",\"quantity\":1,"
        + "\"revenue\":5.00,\"gross_profit\":-7.00,\"gross_margin\":-1.4000,\"stores\":[{\"code\":\"Y02\",\"name\":\"滨江店\","
        + "\"quantity\":1,\"revenue\":5.00,\"gross_profit\":-7.00}]}]}");
    assertThat(compute("losing-products", "all", "2026-03-04", "2026-03-05", Map.of()))
      .isEqualTo("{\"store\":\"all\",\"from\":\"2026-03-04\",\"to\":\"2026-03-05\",\"page\":1,\"size\":50,\"total\":0,"
        + "\"loss\":0.00,\"products\":[]}");
  }

  private static List<String> skus(JsonArray lines) {
    return lines.stream().map(l -> ((JsonObject) l).getString("order_id") + "/" + ((JsonObject) l).getString("sku")).toList();
  }

  private static String fields(String... values) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      sb.append(i == 0 ? "" : ",").append('"').append(DAY_FIGURES.get(i)).append("\":").append(values[i]);
    }
    return sb.toString();
  }

  private static String orders(String store, String from, String to, Map<String, String> params) {
    return compute("orders", store, from, to, params);
  }

  private static String compute(String kind, String store, String from, String to, Map<String, String> params) {
    return ask(query(kind, store, from, to, params));
  }

  private static String computeFor(List<String> stores, String kind, String from, String to, Map<String, String> params) {
    return ask(query(kind, "all", from, to, params).put("stores", new JsonArray(stores)));
  }

  private static JsonObject query(String kind, String store, String from, String to, Map<String, String> params) {
    JsonObject query = new JsonObject().put("kind", kind).put("store", store).put("params", new JsonObject(Map.copyOf(params)));
    if (from != null) {
      query.put("from", from).put("to", to);
    }
    return query;
  }

  private static String ask(JsonObject query) {
    try {
      return node.vertx().eventBus().<Buffer>request(Addresses.DASHBOARD_COMPUTE, query).map(Message::body)
        .map(Buffer::toString).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the query " + query.encode() + " failed: " + e, e);
    }
  }
}
