package io.storedash.query;

import io.storedash.common.Addresses;
import io.storedash.common.Failure;
import io.storedash.common.ReplyHeaders;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestStorage;
import io.storedash.query.ingest.BulkLoader;
import io.storedash.query.storage.PgPools;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The overview and stores kinds over the event bus, on {@link HandMadeSales} with every value worked out by hand. */
@ExtendWith(VertxExtension.class)
class OverviewTest {

  private Node node;
  private Pool pool;

  @BeforeEach
  void deployAndLoad(VertxTestContext testContext) {
    StoreDashConfig config = TestStorage.config(Map.of());
    node = Node.local(config);
    pool = PgPools.create(node.vertx(), config, 1, null);
    node.deploy(QueryService.DESCRIPTOR, 1)
      .compose(id -> new BulkLoader(node.vertx(), node.signatures(), pool, config.timezone()).load(HandMadeSales.dataset()))
      .onComplete(testContext.succeedingThenComplete());
  }

  @AfterEach
  void close(VertxTestContext testContext) {
    // Closing Vert.x undeploys the verticle (its stop() runs) and closes the pool.
    node.vertx().close().onComplete(testContext.succeedingThenComplete());
  }

  /**
   * S001 over 03-02..03-03: A2 (00:00:00 on 03-02, 3 lines, 饿了么) and A3 (收银机订单). Previous (02-28..03-01): A1
   * (23:59:59 on 03-01, 美团闪购). Order-level money counts once per order, not once per line.
   * <pre>
   * A2: revenue 3.00 + 16.00 + 10.00 = 29.00; cost 2.00 + 10.00 + 12.00 = 24.00; 利润额 5.00; fee 2.00 (first line);
   *     profit 5.00 − 2.00 − delivery 6.00 = −3.00; GMV 3.00 + 2 × 10.00 + 10.00 + bag 1.01 = 34.01; marketing 满减 3.00;
   *     delivery net 6.00 − 0 = 6.00
   * A3: revenue 10.00, cost 4.00, 利润额 6.00, no fee, profit 6.00, GMV 10.00
   * current: orders 2, items 5, revenue 39.00, 利润额 11.00, profit 3.00, 客单价 39.00 / 2 = 19.50,
   *   利润率 3.00 / 39.00 = 0.07692 → 0.0769, GMV 44.01, marketing 3.00, rate 3.00 / 44.01 = 0.06817 → 0.0682,
   *   delivery net 6.00, fee 2.00, per order 1.50 / 1.50 / 3.00, cost 28.00, 动销 3 (P1, P2, P3)
   * previous, A1: revenue 6.00, cost 4.00, 利润额 2.00, fee 0.48, profit 2.00 − 0.48 − 5.00 = −3.48,
   *   利润率 −3.48 / 6.00 = −0.5800, GMV 6.00 + bag 1.00 + user delivery fee 3.00 = 10.00, marketing 0 (rate 0),
   *   delivery net 5.00 − 3.00 = 2.00, 动销 1
   * 环比: orders (2 − 1) / 1 = 1; items 3 / 2 = 1.5; revenue 33 / 6 = 5.5; 利润额 9 / 2 = 4.5;
   *   profit (3.00 + 3.48) / |−3.48| = 1.86207 → 1.8621 (the absolute value: from a loss to a gain is a rise);
   *   客单价 (19.50 − 6.00) / 6.00 = 2.25; 利润率 (0.076923 + 0.58) × 100 = 65.69 points; GMV 34.01 / 10.00 = 3.401;
   *   rate (0.068166 − 0) × 100 = 6.82 points; delivery net 4 / 2 = 2; fee 1.52 / 0.48 = 3.16667 → 3.1667;
   *   单均利润 (1.50 + 3.48) / 3.48 = 1.43103 → 1.4310; 单均配送 (3 − 2) / 2 = 0.5; cost 24 / 4 = 6; 动销 2 / 1 = 2;
   *   invalid orders, marketing, 单均营销 and rebate were 0 before: null
   * </pre>
   */
  @Test
  void overviewCountsOrderFeesOnceAndSplitsDaysAtLocalMidnight(VertxTestContext testContext) {
    compute("overview", "S001", "2026-03-02", "2026-03-03").onComplete(testContext.succeeding(reply -> testContext.verify(() -> {
      assertThat(reply.body()).isInstanceOf(Buffer.class);
      assertThat(Double.parseDouble(reply.headers().get(ReplyHeaders.COMPUTE_MS))).isGreaterThanOrEqualTo(0);
      assertThat(reply.body().toString()).isEqualTo("{\"store\":\"S001\",\"from\":\"2026-03-02\",\"to\":\"2026-03-03\","
        + "\"kpis\":{\"orders\":2,\"invalid_orders\":0,\"items\":5,\"revenue\":39.00,\"gross_profit\":11.00,\"profit\":3.00,"
        + "\"aov\":19.50,\"profit_margin\":0.0769,\"gmv\":44.01,\"marketing_cost\":3.00,\"marketing_rate\":0.0682,"
        + "\"delivery_net_cost\":6.00,\"service_fee\":2.00,\"profit_per_order\":1.50,\"marketing_per_order\":1.50,"
        + "\"delivery_per_order\":3.00,\"cost\":28.00,\"rebate\":0.00,\"active_products\":3},"
        + "\"previous\":{\"from\":\"2026-02-28\",\"to\":\"2026-03-01\","
        + "\"orders\":1,\"invalid_orders\":0,\"items\":2,\"revenue\":6.00,\"gross_profit\":2.00,\"profit\":-3.48,"
        + "\"aov\":6.00,\"profit_margin\":-0.5800,\"gmv\":10.00,\"marketing_cost\":0.00,\"marketing_rate\":0.0000,"
        + "\"delivery_net_cost\":2.00,\"service_fee\":0.48,\"profit_per_order\":-3.48,\"marketing_per_order\":0.00,"
        + "\"delivery_per_order\":2.00,\"cost\":4.00,\"rebate\":0.00,\"active_products\":1},"
        + "\"change\":{\"orders\":{\"relative\":1.0000},\"invalid_orders\":{\"relative\":null},"
        + "\"items\":{\"relative\":1.5000},\"revenue\":{\"relative\":5.5000},\"gross_profit\":{\"relative\":4.5000},"
        + "\"profit\":{\"relative\":1.8621},\"aov\":{\"relative\":2.2500},\"profit_margin\":{\"points\":65.69},"
        + "\"gmv\":{\"relative\":3.4010},\"marketing_cost\":{\"relative\":null},\"marketing_rate\":{\"points\":6.82},"
        + "\"delivery_net_cost\":{\"relative\":2.0000},\"service_fee\":{\"relative\":3.1667},"
        + "\"profit_per_order\":{\"relative\":1.4310},\"marketing_per_order\":{\"relative\":null},"
        + "\"delivery_per_order\":{\"relative\":0.5000},\"cost\":{\"relative\":6.0000},\"rebate\":{\"relative\":null},"
        + "\"active_products\":{\"relative\":2.0000}},\"previous_year\":null,\"change_year\":null}");
      testContext.completeNow();
    })));
  }

