package io.storedash.gateway.live;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a caller without the ops or hq role sees of the monitor: colours, nothing that names a machine. */
class MonitorViewTest {

  /** A snapshot shaped as monitor-service publishes it: one query-service instance gone, monitor-service missing. */
  static JsonObject snapshot() {
    JsonObject instance = new JsonObject().put("node", "node-7f3a").put("state", "live").put("version", "5.0.7")
      .put("system", new JsonObject().put("host", "10.0.3.7"));
    return new JsonObject()
      .put("status", "yellow")
      .put("reasons", new JsonArray().add("query-service on node node-7f3a sent no heartbeat for 9000 ms"))
      .put("generated_at", "2026-12-03T10:00:00Z")
      .put("redis", new JsonObject().put("endpoint", "10.0.3.7:6379").put("state", "connected").put("warnings", new JsonArray()))
      .put("postgres", new JsonObject().put("endpoint", "10.0.3.7:5432").put("reachable", true))
      .put("cluster", new JsonObject()
        .put("services", new JsonObject()
          .put("gateway", new JsonArray().add(instance))
          .put("query-service", new JsonArray().add(instance.copy().put("state", "gone")).add(instance)))
        .put("missing", new JsonArray().add("monitor-service"))
        .put("expected", new JsonArray().add("gateway").add("query-service").add("cache-service").add("monitor-service")))
      .put("system", new JsonObject().put("host", "10.0.3.7"));
  }

  @Test
  void coloursPerServiceAndNothingElse() {
    JsonObject view = MonitorView.statusOnly(snapshot());
    assertThat(view).isEqualTo(new JsonObject()
      .put("status", "yellow")
      .put("generated_at", "2026-12-03T10:00:00Z")
      .put("services", new JsonObject()
        .put("cache-service", "green")
        .put("gateway", "green")
        .put("monitor-service", "red")
        .put("postgresql", "green")
        .put("query-service", "yellow")
        .put("redis", "green")));
  }

  @Test
  void redisAndPostgresqlTroubleAreColoursToo() {
    JsonObject down = snapshot();
    down.getJsonObject("redis").put("state", "down");
    down.getJsonObject("postgres").put("reachable", false);
    JsonObject services = MonitorView.statusOnly(down).getJsonObject("services");
    assertThat(services.getString("redis")).isEqualTo("red");
    assertThat(services.getString("postgresql")).isEqualTo("red");
    JsonObject warned = snapshot();
    warned.getJsonObject("redis").put("warnings", new JsonArray().add(new JsonObject().put("level", "warning").put("message", "x")));
    assertThat(MonitorView.statusOnly(warned).getJsonObject("services").getString("redis")).isEqualTo("yellow");
    assertThat(MonitorView.statusOnly(new JsonObject()).getString("status")).as("an empty snapshot is not green").isEqualTo("red");
  }
}
