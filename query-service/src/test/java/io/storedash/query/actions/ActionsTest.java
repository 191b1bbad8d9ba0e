package io.storedash.query.actions;

import io.storedash.common.Addresses;
import io.storedash.common.Failure;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.client.QueryClient;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestStorage;
import io.storedash.query.QueryService;
import io.storedash.query.ingest.BulkLoader;
import io.storedash.query.storage.PgPools;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The 今日必做 list on {@link ActionFixture}, every figure worked out by hand (docs/DESIGN.md §14.1), and its thresholds
 * changed through the settings address.
 */
class ActionsTest {

  private Node node;
  private Pool pool;
  private QueryClient settings;

  @BeforeEach
  void start() {
    StoreDashConfig config = TestStorage.config(Map.of());
    node = Node.local(config);
    pool = PgPools.create(node.vertx(), config, 1, null);
    node.deploy(QueryService.DESCRIPTOR, 1).await();
    new BulkLoader(node.vertx(), node.signatures(), pool, config.timezone()).load(ActionFixture.dataset()).await();
    // 剩余库存 of U1's last line (05-13): the bulk loader does not carry the column, an import would.
    pool.query("UPDATE order_lines SET stock = 5 WHERE product_id = (SELECT id FROM products WHERE sku = 'U1')")
      .execute().await();
    settings = QueryClient.create(node.vertx(), node.signatures(), Duration.ofSeconds(10));
  }

  @AfterEach
  void stop() {
    node.vertx().close().await();
  }

  /** The list as query-service wrote it: money with 2 decimals, ratios with 4 (parsing would lose the zeros). */
  private String raw;

  private JsonObject actions(String store, String day) {
    JsonObject query = new JsonObject().put("kind", "actions").put("store", store)
      .put("params", day == null ? new JsonObject() : new JsonObject().put("day", day));
    raw = node.vertx().eventBus().<Buffer>request(Addresses.DASHBOARD_COMPUTE, query).await().body().toString();
    return new JsonObject(raw);
  }

  private static JsonObject json(String text) {
    return new JsonObject(text);
  }

  private static JsonArray array(String text) {
    return new JsonArray(text);
  }

  private JsonObject set(JsonObject thresholds) {
    return settings.actionSettings(new JsonObject().put("action", "set").put("thresholds", thresholds).put("by", "test"))
      .await();
  }

  private static JsonObject only(JsonObject list, String section, String rule) {
    List<JsonObject> items = list.getJsonArray(section).stream().map(JsonObject.class::cast)
      .filter(item -> item.getString("rule").equals(rule)).toList();
    assertThat(items).as(rule).hasSize(1);
    return items.get(0);
  }

  private static JsonArray trend(Object... dayValue) {
    JsonArray trend = new JsonArray();
    for (int i = 0; i < dayValue.length; i += 2) {
      trend.add(new JsonObject().put("day", dayValue[i]).put("value", dayValue[i + 1]));
    }
    return trend;
  }