  /**
   * S001 on 03-04: A4 is kept (fee 0.01) with its refunded line, A6 (美团闪购, every line 销量 0, fee 0) is cancelled: it
   * is counted in invalid_orders and nowhere else, though it carries delivery 4.00, a user delivery fee 2.00, a bag
   * and 满减 (had it counted, profit would lose 4.00 and delivery net gain 2.00).
   * <pre>
   * A4: revenue 10 × 3.00 + 0 × 3.00 = 30.00; cost 20.00 + 0; 利润额 10.00; fee 0.01; profit 9.99;
   *     利润率 9.99 / 30.00 = 0.3330; GMV 10 × 3.00 = 30.00 (the refunded line has 销量 0); 动销 1 (P1)
   * previous (03-03), A3: revenue 10.00, 利润额 6.00, profit 6.00, 利润率 0.6000, GMV 10.00, cost 4.00, 动销 1 (P2)
   * 环比: orders 0; items (10 − 1) / 1 = 9; revenue 20 / 10 = 2; 利润额 4 / 6 = 0.66667 → 0.6667;
   *   profit 3.99 / 6 = 0.665; 客单价 2; 利润率 (0.333 − 0.6) × 100 = −26.70 points; GMV 2; rate 0 − 0 = 0.00 points;
   *   单均利润 0.665; cost 16 / 4 = 4; 动销 0; invalid orders, delivery net, fee and what was 0 before: null
   * </pre>
   */
  @Test
  void aCancelledOrderCountsOnlyAsInvalidAndARefundedLineAddsNothing(VertxTestContext testContext) {
    compute("overview", "S001", "2026-03-04", "2026-03-04").onComplete(testContext.succeeding(reply -> testContext.verify(() -> {
      assertThat(reply.body().toString()).isEqualTo("{\"store\":\"S001\",\"from\":\"2026-03-04\",\"to\":\"2026-03-04\","
        + "\"kpis\":{\"orders\":1,\"invalid_orders\":1,\"items\":10,\"revenue\":30.00,\"gross_profit\":10.00,\"profit\":9.99,"
        + "\"aov\":30.00,\"profit_margin\":0.3330,\"gmv\":30.00,\"marketing_cost\":0.00,\"marketing_rate\":0.0000,"
        + "\"delivery_net_cost\":0.00,\"service_fee\":0.01,\"profit_per_order\":9.99,\"marketing_per_order\":0.00,"
        + "\"delivery_per_order\":0.00,\"cost\":20.00,\"rebate\":0.00,\"active_products\":1},"
        + "\"previous\":{\"from\":\"2026-03-03\",\"to\":\"2026-03-03\","
        + "\"orders\":1,\"invalid_orders\":0,\"items\":1,\"revenue\":10.00,\"gross_profit\":6.00,\"profit\":6.00,"
        + "\"aov\":10.00,\"profit_margin\":0.6000,\"gmv\":10.00,\"marketing_cost\":0.00,\"marketing_rate\":0.0000,"
        + "\"delivery_net_cost\":0.00,\"service_fee\":0.00,\"profit_per_order\":6.00,\"marketing_per_order\":0.00,"
        + "\"delivery_per_order\":0.00,\"cost\":4.00,\"rebate\":0.00,\"active_products\":1},"
        + "\"change\":{\"orders\":{\"relative\":0.0000},\"invalid_orders\":{\"relative\":null},"
        + "\"items\":{\"relative\":9.0000},\"revenue\":{\"relative\":2.0000},\"gross_profit\":{\"relative\":0.6667},"
        + "\"profit\":{\"relative\":0.6650},\"aov\":{\"relative\":2.0000},\"profit_margin\":{\"points\":-26.70},"
        + "\"gmv\":{\"relative\":2.0000},\"marketing_cost\":{\"relative\":null},\"marketing_rate\":{\"points\":0.00},"
        + "\"delivery_net_cost\":{\"relative\":null},\"service_fee\":{\"relative\":null},"
        + "\"profit_per_order\":{\"relative\":0.6650},\"marketing_per_order\":{\"relative\":null},"
        + "\"delivery_per_order\":{\"relative\":null},\"cost\":{\"relative\":4.0000},\"rebate\":{\"relative\":null},"
        + "\"active_products\":{\"relative\":0.0000}},\"previous_year\":null,\"change_year\":null}");
      testContext.completeNow();
    })));
  }

