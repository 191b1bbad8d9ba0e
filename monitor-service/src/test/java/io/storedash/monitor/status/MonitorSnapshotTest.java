package io.storedash.monitor.status;

import io.storedash.monitor.cluster.CacheTierTotals;
import io.storedash.monitor.cluster.ClusterSnapshot;
import io.storedash.monitor.cluster.ClusterView;
import io.storedash.monitor.cluster.ClusterView.InstanceState;
import io.storedash.monitor.cluster.GatewayTotals;
import io.storedash.monitor.redis.RedisAlert;
import io.storedash.monitor.redis.RedisAlerts;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

  private static ClusterSnapshot.Instance instance(String node, InstanceState state, int heapUsedMb) {
    return new ClusterSnapshot.Instance(node, state, "0.1.0", 60_000L, 16_000,
      new JsonObject().put("heap_used_mb", heapUsedMb).put("heap_max_mb", 1000), new JsonObject());
  }

  /** One live instance of every service, in a map a test may add to. */
  private static Map<String, List<ClusterSnapshot.Instance>> complete() {
    Map<String, List<ClusterSnapshot.Instance>> services = new LinkedHashMap<>();
    for (String s : new String[] {"gateway", "cache-service", "query-service", "monitor-service"}) {
      services.put(s, new ArrayList<>(List.of(instance("n1", InstanceState.LIVE, 100))));
    }
    return services;
  }

  private static ClusterSnapshot cluster(Map<String, List<ClusterSnapshot.Instance>> services, String... missing) {
    return new ClusterSnapshot(services, List.of(missing), ClusterView.EXPECTED_SERVICES, 4, 0, 0, 5000);
  }

  private static ClusterSnapshot clusterComplete() {
    return cluster(complete());
  }

  /** @param gateway the combined gateway figures: {@code success_rate_1m} and {@code count_1m}, each optional */
  private static JsonObject assemble(JsonObject redis, JsonObject pg, ClusterSnapshot cluster, JsonObject gateway) {
    GatewayTotals totals = new GatewayTotals(1, 1, gateway.getLong("count_1m", 100L), gateway.getDouble("success_rate_1m"),
      null, null, null, null);
    return MonitorSnapshot.assemble(redis, pg, cluster, CacheTierTotals.sum(List.of()), totals, new JsonObject(), Instant.EPOCH)
      .toJson();
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
  void aRedisWithoutPasswordIsAYellowReason() {
    RedisAlert open = RedisAlerts.openAccess("127.0.0.1:6379");
    JsonObject redis = redisUp().put("warnings", new JsonArray().add(new JsonObject().put("level", open.level().label())
      .put("code", open.code()).put("message", open.message())));
    JsonObject snapshot = assemble(redis, pgUp(), clusterComplete(), new JsonObject());
    assertThat(snapshot.getString("status")).isEqualTo("yellow");
    assertThat(snapshot.getJsonArray("reasons").getString(0))
      .startsWith("Redis: Redis accepts clients without a password: anyone who reaches 127.0.0.1:6379 can read, forge");
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
    Map<String, List<ClusterSnapshot.Instance>> services = complete();
    services.get("gateway").add(instance("n2", InstanceState.GONE, 100));
    ClusterSnapshot cluster = cluster(services, "query-service");

    JsonObject snapshot = assemble(redisUp(), pg, cluster, new JsonObject());

    assertThat(snapshot.getString("status")).isEqualTo("red");
    assertThat(snapshot.getJsonArray("reasons").stream().map(String::valueOf).toList()).containsExactly(
      "PostgreSQL 127.0.0.1:5432/storedash is unreachable",
      "no live instance of query-service",
      "gateway on node n2 sent no heartbeat for 16000 ms");
  }

  @Test
  void anUnknownClusterMemberIsRedNamingItsNodeAndAddress() {
    ClusterSnapshot cluster = new ClusterSnapshot(complete(), List.of(), ClusterView.EXPECTED_SERVICES, 4, 0, 0, 5000, 5,
      List.of(new ClusterSnapshot.UnknownMember("6f1c-stranger", "10.0.0.66:5701", 21_000)));

    JsonObject snapshot = assemble(redisUp(), pgUp(), cluster, new JsonObject());

    assertThat(snapshot.getString("status")).isEqualTo("red");
    assertThat(snapshot.getJsonArray("reasons").getString(0)).startsWith("unknown cluster member 6f1c-stranger at "
      + "10.0.0.66:5701: a member for 21.0 s that has sent no signed heartbeat").contains("CLUSTER_SECRET");
    assertThat(snapshot.getJsonObject("cluster").getJsonArray("unknown_members").getJsonObject(0).getString("node"))
      .isEqualTo("6f1c-stranger");
  }

  @Test
  void aGoneInstanceIsYellow() {
    Map<String, List<ClusterSnapshot.Instance>> services = complete();
    services.get("cache-service").add(instance("n2", InstanceState.GONE, 100));
    ClusterSnapshot cluster = cluster(services);

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
  void aSuccessRateOfTooFewRequestsIsNotJudged() {
    // Right after a start: 3 of 7 answers failed while a node was still joining.
    JsonObject justStarted = assemble(redisUp(), pgUp(), clusterComplete(), new JsonObject().put("success_rate_1m", 3 / 7.0).put("count_1m", 7));
    assertThat(justStarted.getString("status")).isEqualTo("green");
    assertThat(justStarted.getJsonArray("reasons")).isEmpty();
    long below = MonitorSnapshot.SUCCESS_RATE_MIN_REQUESTS - 1;
    assertThat(assemble(redisUp(), pgUp(), clusterComplete(), new JsonObject().put("success_rate_1m", 0.5).put("count_1m", below))
      .getString("status")).isEqualTo("green");
    // From the minimum on, the rules apply: one failure of 50 is 98 % (yellow), three are 94 % (red).
    long minimum = MonitorSnapshot.SUCCESS_RATE_MIN_REQUESTS;
    assertThat(assemble(redisUp(), pgUp(), clusterComplete(), new JsonObject().put("success_rate_1m", 49 / 50.0).put("count_1m", minimum))
      .getString("status")).isEqualTo("yellow");
    JsonObject red = assemble(redisUp(), pgUp(), clusterComplete(), new JsonObject().put("success_rate_1m", 47 / 50.0).put("count_1m", minimum));
    assertThat(red.getString("status")).isEqualTo("red");
    assertThat(red.getJsonArray("reasons").getString(0)).isEqualTo("gateway success rate 94.00 % over the last minute (50 requests)");
  }

  @Test
  void busyPostgresAndAFullHeapAreYellow() {
    JsonObject pg = pgUp().put("connections", new JsonObject().put("in_use", 85).put("max", 100).put("usage_percent", 85.0));
    assertThat(assemble(redisUp(), pg, clusterComplete(), new JsonObject()).getString("status")).isEqualTo("yellow");

    Map<String, List<ClusterSnapshot.Instance>> services = complete();
    services.get("query-service").set(0, instance("n1", InstanceState.LIVE, 950));
    ClusterSnapshot cluster = cluster(services);
    JsonObject snapshot = assemble(redisUp(), pgUp(), cluster, new JsonObject());
    assertThat(snapshot.getString("status")).isEqualTo("yellow");
    assertThat(snapshot.getJsonArray("reasons").getString(0)).isEqualTo("query-service on node n1 uses 95 % of its heap (950 of 1000 MB)");
  }
}
