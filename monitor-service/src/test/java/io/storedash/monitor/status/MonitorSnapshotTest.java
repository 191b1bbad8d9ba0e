package io.storedash.monitor.status;

import io.storedash.monitor.cluster.CacheTierTotals;
import io.storedash.monitor.cluster.GatewayTotals;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class MonitorSnapshotTest {

  private static JsonObject redisUp() {
    return new JsonObject().put("endpoint", "127.0.0.1:6379").put("connected", true).put("state", "up")
      .put("warnings", new JsonArray()).put("errors", new JsonArray());
  }

  private static JsonObject pgUp() {
    return new JsonObject().put("endpoint", "127.0.0.1:5432/storedash").put("reachable", true).put("latency_ms", 1.2)
      .put("connections", new JsonObject().put("in_use", 5).put("max", 100).put("usage_percent", 5.0))
      .put("errors", new JsonArray());
  }

  private static JsonObject instance(String node, String state) {
    return new JsonObject().put("node", node).put("state", state).put("last_seen_ms_ago", 16_000)
      .put("system", new JsonObject().put("heap_used_mb", 100).put("heap_max_mb", 1000));
  }

  private static JsonObject clusterComplete() {
    JsonObject services = new JsonObject();
    for (String s : new String[] {"gateway", "cache-service", "query-service", "monitor-service"}) {
      services.put(s, new JsonArray().add(instance("n1", "live")));
    }
    return new JsonObject().put("services", services).put("missing", new JsonArray());
  }

  /** @param gateway the combined gateway figures: {@code success_rate_1m} and {@code count_1m}, each optional */
  private static JsonObject assemble(JsonObject redis, JsonObject pg, JsonObject cluster, JsonObject gateway) {
    GatewayTotals totals = new GatewayTotals(1, 1, gateway.getLong("count_1m", 100L), gateway.getDouble("success_rate_1m"),
      null, null, null, null);
    return MonitorSnapshot.assemble(redis, pg, cluster, CacheTierTotals.sum(List.of()), totals, new JsonObject(), Instant.EPOCH);
  }

  @Test
  void everythingHealthyIsGreenWithoutReasons() {
    JsonObject snapshot = assemble(redisUp(), pgUp(), clusterComplete(), new JsonObject().put("success_rate_1m", 0.999));

    assertThat(snapshot.getString("status")).isEqualTo("green");
    assertThat(snapshot.getJsonArray("reasons")).isEmpty();
    assertThat(snapshot.getString("generated_at")).isEqualTo("1970-01-01T00:00:00Z");
    assertThat(snapshot.fieldNames()).containsExactlyInAnyOrder("status", "reasons", "generated_at", "redis", "postgres",
      "cluster", "cache", "gateway", "system");
  }

  @Test
  void redisDownIsRedWithItsLastError() {
    JsonObject redis = redisUp().put("connected", false).put("state", "down")
      .put("errors", new JsonArray().add(new JsonObject().put("message", "Connection refused")));

    JsonObject snapshot = assemble(redis, pgUp(), clusterComplete(), new JsonObject());

    assertThat(snapshot.getString("status")).isEqualTo("red");
    assertThat(snapshot.getJsonArray("reasons").stream().map(String::valueOf).toList())
      .containsExactly("Redis 127.0.0.1:6379 is down: Connection refused");
  }

  @Test
  void redisWarningsAreYellowAndCriticalMemoryIsRed() {
    JsonObject warned = redisUp().put("warnings", new JsonArray()
      .add(new JsonObject().put("level", "warning").put("message", "fragmentation ratio is 1.60")));
    JsonObject critical = redisUp().put("warnings", new JsonArray()
      .add(new JsonObject().put("level", "critical").put("message", "Redis uses 91.0 % of maxmemory")));

    assertThat(assemble(warned, pgUp(), clusterComplete(), new JsonObject()).getString("status")).isEqualTo("yellow");
    JsonObject red = assemble(critical, pgUp(), clusterComplete(), new JsonObject());
    assertThat(red.getString("status")).isEqualTo("red");
    assertThat(red.getJsonArray("reasons").getString(0)).isEqualTo("Redis: Redis uses 91.0 % of maxmemory");
  }

  @Test
  void reconnectingIsYellow() {
    JsonObject redis = redisUp().put("connected", false).put("state", "reconnecting")
      .put("reconnect_attempts", 2).put("max_reconnect_attempts", 3);

    JsonObject snapshot = assemble(redis, pgUp(), clusterComplete(), new JsonObject());

    assertThat(snapshot.getString("status")).isEqualTo("yellow");
    assertThat(snapshot.getJsonArray("reasons").getString(0)).contains("reconnecting (attempt 2 of 3)");
  }

  @Test
  void postgresUnreachableAndAMissingServiceAreRedAndListedFirst() {
    JsonObject pg = pgUp().put("reachable", false);
    JsonObject cluster = clusterComplete().put("missing", new JsonArray().add("query-service"));
    cluster.getJsonObject("services").getJsonArray("gateway").add(instance("n2", "gone"));

    JsonObject snapshot = assemble(redisUp(), pg, cluster, new JsonObject());

    assertThat(snapshot.getString("status")).isEqualTo("red");
    assertThat(snapshot.getJsonArray("reasons").stream().map(String::valueOf).toList()).containsExactly(
      "PostgreSQL 127.0.0.1:5432/storedash is unreachable",
      "no live instance of query-service",
      "gateway on node n2 sent no heartbeat for 16000 ms");
  }

  @Test
  void aGoneInstanceIsYellow() {
    JsonObject cluster = clusterComplete();
    cluster.getJsonObject("services").getJsonArray("cache-service").add(instance("n2", "gone"));

    assertThat(assemble(redisUp(), pgUp(), cluster, new JsonObject()).getString("status")).isEqualTo("yellow");
  }

  @Test
  void gatewaySuccessRateUnder99IsYellowAndUnder95IsRed() {
    assertThat(assemble(redisUp(), pgUp(), clusterComplete(), new JsonObject().put("success_rate_1m", 0.985).put("count_1m", 200))
      .getString("status")).isEqualTo("yellow");
    JsonObject red = assemble(redisUp(), pgUp(), clusterComplete(), new JsonObject().put("success_rate_1m", 0.9).put("count_1m", 200));
    assertThat(red.getString("status")).isEqualTo("red");
    assertThat(red.getJsonArray("reasons").getString(0)).isEqualTo("gateway success rate 90.00 % over the last minute (200 requests)");
  }

  @Test
  void busyPostgresAndAFullHeapAreYellow() {
    JsonObject pg = pgUp().put("connections", new JsonObject().put("in_use", 85).put("max", 100).put("usage_percent", 85.0));
    assertThat(assemble(redisUp(), pg, clusterComplete(), new JsonObject()).getString("status")).isEqualTo("yellow");

    JsonObject cluster = clusterComplete();
    cluster.getJsonObject("services").getJsonArray("query-service").getJsonObject(0)
      .put("system", new JsonObject().put("heap_used_mb", 950).put("heap_max_mb", 1000));
    JsonObject snapshot = assemble(redisUp(), pgUp(), cluster, new JsonObject());
    assertThat(snapshot.getString("status")).isEqualTo("yellow");
    assertThat(snapshot.getJsonArray("reasons").getString(0)).isEqualTo("query-service on node n1 uses 95 % of its heap (950 of 1000 MB)");
  }
}