  /**
   * The chain over 03-02..03-03: S001's A2 and A3 as above and S002's B1 (美团闪购: revenue 4 × 3.00 = 12.00, cost
   * 8.00, 利润额 4.00, fee 1.00, profit 4.00 − 1.00 − 4.00 = −1.00, GMV 4 × 3.50 + user delivery fee 2.00 = 16.00,
   * delivery net 4.00 − 2.00 = 2.00). orders 3, items 9, revenue 51.00, 利润额 15.00, profit 3.00 − 1.00 = 2.00,
   * 客单价 17.00, 利润率 2 / 51 = 0.03922 → 0.0392, GMV 60.01, marketing 3.00, rate 3 / 60.01 = 0.04999 → 0.0500,
   * delivery net 8.00, fee 3.00, 单均利润 2 / 3 = 0.67, 单均营销 1.00, 单均配送 8 / 3 = 2.67, cost 36.00, 动销 3 (P1 of
   * both stores once). Previous: A1 only (A5 is 02-27): orders (3 − 1) / 1 = 2.
   */
  @Test
  void allSumsEveryStore(VertxTestContext testContext) {
    compute("overview", "all", "2026-03-02", "2026-03-03").onComplete(testContext.succeeding(reply -> testContext.verify(() -> {
      JsonObject body = new JsonObject(reply.body());
      assertThat(body.getString("store")).isEqualTo("all");
      assertThat(reply.body().toString()).contains("\"kpis\":{\"orders\":3,\"invalid_orders\":0,\"items\":9,"
        + "\"revenue\":51.00,\"gross_profit\":15.00,\"profit\":2.00,\"aov\":17.00,\"profit_margin\":0.0392,"
        + "\"gmv\":60.01,\"marketing_cost\":3.00,\"marketing_rate\":0.0500,\"delivery_net_cost\":8.00,"
        + "\"service_fee\":3.00,\"profit_per_order\":0.67,\"marketing_per_order\":1.00,\"delivery_per_order\":2.67,"
        + "\"cost\":36.00,\"rebate\":0.00,\"active_products\":3}");
      assertThat(body.getJsonObject("previous").getLong("orders")).isEqualTo(1);
      assertThat(body.getJsonObject("change").getJsonObject("orders").getDouble("relative")).isEqualTo(2.0);
      testContext.completeNow();
    })));
  }

