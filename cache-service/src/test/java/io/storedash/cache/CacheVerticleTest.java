package io.storedash.cache;

import io.storedash.cache.tier.CacheKeys;
import io.storedash.cache.tier.Entry;
import io.storedash.cache.tier.EntryCodec;
import io.storedash.cache.tier.Tier;
import io.storedash.common.Addresses;
import io.storedash.common.DashboardQuery;
import io.storedash.common.Gzip;
import io.storedash.common.QueryKind;
import io.storedash.common.ReplyHeaders;
import io.storedash.common.RequestHeaders;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.bootstrap.ServiceDescriptor;
import io.storedash.common.embedded.EmbeddedRedisServer;
import io.storedash.common.security.ClusterKeys;
import io.storedash.common.testing.Eventually;
import io.storedash.common.testing.ManualClock;
import io.storedash.common.testing.TestStorage;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * cache-service against the real (embedded) Redis, with a counting stand-in for query-service on the event bus so
 * that every computation it asks for can be counted.
 */
class CacheVerticleTest {

  private static final LocalDate OCT_1 = LocalDate.of(2026, 10, 1);
  private Node node;
  private Vertx vertx;
  private FakeQueryService query;
  private Redis storage;
  private DashboardQuery overview;
  /** What cache-service stamps entries and expires them by: the tests move it past a TTL instead of sleeping. */
  private final ManualClock clock = new ManualClock();

  /** Deploys cache-service with its own data versions, so no test sees another's Redis entries. */
  private void deploy(Map<String, String> overrides) {
    Map<String, String> env = new HashMap<>(Map.of("REQUEST_TIMEOUT", "2s", "WARM_ON_START", "false"));
    env.putAll(overrides);
    node = Node.local(TestStorage.config(env));
    vertx = node.vertx();
    query = new FakeQueryService(vertx);
    query.version = System.nanoTime();
    storage = Redis.createClient(vertx, TestStorage.redisUrl());
    node.deploy(cacheService(), 1).await();
    awaitStats(s -> s.getBoolean("versions_known"));
    // A range no other test uses: its keys are new in the shared Redis.
    LocalDate from = OCT_1.minusDays((System.nanoTime() / 1000) % 300);
    overview = DashboardQuery.of(QueryKind.OVERVIEW, "S001", from, from.plusDays(29));
  }

  private ServiceDescriptor cacheService() {
    return new ServiceDescriptor(CacheService.DESCRIPTOR.name(), CacheService.DESCRIPTOR.defaultManagementPort(),
      service -> new CacheVerticle(service, clock));
  }

  @AfterEach
  void close() {
    if (vertx != null) {
      vertx.close().await();
    }
  }

  private Future<Message<Buffer>> ask(DashboardQuery q) {
    return vertx.eventBus().request(Addresses.DASHBOARD_QUERY, q.toJson(), new DeliveryOptions().setSendTimeout(3000));
  }

  private JsonObject admin(JsonObject command) {
    return adminRequest(command).await().body();
  }

  /** An admin command as the gateway sends it: signed by a member. */
  private Future<Message<JsonObject>> adminRequest(JsonObject command) {
    return vertx.eventBus().request(Addresses.CACHE_ADMIN, command, node.signatures().sign(Addresses.CACHE_ADMIN, command));
  }

  private JsonObject stats() {
    return admin(new JsonObject().put("action", "stats"));
  }

  private static long l4Entries(JsonObject stats) {
    return stats.getJsonObject("tiers").getJsonObject("L4").getLong("entries");
  }

  private void awaitStats(Predicate<JsonObject> condition) {
    JsonObject stats = Eventually.poll(Duration.ofSeconds(5), this::stats, condition);
    if (!condition.test(stats)) {
      throw new AssertionError("cache stats never met the condition: " + stats);
    }
  }

  /** Waits until Redis holds an entry: cache-service answers before its write to Redis lands. */
  private void awaitStored(String key) {
    // GET and SCAN, not EXISTS and KEYS: the test connects as StoreDash's ACL user, which may send only what StoreDash sends.
    awaitRedis(key + " in Redis", () -> storage.send(Request.cmd(Command.GET).arg(key)).await() != null);
  }

