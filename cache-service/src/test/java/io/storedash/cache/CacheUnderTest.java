package io.storedash.cache;

import io.storedash.common.Addresses;
import io.storedash.common.DashboardQuery;
import io.storedash.common.Gzip;
import io.storedash.common.ReplyHeaders;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.ConfigLoader;
import io.storedash.common.testing.Eventually;
import io.storedash.common.testing.TestStorage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One cache-service instance on a local event bus, against the Redis that {@code REDIS_URL} names, with the counting
 * stand-in for query-service: for tests of Redis topologies, which need no PostgreSQL.
 */
final class CacheUnderTest implements AutoCloseable {

  final Node node;
  final Vertx vertx;
  final FakeQueryService query;

  /** Deploys cache-service after the stand-in reports these stores' data versions. */
  CacheUnderTest(String redisUrl, List<String> stores, Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>(Map.of(
      "REDIS_URL", redisUrl,
      "REQUEST_TIMEOUT", "2s",
      "WARM_ON_START", "false",
      "HTTP_PORT", String.valueOf(TestStorage.freePort()),
      "MANAGEMENT_PORT", "0",
      "CLUSTER_NAME", "test-" + ProcessHandle.current().pid()));
    env.putAll(overrides);
    node = Node.local(ConfigLoader.load(env));
    vertx = node.vertx();
    query = new FakeQueryService(vertx);
    query.version = System.currentTimeMillis();
    query.stores = List.copyOf(stores);
    node.deploy(CacheService.DESCRIPTOR, 1).await();
    awaitStats(s -> s.getBoolean("versions_known"));
  }

  Future<Message<Buffer>> ask(DashboardQuery q) {
    return vertx.eventBus().request(Addresses.DASHBOARD_QUERY, q.toJson(), new DeliveryOptions().setSendTimeout(5000));
  }

  JsonObject admin(JsonObject command) {
    return adminRequest(command).await().body();
  }

  /** An admin command as the gateway sends it: signed by a member. */
  Future<Message<JsonObject>> adminRequest(JsonObject command) {
    return vertx.eventBus().request(Addresses.CACHE_ADMIN, command, node.signatures().sign(Addresses.CACHE_ADMIN, command));
  }

  JsonObject stats() {
    return admin(new JsonObject().put("action", "stats"));
  }

  void awaitStats(Predicate<JsonObject> condition) {
    JsonObject stats = Eventually.poll(Duration.ofSeconds(5), this::stats, condition);
    if (!condition.test(stats)) {
      throw new AssertionError("cache stats never met the condition: " + stats);
    }
  }

  /** Empties the in-process tier, so that the next answer comes from Redis (or query-service). */
  void dropHotspot() {
    JsonObject scope = new JsonObject().put("tier", "L4");
    vertx.eventBus().publish(Addresses.CACHE_FLUSHED, scope, node.signatures().sign(Addresses.CACHE_FLUSHED, scope));
    awaitStats(s -> s.getJsonObject("tiers").getJsonObject("L4").getLong("entries") == 0);
  }

  /**
   * Asks until the answer comes from Redis (L2): the entry was stored and read back (with the password, through the
   * current master). Returns the last answer's status.
   */
  String untilFromRedis(DashboardQuery query) {
    return Eventually.poll(Duration.ofSeconds(5), () -> {
      ask(query).await();
      dropHotspot();
      return status(ask(query).await());
    }, "L2"::equals);
  }

  /**
   * Publishes {@code data changed} for a store with a new version, as query-service does after an import, and waits
   * until cache-service has taken it: it then warms the store, so the end of a warm-up for that reason, after the one
   * seen before, says the new version is known.
   */
  void dataChanged(String store) {
    JsonObject before = stats().getJsonObject("warming");
    query.version = System.currentTimeMillis() + 1;
    JsonObject event = new JsonObject().put("stores", new JsonArray().add(store)).put("version", query.version);
    vertx.eventBus().publish(Addresses.DATA_CHANGED, event, node.signatures().sign(Addresses.DATA_CHANGED, event));
    awaitStats(s -> {
      JsonObject warming = s.getJsonObject("warming");
      return !warming.getBoolean("running") && "data changed".equals(warming.getString("reason")) && !warming.equals(before);
    });
  }

  /** L4, L1, L2, L3 for a hit; MISS or STALE otherwise. */
  static String status(Message<Buffer> reply) {
    String status = reply.headers().get(ReplyHeaders.CACHE_STATUS);
    return "HIT".equals(status) ? reply.headers().get(ReplyHeaders.TIER) : status;
  }

  static JsonObject body(Message<Buffer> reply) {
    assertThat(reply.headers().get(ReplyHeaders.ENCODING)).isEqualTo("gzip");
    return new JsonObject(Buffer.buffer(Gzip.decompress(reply.body().getBytes())));
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
