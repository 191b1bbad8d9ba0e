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
      .compose(id -> new BulkLoader(node.vertx(), pool, config.timezone()).load(HandMadeSales.dataset()))
      .onComplete(testContext.succeedingThenComplete());
  }

  @AfterEach
  void close(VertxTestContext testContext) {
    // Closing Vert.x undeploys the verticle (its stop() runs) and closes the pool.
    node.vertx().close().onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void overviewCountsOrderFeesOnceAndSplitsDaysAtLocalMidnight(VertxTestContext testContext) {
    // Current: A2 (00:00:00 on 03-02, 3 lines) and A3. Previous (02-28..03-01): A1 (23:59:59 on 03-01).
    compute("overview", "S001", "2026-03-02", "2026-03-03").onComplete(testContext.succeeding(reply -> testContext.verify(() -> {
      assertThat(reply.body()).isInstanceOf(Buffer.class);
      assertThat(Double.parseDouble(reply.headers().get(ReplyHeaders.COMPUTE_MS))).isGreaterThanOrEqualTo(0);
      assertThat(reply.body().toString()).isEqualTo("{\"store\":\"S001\",\"from\":\"2026-03-02\",\"to\":\"2026-03-03\","
        + "\"kpis\":{\"orders\":2,\"items\":5,\"revenue\":39.00,"
        + "\"gross_profit\":11.00,\"discount\":3.00,\"delivery_cost\":6.00,\"platform_fee\":2.00,"
        + "\"customer_delivery_fee\":0.00,\"packaging_fee\":1.01,\"net_revenue\":37.01,\"profit\":1.01,\"aov\":18.51,"
        + "\"gross_margin\":0.2821,\"profit_margin\":0.0259,\"discount_rate\":0.0769,\"delivery_cost_ratio\":0.1538},"
        + "\"previous\":{\"from\":\"2026-02-28\",\"to\":\"2026-03-01\","
        + "\"orders\":1,\"items\":2,\"revenue\":6.00,\"gross_profit\":2.00,\"discount\":0.00,\"delivery_cost\":5.00,"
        + "\"platform_fee\":0.48,\"customer_delivery_fee\":3.00,\"packaging_fee\":1.00,\"net_revenue\":10.00,"
        + "\"profit\":0.52,\"aov\":10.00,\"gross_margin\":0.3333,\"profit_margin\":0.0867,\"discount_rate\":0.0000,"
        + "\"delivery_cost_ratio\":0.8333},"
        + "\"change\":{\"orders\":1.0000,\"items\":1.5000,"
        + "\"revenue\":5.5000,\"gross_profit\":4.5000,\"discount\":null,\"delivery_cost\":0.2000,"
        + "\"platform_fee\":3.1667,\"customer_delivery_fee\":-1.0000,\"packaging_fee\":0.0100,\"net_revenue\":2.7010,"
        + "\"profit\":0.9423,\"aov\":0.8505,\"gross_margin\":-0.1538,\"profit_margin\":-0.7012,\"discount_rate\":null,"
        + "\"delivery_cost_ratio\":-0.8154}}");
      testContext.completeNow();
    })));
  }

  @Test
  void allSumsEveryStore(VertxTestContext testContext) {
    compute("overview", "all", "2026-03-02", "2026-03-03").onComplete(testContext.succeeding(reply -> testContext.verify(() -> {
      JsonObject body = new JsonObject(reply.body());
      assertThat(body.getString("store")).isEqualTo("all");
      JsonObject kpis = body.getJsonObject("kpis");
      assertThat(kpis.getLong("orders")).isEqualTo(3);
      assertThat(kpis.getLong("items")).isEqualTo(9);
      assertThat(reply.body().toString()).contains("\"revenue\":51.00,\"gross_profit\":15.00,\"discount\":3.00,"
        + "\"delivery_cost\":10.00,\"platform_fee\":3.00,\"customer_delivery_fee\":2.00,\"packaging_fee\":1.01,"
        + "\"net_revenue\":51.01,\"profit\":2.01,\"aov\":17.00,\"gross_margin\":0.2941,");
      assertThat(body.getJsonObject("previous").getLong("orders")).isEqualTo(1);
      assertThat(body.getJsonObject("change").getDouble("orders")).isEqualTo(2.0);
      testContext.completeNow();
    })));
  }

  @Test
  void omittedRangeIsTheLast30DaysUpToTheNewestDayWithData(VertxTestContext testContext) {
    compute("overview", "S001", null, null).onComplete(testContext.succeeding(reply -> testContext.verify(() -> {
      JsonObject body = new JsonObject(reply.body());
      assertThat(body.getString("from")).isEqualTo("2026-02-03");
      assertThat(body.getString("to")).isEqualTo("2026-03-04");
      assertThat(body.getJsonObject("previous").getString("from")).isEqualTo("2026-01-04");
      assertThat(body.getJsonObject("previous").getString("to")).isEqualTo("2026-02-02");
      assertThat(body.getJsonObject("kpis").getLong("orders")).isEqualTo(5);
      assertThat(body.getJsonObject("kpis").getLong("items")).isEqualTo(22);
      assertThat(body.getJsonObject("change").getValue("orders")).isNull();
      testContext.completeNow();
    })));
  }

  @Test
  void aStoreWithoutOrdersGivesZerosAndNullRatios(VertxTestContext testContext) {
    compute("overview", "S003", "2026-03-02", "2026-03-03").onComplete(testContext.succeeding(reply -> testContext.verify(() -> {
      JsonObject body = new JsonObject(reply.body());
      JsonObject kpis = body.getJsonObject("kpis");
      assertThat(kpis.getLong("orders")).isZero();
      assertThat(reply.body().toString()).contains("\"revenue\":0.00,", "\"profit\":0.00,");
      assertThat(kpis.getValue("aov")).isNull();
      assertThat(kpis.getValue("gross_margin")).isNull();
      assertThat(body.getJsonObject("change").getValue("revenue")).isNull();
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
      assertThat(reply.body().toString()).isEqualTo("{\"stores\":[{\"code\":\"S001\",\"name\":\"和兴路店\",\"city\":\"北京\"},"
        + "{\"code\":\"S002\",\"name\":\"中山路店\",\"city\":\"上海\"},{\"code\":\"S003\",\"name\":\"人民路店\",\"city\":\"广州\"},"
        + "{\"code\":\"S004\",\"name\":\"解放路店\",\"city\":\"深圳\"}]}");
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