  /** S001's default range, 02-03..03-04: A5, A1, A2, A3, A4 valid (5 + 2 + 4 + 1 + 10 = 22 items), A6 not. */
  @Test
  void omittedRangeIsTheLast30DaysUpToTheNewestDayWithData(VertxTestContext testContext) {
    compute("overview", "S001", null, null).onComplete(testContext.succeeding(reply -> testContext.verify(() -> {
      JsonObject body = new JsonObject(reply.body());
      assertThat(body.getString("from")).isEqualTo("2026-02-03");
      assertThat(body.getString("to")).isEqualTo("2026-03-04");
      assertThat(body.getJsonObject("previous").getString("from")).isEqualTo("2026-01-04");
      assertThat(body.getJsonObject("previous").getString("to")).isEqualTo("2026-02-02");
      assertThat(body.getJsonObject("kpis").getLong("orders")).isEqualTo(5);
      assertThat(body.getJsonObject("kpis").getLong("invalid_orders")).isEqualTo(1);
      assertThat(body.getJsonObject("kpis").getLong("items")).isEqualTo(22);
      assertThat(body.getJsonObject("change").getJsonObject("orders").containsKey("relative")).isTrue();
      assertThat(body.getJsonObject("change").getJsonObject("orders").getValue("relative")).isNull();
      testContext.completeNow();
    })));
  }

  @Test
  void aStoreWithoutOrdersGivesZerosAndNullRatios(VertxTestContext testContext) {
    compute("overview", "S003", "2026-03-02", "2026-03-03").onComplete(testContext.succeeding(reply -> testContext.verify(() -> {
      JsonObject body = new JsonObject(reply.body());
      JsonObject kpis = body.getJsonObject("kpis");
      assertThat(kpis.getLong("orders")).isZero();
      assertThat(kpis.getLong("invalid_orders")).isZero();
      assertThat(reply.body().toString()).contains("\"revenue\":0.00,", "\"profit\":0.00,", "\"gmv\":0.00,");
      assertThat(kpis.getValue("aov")).isNull();
      assertThat(kpis.getValue("profit_margin")).isNull();
      assertThat(kpis.getValue("marketing_rate")).isNull();
      assertThat(kpis.getValue("profit_per_order")).isNull();
      assertThat(kpis.getLong("active_products")).isZero();
      JsonObject change = body.getJsonObject("change");
      assertThat(change.getJsonObject("revenue").containsKey("relative")).isTrue();
      assertThat(change.getJsonObject("revenue").getValue("relative")).isNull();
      assertThat(change.getJsonObject("profit_margin").containsKey("points")).isTrue();
      assertThat(change.getJsonObject("profit_margin").getValue("points")).isNull();
      testContext.completeNow();
    })));
  }

  @Test
  void anUnknownStoreIs404(VertxTestContext testContext) {
    compute("overview", "S999", "2026-03-02", "2026-03-03").onComplete(testContext.failing(e -> testContext.verify(() -> {
      assertThat(e).isInstanceOf(ReplyException.class);
      assertThat(((ReplyException) e).failureCode()).isEqualTo(Failure.UNKNOWN_STORE.code());
      assertThat(e.getMessage()).isEqualTo("unknown store 'S999'");
      testContext.completeNow();
    })));
  }

  @Test
  void aReversedRangeIs400(VertxTestContext testContext) {
    compute("overview", "S001", "2026-03-03", "2026-03-02").onComplete(testContext.failing(e -> testContext.verify(() -> {
      assertThat(((ReplyException) e).failureCode()).isEqualTo(Failure.BAD_REQUEST.code());
      assertThat(e.getMessage()).contains("after");
      testContext.completeNow();
    })));
  }

  @Test
  void aRangeOverAYearIs400(VertxTestContext testContext) {
    compute("overview", "S001", "2025-03-01", "2026-03-03").onComplete(testContext.failing(e -> testContext.verify(() -> {
      assertThat(((ReplyException) e).failureCode()).isEqualTo(Failure.BAD_REQUEST.code());
      assertThat(e.getMessage()).contains("368 days");
      testContext.completeNow();
    })));
  }

  @Test
  void storesAreListedByCode(VertxTestContext testContext) {
    compute("stores", "all", null, null).onComplete(testContext.succeeding(reply -> testContext.verify(() -> {
      // Each store's freshness follows (OrdersAndChainTest): here, who they are.
      assertThat(reply.body().toJsonObject().getJsonArray("stores").stream()
        .map(store -> ((JsonObject) store).getString("code") + " " + ((JsonObject) store).getString("name") + " "
          + ((JsonObject) store).getString("city")))
        .containsExactly("S001 和兴路店 北京", "S002 中山路店 上海", "S003 人民路店 广州", "S004 解放路店 深圳");
      testContext.completeNow();
    })));
  }

  private Future<Message<Buffer>> compute(String kind, String store, String from, String to) {
    JsonObject query = new JsonObject().put("kind", kind).put("store", store);
    if (from != null) {
      query.put("from", from).put("to", to);
    }
    return node.vertx().eventBus().request(Addresses.DASHBOARD_COMPUTE, query);
  }
}