  /**
   * Every rule fires exactly once for T001 on 05-20 (the newest day with data, so also without {@code day}):
   * <pre>
   * losing_order   O1: profit −4.50 (利润额 −1.00, fee 0.50, delivery 3.00), its two lines; trend of losing orders 0, 0, 1
   * delivery_cost  O2: 10.00 − 2.00 = 8.00 net, 2.00 above 6.00
   * stock_out      S1: 05-19's best seller (6), nothing on 05-20; channels of 05-19: till 6
   * below_cost     B1: 3 at 2.00 against 9.00 / 3 = 3.00 a unit, loss 3.00; channels: 美团闪购 3
   * falling        F1: 10 in 05-14..05-20 against 20 in 05-07..05-13: −50 %; (A1 had 5 before, under the minimum 10)
   * unsold         U1: last sale 05-13, 7 days, stock 5; channels of 05-13: till 2
   * new_product    N1: first sale 05-20, 1 unit
   * margin_falling T001: 98.50 / 211.00 = 0.46682 against 106.00 / 207.00 = 0.51208: −4.525 → −4.53 points;
   *                daily margins 05-18 20/40 = 0.5, 05-19 18/36 = 0.5, 05-20 60.50/135.00 = 0.4481;
   *                channels over the week: till 54/102 = 0.5294, 饿了么 49/100 = 0.4900, 美团闪购 −4.50/9.00 = −0.5000
   * top_seller     A1: 8 (O1 1 + O3 7), revenue 24.00
   * top_profit     A2: 利润额 60.00 on revenue 100.00, margin 0.6000
   * </pre>
   */
  @Test
  void everyRuleFiresOnceWithItsFigures() {
    set(new JsonObject().put("top_count", 1).put("stock_out_top", 1));
    JsonObject list = actions("T001", null);
    assertThat(list.getString("store")).isEqualTo("T001");
    assertThat(list.getString("day")).isEqualTo(ActionFixture.DAY);
    assertThat(list.getJsonObject("counts")).isEqualTo(new JsonObject().put("urgent", 4).put("watch", 4).put("highlights", 2));
    assertThat(list.containsKey("stores")).isFalse();

    JsonObject losing = only(list, "urgent", "losing_order");
    assertThat(losing.getJsonObject("subject")).isEqualTo(new JsonObject().put("type", "order").put("id", "O1").put("name", "O1"));
    assertThat(raw).contains("{\"order_id\":\"O1\",\"profit\":-4.50,\"revenue\":9.00,\"gross_profit\":-1.00,"
      + "\"service_fee\":0.50,\"delivery_cost\":3.00,\"rebate\":0.00,\"lines\":[{\"sku\":\"B1\",\"name\":\"苏打饼干\","
      + "\"quantity\":3,\"unit_price\":2.00,\"revenue\":6.00,\"cost\":9.00,\"gross_profit\":-3.00,\"service_fee\":0.50},"
      + "{\"sku\":\"A1\"", "\"change_points\":-4.53,", "\"gross_margin\":0.6000}");
    assertThat(losing.getJsonArray("trend")).isEqualTo(trend("2026-05-18", 0, "2026-05-19", 0, "2026-05-20", 1));
    assertThat(losing.getJsonArray("channels")).isEqualTo(array("[{\"channel\":\"meituan_flash\",\"name\":\"美团闪购\",\"value\":-4.50}]"));
    assertThat(losing.getJsonObject("drill"))
      .isEqualTo(json("{\"view\":\"orders\",\"params\":{\"store\":\"T001\",\"day\":\"2026-05-20\",\"q\":\"O1\"}}"));
    assertThat(losing.getJsonObject("advice").getString("zh")).startsWith("订单 O1 亏损 4.50 元");
    assertThat(losing.getJsonObject("advice").getString("en")).startsWith("Order O1 lost 4.50 yuan");

    JsonObject delivery = only(list, "urgent", "delivery_cost");
    assertThat(delivery.getJsonObject("figures")).isEqualTo(json("{\"order_id\":\"O2\",\"delivery_net_cost\":8.00,"
      + "\"limit\":6.00,\"excess\":2.00,\"delivery_cost\":10.00,\"customer_delivery_fee\":2.00,"
      + "\"delivery_fee_discount\":0.00,\"rebate\":0.00,\"distance_km\":null}"));
    assertThat(delivery.getJsonArray("channels")).isEqualTo(array("[{\"channel\":\"eleme\",\"name\":\"饿了么\",\"value\":8.00}]"));

    JsonObject stockOut = only(list, "urgent", "stock_out");
    assertThat(stockOut.getJsonObject("figures"))
      .isEqualTo(json("{\"sku\":\"S1\",\"quantity\":0,\"yesterday_quantity\":6,\"yesterday_rank\":1}"));
    assertThat(stockOut.getJsonArray("trend")).isEqualTo(trend("2026-05-18", 0, "2026-05-19", 6, "2026-05-20", 0));
    assertThat(stockOut.getJsonArray("channels")).isEqualTo(array("[{\"channel\":\"pos\",\"name\":\"收银机订单\",\"value\":6}]"));
    assertThat(stockOut.getJsonObject("drill").getJsonObject("params").getString("day")).isEqualTo("2026-05-19");

    JsonObject belowCost = only(list, "urgent", "below_cost");
    assertThat(belowCost.getJsonObject("figures")).isEqualTo(json("{\"sku\":\"B1\",\"lines\":1,\"quantity\":3,"
      + "\"unit_price\":2.00,\"unit_cost\":3.00,\"revenue\":6.00,\"cost\":9.00,\"loss\":3.00}"));
    assertThat(belowCost.getJsonArray("channels"))
      .isEqualTo(array("[{\"channel\":\"meituan_flash\",\"name\":\"美团闪购\",\"value\":3}]"));

    JsonObject falling = only(list, "watch", "falling");
    assertThat(falling.getJsonObject("figures")).isEqualTo(json("{\"sku\":\"F1\",\"quantity\":10,\"previous_quantity\":20,"
      + "\"change\":-0.5000,\"from\":\"2026-05-14\",\"previous_from\":\"2026-05-07\"}"));
    assertThat(falling.getJsonArray("trend")).isEqualTo(trend("2026-05-18", 10, "2026-05-19", 0, "2026-05-20", 0));
    assertThat(falling.getJsonObject("advice").getString("en")).startsWith("10 sold in the last 7 days against 20 the 7 before, down 50.0 %");

    JsonObject unsold = only(list, "watch", "unsold");
    assertThat(unsold.getJsonObject("figures"))
      .isEqualTo(json("{\"sku\":\"U1\",\"days_without_sale\":7,\"last_sale_day\":\"2026-05-13\",\"stock\":5}"));
    assertThat(unsold.getJsonArray("channels")).isEqualTo(array("[{\"channel\":\"pos\",\"name\":\"收银机订单\",\"value\":2}]"));

    JsonObject fresh = only(list, "watch", "new_product");
    assertThat(fresh.getJsonObject("figures"))
      .isEqualTo(json("{\"sku\":\"N1\",\"quantity\":1,\"revenue\":5.00,\"gross_profit\":2.00}"));

    JsonObject margin = only(list, "watch", "margin_falling");
    assertThat(margin.getJsonObject("subject")).isEqualTo(json("{\"type\":\"store\",\"id\":\"T001\",\"name\":\"长江路店\"}"));
    assertThat(margin.getJsonObject("figures")).isEqualTo(json("{\"profit_margin\":0.4668,\"previous_margin\":0.5121,"
      + "\"change_points\":-4.53,\"profit\":98.50,\"revenue\":211.00,\"from\":\"2026-05-14\",\"previous_from\":\"2026-05-07\"}"));
    assertThat(margin.getJsonArray("trend")).isEqualTo(array("[{\"day\":\"2026-05-18\",\"value\":0.5000},"
      + "{\"day\":\"2026-05-19\",\"value\":0.5000},{\"day\":\"2026-05-20\",\"value\":0.4481}]"));
    assertThat(margin.getJsonArray("channels")).isEqualTo(array("[{\"channel\":\"pos\",\"name\":\"收银机订单\",\"value\":0.5294},"
      + "{\"channel\":\"eleme\",\"name\":\"饿了么\",\"value\":0.4900},{\"channel\":\"meituan_flash\",\"name\":\"美团闪购\",\"value\":-0.5000}]"));
    assertThat(margin.getJsonObject("drill"))
      .isEqualTo(json("{\"view\":\"overview\",\"params\":{\"store\":\"T001\",\"from\":\"2026-05-14\",\"to\":\"2026-05-20\"}}"));

    JsonObject topSeller = only(list, "highlights", "top_seller");
    assertThat(topSeller.getJsonObject("figures")).isEqualTo(json("{\"sku\":\"A1\",\"rank\":1,\"quantity\":8,\"revenue\":24.00}"));
    assertThat(topSeller.getJsonArray("channels")).isEqualTo(array("[{\"channel\":\"pos\",\"name\":\"收银机订单\",\"value\":7},"
      + "{\"channel\":\"meituan_flash\",\"name\":\"美团闪购\",\"value\":1}]"));

    JsonObject topProfit = only(list, "highlights", "top_profit");
    assertThat(topProfit.getJsonObject("figures"))
      .isEqualTo(json("{\"sku\":\"A2\",\"rank\":1,\"gross_profit\":60.00,\"revenue\":100.00,\"gross_margin\":0.6000}"));
    assertThat(topProfit.getJsonArray("trend")).isEqualTo(array("[{\"day\":\"2026-05-18\",\"value\":0.00},"
      + "{\"day\":\"2026-05-19\",\"value\":0.00},{\"day\":\"2026-05-20\",\"value\":60.00}]"));
  }