  /** Waits until Redis holds this many entries of a store's current data version. */
  private void awaitStored(String store, int entries) {
    String version = ":v" + query.version + ":";
    awaitRedis(entries + " entries of " + store + " in Redis",
      () -> keysMatching(CacheKeys.pattern(null, store)).stream().filter(key -> key.contains(version)).count() >= entries);
  }

  private List<String> keysMatching(String pattern) {
    List<String> keys = new ArrayList<>();
    String cursor = "0";
    do {
      Response reply = storage.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(1000)).await();
      cursor = reply.get(0).toString();
      reply.get(1).forEach(key -> keys.add(key.toString()));
    } while (!"0".equals(cursor));
    return keys;
  }

  private static void awaitRedis(String what, BooleanSupplier condition) {
    assertThat(Eventually.until(Duration.ofSeconds(5), condition)).as(what).isTrue();
  }

  private static String status(Message<Buffer> reply) {
    String status = reply.headers().get(ReplyHeaders.CACHE_STATUS);
    return "HIT".equals(status) ? reply.headers().get(ReplyHeaders.TIER) : status;
  }

  private static JsonObject body(Message<Buffer> reply) {
    assertThat(reply.headers().get(ReplyHeaders.ENCODING)).isEqualTo("gzip");
    return new JsonObject(Buffer.buffer(Gzip.decompress(reply.body().getBytes())));
  }

  private static Throwable failureOf(Future<?> future) {
    return future.map(m -> (Throwable) null).otherwise(e -> e).await();
  }

  /**
   * Publishes {@code data changed} and waits until cache-service has taken it: it then warms the store, so the end of
   * a warm-up for that reason, after the one seen before, says the new version is known.
   */
  private void dataChanged(String store) {
    JsonObject before = stats().getJsonObject("warming");
    query.version = System.nanoTime();
    JsonObject event = new JsonObject().put("stores", new JsonArray().add(store)).put("version", query.version);
    vertx.eventBus().publish(Addresses.DATA_CHANGED, event, node.signatures().sign(Addresses.DATA_CHANGED, event));
    awaitStats(s -> {
      JsonObject warming = s.getJsonObject("warming");
      return !warming.getBoolean("running") && "data changed".equals(warming.getString("reason")) && !warming.equals(before);
    });
  }

  /** Tells every instance to drop its in-process tier and waits until this one has. */
  private void dropHotspot() {
    JsonObject scope = new JsonObject().put("tier", "L4");
    vertx.eventBus().publish(Addresses.CACHE_FLUSHED, scope, node.signatures().sign(Addresses.CACHE_FLUSHED, scope));
    awaitStats(s -> l4Entries(s) == 0);
  }

  @Test
  void aMissIsComputedOnceThenServedFromL4AndFromL2InAnInstanceWithoutIt() {
    deploy(Map.of());
    Message<Buffer> first = ask(overview).await();
    Message<Buffer> second = ask(overview).await();
    assertThat(status(first)).isEqualTo("MISS");
    assertThat(first.headers().get(ReplyHeaders.COMPUTE_MS)).isEqualTo("3");
    assertThat(status(second)).isEqualTo("L4");
    assertThat(second.headers().get(ReplyHeaders.ETAG)).isEqualTo(first.headers().get(ReplyHeaders.ETAG)).startsWith("W/\"");
    assertThat(body(second)).isEqualTo(body(first));

    // Without the in-process copy the entry comes from Redis (L2), bytes unchanged.
    awaitStored(CacheKeys.key(Tier.L2, overview, query.version));
    dropHotspot();
    Message<Buffer> third = ask(overview).await();
    assertThat(status(third)).isEqualTo("L2");
    assertThat(third.body()).isEqualTo(first.body());
    assertThat(query.computationsOf(overview)).isEqualTo(1);

    JsonObject stats = admin(new JsonObject().put("action", "stats"));
    assertThat(stats.getJsonObject("tiers").getJsonObject("L4").getLong("hits")).isEqualTo(1);
    assertThat(stats.getJsonObject("tiers").getJsonObject("L2").getLong("hits")).isEqualTo(1);
    assertThat(stats.getJsonObject("tiers").getJsonObject("L2").getLong("misses")).isEqualTo(1);
    assertThat(stats.getDouble("hit_rate")).isEqualTo(0.6667);
  }

  @Test
  void withL4OffHitsComeFromRedis() {
    deploy(Map.of("CACHE_L4_MAX_BYTES", "0"));
    // A range of its own is written to Redis on its second request (docs/DESIGN.md §12.3).
    ask(overview).await();
    ask(overview).await();
    awaitStored(CacheKeys.key(Tier.L2, overview, query.version));
    Message<Buffer> second = ask(overview).await();
    assertThat(status(second)).isEqualTo("L2");
    assertThat(admin(new JsonObject().put("action", "stats")).getJsonObject("tiers").getJsonObject("L4").getLong("entries")).isZero();
  }

  @Test
  void kindsGoToTheirTiers() {
    deploy(Map.of());
    DashboardQuery orders = DashboardQuery.of(QueryKind.ORDERS, "S001", overview.from(), overview.to());
    DashboardQuery diagnosis = DashboardQuery.of(QueryKind.DIAGNOSIS, "S001", overview.from(), overview.to());
    assertThat(ask(orders).await().headers().get(ReplyHeaders.TIER)).isEqualTo("L1");
    assertThat(ask(diagnosis).await().headers().get(ReplyHeaders.TIER)).isEqualTo("L3");
    assertThat(ask(overview).await().headers().get(ReplyHeaders.TIER)).isEqualTo("L2");
  }

  @Test
  void twoHundredConcurrentRequestsForAColdKeyCauseOneComputation() {
    deploy(Map.of());
    // The computation waits until every request has joined it: concurrent by construction, however slow the machine.
    Promise<Void> release = Promise.promise();
    query.heldUntil = release.future();
    List<Future<Message<Buffer>>> replies = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      replies.add(ask(overview));
    }
    awaitStats(s -> s.getLong("single_flight_joins") >= 199);
    release.complete();
    Future.all(replies).await();
    assertThat(query.computationsOf(overview)).isEqualTo(1);
    assertThat(replies.stream().map(f -> body(f.result()).getInteger("n")).distinct()).hasSize(1);
    assertThat(admin(new JsonObject().put("action", "stats")).getLong("single_flight_joins")).isEqualTo(199);
  }

  @Test
  void dataChangedMakesTheOldEntryUnreachable() {
    deploy(Map.of());
    JsonObject before = body(ask(overview).await());
    dataChanged("S001");
    Message<Buffer> after = ask(overview).await();
    assertThat(status(after)).isEqualTo("MISS");
    assertThat(body(after).getInteger("n")).isGreaterThan(before.getInteger("n"));
    assertThat(query.computationsOf(overview)).isEqualTo(2);
  }

  /**
   * A query restricted to a set of stores (a manager's "all", issue 16) has a key of its own — another set another
   * key — tagged {all} and versioned by the chain: any data change raises the chain's version, so a change of one
   * store of the set makes the set's answer a miss, computed again with the set.
   */
  @Test
  void aSetOfStoresHasItsOwnKeyAndMissesAfterAChangeOfOneStore() {
    deploy(Map.of());
    DashboardQuery chain = DashboardQuery.of(QueryKind.OVERVIEW, "all", overview.from(), overview.to());
    DashboardQuery mine = chain.restrictedTo(List.of("S001", "S002"));
    DashboardQuery other = chain.restrictedTo(List.of("S002"));
    String mineKey = CacheKeys.key(Tier.L2, mine, query.version);
    String otherKey = CacheKeys.key(Tier.L2, other, query.version);
    assertThat(mineKey).isNotEqualTo(otherKey).isNotEqualTo(CacheKeys.key(Tier.L2, chain, query.version))
      .contains(":{all}:v" + query.version + ":overview|all~2.");
    assertThat(status(ask(mine).await())).isEqualTo("MISS");
    assertThat(status(ask(other).await())).isEqualTo("MISS");
    assertThat(status(ask(mine).await())).isEqualTo("L4");
    // Ranges of their own reach Redis on their second request (docs/DESIGN.md §12.3): here, L4 hits.
    assertThat(status(ask(other).await())).isEqualTo("L4");
    awaitStored(mineKey);
    awaitStored(otherKey);
    // query-service was asked for each set, not for the chain: the set travels with the query.
    assertThat(query.computationsOf(mine)).isEqualTo(1);
    assertThat(query.computationsOf(other)).isEqualTo(1);
    assertThat(query.computationsOf(chain)).isZero();

    dataChanged("S001");
    Message<Buffer> after = ask(mine).await();
    assertThat(status(after)).isEqualTo("MISS");
    assertThat(query.computationsOf(mine)).isEqualTo(2);
    // The chain's version moved, so every set misses, even one without the changed store.
    assertThat(status(ask(other).await())).isEqualTo("MISS");
    assertThat(CacheKeys.key(Tier.L2, mine, query.version)).isNotEqualTo(mineKey);
  }

  @Test
  void pastTheSoftTtlTheEntryIsServedStaleAndRefreshedInTheBackground() {
    deploy(Map.of("CACHE_TTL_L2", "1s", "CACHE_TTL_L4", "1s"));
    JsonObject first = body(ask(overview).await());
    // The second request of a range of its own writes it to Redis (docs/DESIGN.md §12.3), where the stale copy is.
    ask(overview).await();
    awaitStored(CacheKeys.key(Tier.L2, overview, query.version));
    clock.advance(Duration.ofMillis(1100));
    Message<Buffer> stale = ask(overview).await();
    assertThat(status(stale)).isEqualTo("STALE");
    assertThat(body(stale)).isEqualTo(first);
    // The refresh is two event-bus hops away (to query-service and back); the tier counts its load as it puts it in L4.
    awaitStats(s -> s.getJsonObject("tiers").getJsonObject("L2").getLong("loads") >= 2);
    assertThat(query.computationsOf(overview)).isEqualTo(2);
    Message<Buffer> refreshed = ask(overview).await();
    assertThat(status(refreshed)).isEqualTo("L4");
    assertThat(body(refreshed).getInteger("n")).isGreaterThan(first.getInteger("n"));
  }

  @Test
  void whenQueryServiceFailsTheLastGoodAnswerIsServedStale() {
    deploy(Map.of());
    JsonObject good = body(ask(overview).await());
    ask(overview).await();
    // The stale answer is the previous version's entry in Redis, written on the range's second request (§12.3).
    awaitStored(CacheKeys.key(Tier.L2, overview, query.version));
    dataChanged("S001");
    query.failing = true;
    Message<Buffer> stale = ask(overview).await();
    assertThat(status(stale)).isEqualTo("STALE");
    assertThat(body(stale)).isEqualTo(good);

    // A question never answered before has nothing to fall back on: a clear 503.
    DashboardQuery never = DashboardQuery.of(QueryKind.TREND, "S002", overview.from(), overview.to());
    Throwable failure = failureOf(ask(never));
    assertThat(((ReplyException) failure).failureCode()).isEqualTo(503);
    assertThat(failure.getMessage()).contains("PostgreSQL is unreachable");
  }

  @Test
  void aQueryServiceFailureKeepsItsCode() {
    deploy(Map.of());
    Throwable failure = failureOf(ask(DashboardQuery.of(QueryKind.OVERVIEW, "S404", null, null)));
    assertThat(((ReplyException) failure).failureCode()).isEqualTo(404);
    assertThat(failure.getMessage()).contains("S404");
  }

  @Test
  void aBadQueryIsA400() {
    deploy(Map.of());
    JsonObject bad = new JsonObject().put("kind", "overview").put("store", "S001").put("from", "2026-02-30").put("to", "2026-03-01");
    Throwable failure = failureOf(vertx.eventBus().request(Addresses.DASHBOARD_QUERY, bad));
    assertThat(((ReplyException) failure).failureCode()).isEqualTo(400);
    assertThat(failure.getMessage()).contains("from must be a date");
  }

  @Test
  void withoutQueryServiceTheAnswerIsA503ThatSaysWhy() {
    node = Node.local(TestStorage.config(Map.of("REQUEST_TIMEOUT", "2s", "WARM_ON_START", "false")));
    vertx = node.vertx();
    node.deploy(CacheService.DESCRIPTOR, 1).await();
    Throwable failure = failureOf(ask(DashboardQuery.of(QueryKind.OVERVIEW, "S001", null, null)));
    assertThat(((ReplyException) failure).failureCode()).isEqualTo(503);
    assertThat(failure.getMessage()).contains("no query-service instance");
  }

  @Test
  void adminWarmComputesTheStandardQueriesAndFlushEmptiesAStore() {
    deploy(Map.of());
    JsonObject reply = admin(new JsonObject().put("action", "warm").put("stores", new JsonArray().add("S001").add("S002")));
    assertThat(reply.getInteger("stores")).isEqualTo(2);
    awaitStats(s -> !s.getJsonObject("warming").getBoolean("running") && s.getJsonObject("warming").containsKey("duration_ms"));
    JsonObject warming = admin(new JsonObject().put("action", "stats")).getJsonObject("warming");
    // 8 chain-wide queries, then 9 per store.
    assertThat(warming.getInteger("queries")).isEqualTo(8 + 2 * 9);
    assertThat(warming.getInteger("failures")).isZero();
    DashboardQuery warmed = DashboardQuery.of(QueryKind.DIAGNOSIS, "S002", null, null);
    assertThat(query.computationsOf(warmed)).isEqualTo(1);
    assertThat(status(ask(warmed).await())).isEqualTo("L4");

    // Warming, too, reports done before its writes to Redis land: the flush must find the store's 9 entries.
    awaitStored("S002", 9);
    long inL4 = l4Entries(stats());
    JsonObject flushed = admin(new JsonObject().put("action", "flush").put("store", "S002"));
    assertThat(flushed.getLong("redis_entries_deleted")).isGreaterThanOrEqualTo(9);
    // The reply comes before the instance has handled the flush it published: wait until its L4 copies are gone too.
    awaitStats(s -> l4Entries(s) <= inL4 - 9);
    assertThat(status(ask(warmed).await())).isEqualTo("MISS");
    assertThat(query.computationsOf(warmed)).isEqualTo(2);
  }

  /**
   * A change of the 今日必做 thresholds flushes the kind (docs/DESIGN.md §14.1): every store's list is computed again,
   * the other views of the store stay cached.
   */
  @Test
  void flushingAKindDropsOnlyItsEntriesEverywhere() {
    deploy(Map.of());
    DashboardQuery actions = DashboardQuery.of(QueryKind.ACTIONS, "S001", null, null);
    DashboardQuery chainActions = DashboardQuery.of(QueryKind.ACTIONS, "all", null, null);
    ask(actions).await();
    ask(chainActions).await();
    ask(overview).await();
    awaitStored("S001", 1);
    awaitStored("all", 1);
    JsonObject flushed = admin(new JsonObject().put("action", "flush").put("kind", "actions"));
    assertThat(flushed.getString("kind")).isEqualTo("actions");
    assertThat(flushed.getLong("redis_entries_deleted")).isGreaterThanOrEqualTo(2);
    // The instance drops its L4 copies when its own published flush arrives: until then an answer may still be the old.
    long deadline = System.currentTimeMillis() + 10_000;
    while (query.computationsOf(actions) < 2 && System.currentTimeMillis() < deadline) {
      ask(actions).await();
    }
    ask(chainActions).await();
    // Recomputed once each, by the rewarm of the hot stores and the chain or by the question, never twice.
    assertThat(query.computationsOf(actions)).isEqualTo(2);
    assertThat(query.computationsOf(chainActions)).isEqualTo(2);
    assertThat(status(ask(overview).await())).isEqualTo("L4");
    assertThat(query.computationsOf(overview)).isEqualTo(1);
    Throwable badKind = failureOf(adminRequest(new JsonObject().put("action", "flush").put("kind", "nothing")));
    assertThat(badKind.getMessage()).contains("unknown query kind");
  }

  @Test
  void badAdminCommandsAreRefused() {
    deploy(Map.of());
    Throwable unknown = failureOf(adminRequest(new JsonObject().put("action", "explode")));
    assertThat(((ReplyException) unknown).failureCode()).isEqualTo(400);
    Throwable badTier = failureOf(adminRequest(new JsonObject().put("action", "flush").put("tier", "L9")));
    assertThat(badTier.getMessage()).contains("tier must be");
    Throwable badStore = failureOf(adminRequest(new JsonObject().put("action", "flush").put("store", "*")));
    assertThat(badStore.getMessage()).contains("store must be");
  }

  @Test
  void whenRedisIsDownL4AndQueryServiceKeepAnsweringAndCachingResumesWhenItReturns() {
    EmbeddedRedisServer redis = TestStorage.embeddedRedis();
    assumeTrue(redis != null, "needs the embedded Redis to stop and start it");
    deploy(Map.of());
    ask(overview).await();
    redis.stop();
    try {
      long started = System.nanoTime();
      assertThat(status(ask(overview).await())).isEqualTo("L4");
      DashboardQuery other = DashboardQuery.of(QueryKind.TREND, "S001", overview.from(), overview.to());
      Message<Buffer> direct = ask(other).await();
      assertThat(status(direct)).isEqualTo("MISS");
      assertThat(body(direct).getString("kind")).isEqualTo("trend");
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)).isLessThan(2500);
      assertThat(admin(new JsonObject().put("action", "stats")).getJsonObject("redis").getBoolean("up")).isFalse();
    } finally {
      redis.startProcess();
    }
    // The pooled client reconnects by itself: a new entry is stored in Redis again.
    DashboardQuery later = DashboardQuery.of(QueryKind.CHANNELS, "S001", overview.from(), overview.to());
    String status = Eventually.poll(Duration.ofSeconds(5), () -> {
      ask(later).await();
      dropHotspot();
      return status(ask(later).await());
    }, "L2"::equals);
    assertThat(status).isEqualTo("L2");
    // Redis counts as up again once it has answered for 2 s without a failure.
    clock.advance(Duration.ofSeconds(3));
    ask(DashboardQuery.of(QueryKind.HOURS, "S001", overview.from(), overview.to())).await();
    assertThat(stats().getJsonObject("redis").getBoolean("up")).isTrue();
  }

  /**
   * Someone who reaches Redis writes entries under the keys StoreDash reads (the attack of issue 17: a forged entry was
   * served as L2). Each is a miss, computed again by query-service and overwritten, and counted by reason; the
   * answer has query-service's figures, never the forged JSON.
   */
  @Test
  void anEntryThisClusterDidNotSealIsAMissComputedAgainOverwrittenAndCounted() {
    // L4 off: every answer comes from Redis or query-service, never from this instance's memory.
    deploy(Map.of("CACHE_L4_MAX_BYTES", "0"));
    DashboardQuery otherStore = DashboardQuery.of(QueryKind.OVERVIEW, "S002", overview.from(), overview.to());
    assertThat(status(ask(otherStore).await())).isEqualTo("MISS");
    // Its second request writes a range of its own to Redis (docs/DESIGN.md §12.3).
    assertThat(status(ask(otherStore).await())).isEqualTo("MISS");
    String otherKey = CacheKeys.key(Tier.L2, otherStore, query.version);
    awaitStored(otherKey);
    byte[] valid = storage.send(Request.cmd(Command.GET).arg(otherKey)).await().toBytes();
    String key = CacheKeys.key(Tier.L2, overview, query.version);
    byte[] forgedJson = Gzip.compress(new JsonObject().put("store", "S001").put("kind", "overview").put("n", -1)
      .put("forged", true).encode().getBytes(StandardCharsets.UTF_8));

    ByteBuffer formatOne = ByteBuffer.allocate(19 + forgedJson.length);
    formatOne.put((byte) 'S').put((byte) 'D').put((byte) 1).putLong(clock.millis()).putLong(query.version).put(forgedJson);
    ByteBuffer wrongMac = ByteBuffer.allocate(39 + forgedJson.length);
    wrongMac.put(valid, 0, 23).put(new byte[16]).put(forgedJson);
    Map<String, byte[]> forgeries = new LinkedHashMap<>();
    forgeries.put("corrupt", "{\"store\":\"S001\",\"forged\":true}".getBytes(StandardCharsets.UTF_8));
    forgeries.put("unsigned", formatOne.array());
    forgeries.put("forged", wrongMac.array());
    forgeries.put("forged (a valid entry of S002 copied)", valid);
    forgeries.put("other_key", EntryCodec.of(ClusterKeys.random()).encode(key, new Entry(clock.millis(), query.version, forgedJson)));

    Map<String, Long> expected = new HashMap<>();
    for (Map.Entry<String, byte[]> forgery : forgeries.entrySet()) {
      String reason = forgery.getKey().split(" ")[0];
      storage.send(Request.cmd(Command.SET).arg(key).arg(Buffer.buffer(forgery.getValue())).arg("PX").arg(60_000)).await();
      int computed = query.computationsOf(overview);
      Message<Buffer> answer = ask(overview).await();
      assertThat(status(answer)).as(forgery.getKey()).isEqualTo("MISS");
      assertThat(body(answer).getString("store")).as(forgery.getKey()).isEqualTo("S001");
      assertThat(body(answer).getInteger("n")).as(forgery.getKey()).isPositive();
      assertThat(body(answer).containsKey("forged")).as(forgery.getKey()).isFalse();
      assertThat(query.computationsOf(overview)).isEqualTo(computed + 1);
      expected.merge(reason, 1L, Long::sum);
      assertThat(stats().getJsonObject("tiers").getJsonObject("L2").getJsonObject("rejected").getLong(reason))
        .as(forgery.getKey()).isEqualTo(expected.get(reason));

      // Overwritten by the entry computed again: the next answer is that one, from Redis.
      awaitRedis("the forged entry overwritten", () -> !Arrays.equals(
        storage.send(Request.cmd(Command.GET).arg(key)).await().toBytes(), forgery.getValue()));
      Message<Buffer> again = ask(overview).await();
      assertThat(status(again)).as(forgery.getKey()).isEqualTo("L2");
      assertThat(again.body()).isEqualTo(answer.body());
    }
    JsonObject rejected = stats().getJsonObject("tiers").getJsonObject("L2").getJsonObject("rejected");
    assertThat(rejected).isEqualTo(new JsonObject().put("forged", 2L).put("corrupt", 1L).put("unsigned", 1L)
      .put("other_format", 0L).put("other_key", 1L));
    assertThat(stats().getJsonObject("tiers").getJsonObject("L4").containsKey("rejected")).isFalse();
    System.out.printf("forged entries rejected: %s%n", rejected.encode());
  }

  /**
   * Failures of the question are answered again for CACHE_FAILURE_TTL without a computation (docs/DESIGN.md §12.3):
   * a 500 and a 404 are kept, a 429 (whoever asked) and a 503 (a dependency) never are; the next data version asks again.
   */
  @Test
  void failuresOfTheQuestionAreKeptForCacheFailureTtlAndOthersNever() {
    deploy(Map.of("CACHE_FAILURE_TTL", "2s"));
    query.failWith = 500;
    for (int i = 0; i < 5; i++) {
      assertThat(((ReplyException) failureOf(ask(overview))).failureCode()).isEqualTo(500);
    }
    assertThat(query.computationsOf(overview)).isEqualTo(1);
    clock.advance(Duration.ofMillis(2100));
    assertThat(((ReplyException) failureOf(ask(overview))).failureCode()).isEqualTo(500);
    assertThat(query.computationsOf(overview)).isEqualTo(2);

    DashboardQuery unknown = DashboardQuery.of(QueryKind.TREND, "S404", overview.from(), overview.to());
    query.failWith = 0;
    assertThat(((ReplyException) failureOf(ask(unknown))).failureCode()).isEqualTo(404);
    assertThat(((ReplyException) failureOf(ask(unknown))).failureCode()).isEqualTo(404);
    assertThat(query.computationsOf(unknown)).isEqualTo(1);

    for (int code : new int[] {429, 503}) {
      DashboardQuery q = DashboardQuery.of(QueryKind.HOURS, "S001", overview.from().minusDays(code % 50), overview.to());
      query.failWith = code;
      assertThat(((ReplyException) failureOf(ask(q))).failureCode()).isEqualTo(code);
      assertThat(((ReplyException) failureOf(ask(q))).failureCode()).isEqualTo(code);
      assertThat(query.computationsOf(q)).as("computations after %d", code).isEqualTo(2);
    }
    // The 500 of the overview is still kept; a new data version is a new question, which is computed.
    query.failWith = 0;
    assertThat(((ReplyException) failureOf(ask(overview))).failureCode()).isEqualTo(500);
    dataChanged("S001");
    assertThat(status(ask(overview).await())).isEqualTo("MISS");
  }

  /**
   * A range of its own reaches Redis only on its second request (docs/DESIGN.md §12.3): a flood of unique ranges
   * leaves Redis as it was, while the default range is written at once.
   */
  @Test
  void oneOffRangesReachRedisOnlyOnTheirSecondRequest() {
    deploy(Map.of());
    String version = ":v" + query.version + ":";
    DashboardQuery standard = DashboardQuery.of(QueryKind.CHANNELS, "S002", null, null);
    ask(standard).await();
    awaitStored(CacheKeys.key(Tier.L2, standard, query.version));
    for (int i = 0; i < 200; i++) {
      LocalDate from = OCT_1.minusDays(i);
      ask(DashboardQuery.of(QueryKind.TREND, "S001", from, from.plusDays(6 + i % 20))).await();
    }
    assertThat(keysMatching(CacheKeys.pattern(null, "S001")).stream().filter(key -> key.contains(version))).isEmpty();
    JsonObject stats = stats();
    assertThat(stats.getJsonObject("tiers").getJsonObject("L2").getLong("loads")).isGreaterThanOrEqualTo(201);

    // Its second request (an L4 hit here) writes it.
    assertThat(status(ask(overview).await())).isEqualTo("MISS");
    assertThat(status(ask(overview).await())).isEqualTo("L4");
    awaitStored(CacheKeys.key(Tier.L2, overview, query.version));
    assertThat(query.computationsOf(overview)).isEqualTo(1);
  }

  /** The client named on a request travels on to query-service; the first asker of a single flight is charged. */
  @Test
  void theClientOfTheFirstAskerTravelsToQueryService() {
    deploy(Map.of());
    Promise<Void> release = Promise.promise();
    query.heldUntil = release.future();
    Future<Message<Buffer>> first = vertx.eventBus().request(Addresses.DASHBOARD_QUERY, overview.toJson(),
      new DeliveryOptions().addHeader(RequestHeaders.CLIENT, "token:first"));
    // Sent in order to one consumer: the first arrives first and starts the computation, the second joins it.
    Future<Message<Buffer>> second = vertx.eventBus().request(Addresses.DASHBOARD_QUERY, overview.toJson(),
      new DeliveryOptions().addHeader(RequestHeaders.CLIENT, "user:second"));
    awaitStats(s -> s.getLong("single_flight_joins") >= 1);
    release.complete();
    Future.all(first, second).await();
    assertThat(query.clients).containsExactly("token:first");
    ask(DashboardQuery.of(QueryKind.HOURS, "S001", null, null)).await();
    assertThat(query.clients).containsExactly("token:first", null);
  }
}