  /**
   * The same day with other thresholds: a delivery limit of 8.00 drops O2 (8.00 is not above it); unsold at 5 days
   * drops U1 (7 days is no longer a threshold); a fall of more than 60 % drops F1 (50 %); a margin drop of more than 5
   * points drops T001 (4.53); top_count 2 lists B1 as the second seller (3) and A1 as the second profit maker (16.00).
   */
  @Test
  void thresholdsChangedThroughSettingsChangeTheList() {
    JsonObject changed = set(new JsonObject().put("delivery_cost_max", 8).put("unsold_days", new JsonArray().add(5))
      .put("falling_drop", 0.6).put("margin_drop_points", 5).put("top_count", 2));
    assertThat(changed.getLong("revision")).isEqualTo(1);
    assertThat(changed.getString("updated_by")).isEqualTo("test");
    assertThat(changed.getJsonObject("thresholds").getValue("delivery_cost_max").toString()).isEqualTo("8.00");
    JsonObject list = actions("T001", ActionFixture.DAY);
    assertThat(list.getLong("revision")).isEqualTo(1);
    assertThat(list.getJsonObject("thresholds").getJsonArray("unsold_days")).isEqualTo(new JsonArray().add(5));
    List<String> rules = List.of("urgent", "watch", "highlights").stream()
      .flatMap(section -> list.getJsonArray(section).stream().map(item -> ((JsonObject) item).getString("rule") + ":"
        + ((JsonObject) item).getJsonObject("subject").getString("id")))
      .toList();
    assertThat(rules).containsExactly("losing_order:O1", "stock_out:S1", "below_cost:B1", "new_product:N1",
      "top_seller:A1", "top_seller:B1", "top_profit:A2", "top_profit:A1");
  }

  @Test
  void aBadThresholdIsRefusedNamingItAndNothingChanges() {
    assertThatThrownBy(() -> set(new JsonObject().put("falling_drop", 3)))
      .isInstanceOfSatisfying(ReplyException.class, e -> {
        assertThat(Failure.of(e)).isEqualTo(Failure.BAD_REQUEST);
        assertThat(e.getMessage()).startsWith("falling_drop: must be a number from 0.01 to 1");
      });
    assertThatThrownBy(() -> set(new JsonObject().put("unsold_days", new JsonArray().add(7).add(3))))
      .hasMessageStartingWith("unsold_days: ");
    assertThatThrownBy(() -> set(new JsonObject().put("nonsense", 1))).hasMessageStartingWith("nonsense: unknown threshold");
    JsonObject current = settings.actionSettings(new JsonObject().put("action", "get")).await();
    assertThat(current.getLong("revision")).isZero();
    assertThat(current.getJsonObject("thresholds").getValue("falling_drop").toString()).isEqualTo("0.30");
  }

  /**
   * The chain: the same items grouped by store (T001's first), with each store's counts. T002 (one till order on
   * 05-20, its first day) has only its highlights: A1 sold 4 with 利润额 3.00.
   */
  @Test
  void theChainGroupsItemsByStoreWithEachStoresCounts() {
    set(new JsonObject().put("top_count", 1).put("stock_out_top", 1));
    JsonObject list = actions("all", ActionFixture.DAY);
    assertThat(list.getString("store")).isEqualTo("all");
    assertThat(list.getJsonObject("counts")).isEqualTo(new JsonObject().put("urgent", 4).put("watch", 4).put("highlights", 4));
    assertThat(list.getJsonArray("stores")).isEqualTo(array("[{\"code\":\"T001\",\"name\":\"长江路店\","
      + "\"counts\":{\"urgent\":4,\"watch\":4,\"highlights\":2}},{\"code\":\"T002\",\"name\":\"黄河路店\","
      + "\"counts\":{\"urgent\":0,\"watch\":0,\"highlights\":2}}]"));
    List<String> highlights = list.getJsonArray("highlights").stream()
      .map(item -> ((JsonObject) item).getString("store") + ":" + ((JsonObject) item).getString("rule")).toList();
    assertThat(highlights).containsExactly("T001:top_seller", "T001:top_profit", "T002:top_seller", "T002:top_profit");
  }

  @Test
  void anUnknownStoreIs404AndARangeIsRefused() {
    assertThatThrownBy(() -> actions("T999", null)).isInstanceOfSatisfying(ReplyException.class,
      e -> assertThat(Failure.of(e)).isEqualTo(Failure.UNKNOWN_STORE));
    JsonObject ranged = new JsonObject().put("kind", "actions").put("store", "T001").put("from", "2026-05-01")
      .put("to", "2026-05-20");
    assertThatThrownBy(() -> node.vertx().eventBus().request(Addresses.DASHBOARD_COMPUTE, ranged).await())
      .hasMessageContaining("actions takes day");
  }
}
