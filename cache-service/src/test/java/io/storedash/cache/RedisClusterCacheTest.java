package io.storedash.cache;

import io.storedash.cache.tier.CacheKeys;
import io.storedash.cache.tier.Tier;
import io.storedash.common.DashboardQuery;
import io.storedash.common.QueryKind;
import io.storedash.common.testing.Eventually;
import io.storedash.common.testing.RedisClusterServers;
import io.storedash.common.testing.Resp;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static io.storedash.cache.CacheUnderTest.body;
import static io.storedash.cache.CacheUnderTest.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** cache-service against a real Redis Cluster of three masters (no replicas), started for this class. */
class RedisClusterCacheTest {

  private static final LocalDate FROM = LocalDate.of(2026, 9, 1);
  private static final LocalDate TO = LocalDate.of(2026, 9, 30);
  private static final List<String> STORES = IntStream.rangeClosed(1, 60).mapToObj(i -> String.format("S%03d", i)).toList();

  private static RedisClusterServers cluster;
  private CacheUnderTest cache;

  @BeforeAll
  static void startCluster() {
    cluster = RedisClusterServers.start(3);
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  @AfterEach
  void close() {
    if (cache != null) {
      cache.close();
    }
  }

  private void deploy() {
    cluster.flushAll();
    cache = new CacheUnderTest(cluster.url(), STORES, Map.of());
  }

  private static DashboardQuery query(QueryKind kind, String store) {
    return DashboardQuery.of(kind, store, FROM, TO);
  }

  private String keyOf(Tier tier, DashboardQuery q) {
    return CacheKeys.key(tier, q, cache.query.version);
  }

  /** The StoreDash keys on every master, by node index. */
  private Map<Integer, List<String>> keysPerMaster() {
    Map<Integer, List<String>> keys = new HashMap<>();
    for (int i = 0; i < cluster.size(); i++) {
      keys.put(i, cluster.keys(i).stream().filter(k -> k.startsWith("sd:")).toList());
    }
    return keys;
  }

  /** Waits until the master of its slot holds a key: cache-service answers before its write to Redis lands. */
  private void awaitStored(String key) {
    int master = cluster.port(cluster.nodeOf(key));
    assertThat(Eventually.poll(Duration.ofSeconds(5), () -> Resp.number(master, "EXISTS", key), n -> n == 1))
      .as("%s on the master of its slot", key).isEqualTo(1);
  }

  private void askEveryStore(QueryKind... kinds) {
    List<Future<Message<Buffer>>> replies = new ArrayList<>();
    for (String store : STORES) {
      for (QueryKind kind : kinds) {
        replies.add(cache.ask(query(kind, store)));
      }
    }
    Future.all(replies).await();
    // A range of its own reaches Redis on its second request (docs/DESIGN.md §12.3): here an L4 hit.
    replies.clear();
    for (String store : STORES) {
      for (QueryKind kind : kinds) {
        replies.add(cache.ask(query(kind, store)));
      }
    }
    Future.all(replies).await();
  }

  @Test
  void aMissIsComputedOnceThenServedFromL4AndFromL2OnTheMasterOfTheStoresSlot() {
    deploy();
    DashboardQuery overview = query(QueryKind.OVERVIEW, "S001");
    Message<Buffer> first = cache.ask(overview).await();
    assertThat(status(first)).isEqualTo("MISS");
    assertThat(status(cache.ask(overview).await())).isEqualTo("L4");
    String key = keyOf(Tier.L2, overview);
    awaitStored(key);
    cache.dropHotspot();
    Message<Buffer> fromRedis = cache.ask(overview).await();
    assertThat(status(fromRedis)).isEqualTo("L2");
    assertThat(fromRedis.body()).isEqualTo(first.body());
    assertThat(cache.query.computationsOf(overview)).isEqualTo(1);

    int owner = cluster.nodeOf(key);
    assertThat(Resp.number(cluster.port(owner), "EXISTS", key)).isEqualTo(1);
    for (int i = 0; i < cluster.size(); i++) {
      if (i != owner) {
        int other = cluster.port(i);
        assertThatThrownBy(() -> Resp.command(other, "EXISTS", key)).hasMessageStartingWith("MOVED " + cluster.slotOf(key));
      }
    }
  }

  @Test
  void theEntriesOfManyStoresSpreadOverEveryMasterAndEachStoreKeepsToOneSlot() {
    deploy();
    askEveryStore(QueryKind.OVERVIEW, QueryKind.ORDERS, QueryKind.DIAGNOSIS);
    // Three tiers of every store: L1 (orders), L2 (overview), L3 (diagnosis); answers do not wait for the writes.
    cluster.awaitKeys(STORES.size() * 3L);
    Map<Integer, List<String>> keys = keysPerMaster();
    Map<String, Set<Integer>> slotsOfStore = new HashMap<>();
    Map<String, Set<Integer>> mastersOfStore = new HashMap<>();
    keys.forEach((master, list) -> list.forEach(key -> {
      String store = CacheKeys.slotGroup(key);
      slotsOfStore.computeIfAbsent(store, s -> new HashSet<>()).add(cluster.slotOf(key));
      mastersOfStore.computeIfAbsent(store, s -> new HashSet<>()).add(master);
    }));
    System.out.printf("keys per master: %s%n", keys.values().stream().map(List::size).toList());
    assertThat(slotsOfStore).hasSize(STORES.size());
    assertThat(slotsOfStore.values()).allSatisfy(slots -> assertThat(slots).hasSize(1));
    assertThat(mastersOfStore.values()).allSatisfy(masters -> assertThat(masters).hasSize(1));
    for (int i = 0; i < cluster.size(); i++) {
      assertThat(cluster.dbsize(i)).as("DBSIZE of master %d", i).isGreaterThanOrEqualTo(STORES.size() / 6 * 3);
    }
  }

  @Test
  void dataChangedMakesTheOldEntryUnreachable() {
    deploy();
    DashboardQuery trend = query(QueryKind.TREND, "S002");
    String oldKey = keyOf(Tier.L2, trend);
    JsonObject before = body(cache.ask(trend).await());
    // Its second request writes a range of its own to Redis (docs/DESIGN.md §12.3).
    assertThat(status(cache.ask(trend).await())).isEqualTo("L4");
    cache.dataChanged("S002");
    Message<Buffer> after = cache.ask(trend).await();
    assertThat(status(after)).isEqualTo("MISS");
    assertThat(status(cache.ask(trend).await())).isEqualTo("L4");
    assertThat(body(after).getInteger("n")).isGreaterThan(before.getInteger("n"));
    String newKey = keyOf(Tier.L2, trend);
    assertThat(newKey).isNotEqualTo(oldKey);
    // Both versions sit on the master of S002's slot; the old one only until it expires.
    assertThat(cluster.nodeOf(newKey)).isEqualTo(cluster.nodeOf(oldKey));
    awaitStored(oldKey);
    awaitStored(newKey);
    assertThat(Resp.number(cluster.port(cluster.nodeOf(newKey)), "EXISTS", newKey, oldKey)).isEqualTo(2);
    cache.dropHotspot();
    assertThat(status(cache.ask(trend).await())).isEqualTo("L2");
    assertThat(cache.query.computationsOf(trend)).isEqualTo(2);
  }

  @Test
  void flushRemovesTheEntriesOnEveryMaster() {
    deploy();
    askEveryStore(QueryKind.OVERVIEW, QueryKind.CHANNELS);
    cluster.awaitKeys(STORES.size() * 2L);
    long before = cluster.dbsize();
    assertThat(IntStream.range(0, cluster.size()).mapToLong(cluster::dbsize)).allSatisfy(n -> assertThat(n).isPositive());

    JsonObject one = cache.admin(new JsonObject().put("action", "flush").put("store", "S007"));
    assertThat(one.getLong("redis_entries_deleted")).isEqualTo(2);
    assertThat(Resp.number(cluster.port(cluster.nodeOf(keyOf(Tier.L2, query(QueryKind.OVERVIEW, "S007")))), "EXISTS",
      keyOf(Tier.L2, query(QueryKind.OVERVIEW, "S007")))).isZero();

    JsonObject all = cache.admin(new JsonObject().put("action", "flush"));
    assertThat(all.getLong("redis_entries_deleted")).isEqualTo(before - 2);
    assertThat(all.getJsonObject("redis_masters").fieldNames()).hasSize(3);
    for (int i = 0; i < cluster.size(); i++) {
      assertThat(cluster.dbsize(i)).as("DBSIZE of master %d after the flush", i).isZero();
    }
    cache.dropHotspot();
    assertThat(status(cache.ask(query(QueryKind.OVERVIEW, "S003")).await())).isEqualTo("MISS");
  }

  @Test
  void aKilledMasterLeavesEveryAnswerComingFromQueryServiceOrL4AndCachingResumesWhenItReturns() {
    deploy();
    askEveryStore(QueryKind.OVERVIEW);
    cluster.awaitKeys(STORES.size());
    int victim = 1;
    String lost = STORES.stream().filter(s -> cluster.nodeOf(keyOf(Tier.L2, query(QueryKind.OVERVIEW, s))) == victim).findFirst().orElseThrow();
    String kept = STORES.stream().filter(s -> cluster.nodeOf(keyOf(Tier.L2, query(QueryKind.OVERVIEW, s))) != victim).findFirst().orElseThrow();
    cluster.kill(victim);
    try {
      cache.dropHotspot();
      long started = System.nanoTime();
      // The lost master's stores are answered by query-service, then from L4.
      Message<Buffer> recomputed = cache.ask(query(QueryKind.OVERVIEW, lost)).await();
      assertThat(status(recomputed)).isEqualTo("MISS");
      assertThat(body(recomputed).getString("store")).isEqualTo(lost);
      assertThat(status(cache.ask(query(QueryKind.OVERVIEW, lost)).await())).isEqualTo("L4");
      // The other stores are answered too. (Vert.x 5.0.7's cluster client takes a connection to every node for each
      // command, so while one master is unreachable every Redis command fails: their entries are computed again.)
      Message<Buffer> other = cache.ask(query(QueryKind.OVERVIEW, kept)).await();
      assertThat(status(other)).isIn("L2", "MISS");
      assertThat(body(other).getString("store")).isEqualTo(kept);
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      System.out.printf("three answers with a master down: %d ms; a store on a live master: %s%n", millis, status(other));
      assertThat(millis).isLessThan(2500);
      assertThat(cache.query.computationsOf(query(QueryKind.OVERVIEW, lost))).isEqualTo(2);
      assertThat(cache.stats().getJsonObject("redis").getBoolean("up")).isFalse();
      // A flush empties the live masters, and cannot promise an empty cache while a master is unreachable: it says which.
      Throwable flush = cache.adminRequest(new JsonObject().put("action", "flush"))
        .map(m -> (Throwable) null).otherwise(e -> e).await();
      assertThat(((ReplyException) flush).failureCode()).isEqualTo(503);
      String[] parts = flush.getMessage().split("; done on ");
      assertThat(parts).hasSize(2);
      assertThat(parts[0]).contains("not flushed on 127.0.0.1:" + cluster.port(victim)).doesNotContain(
        "127.0.0.1:" + cluster.port(0), "127.0.0.1:" + cluster.port(2));
      assertThat(parts[1]).contains("127.0.0.1:" + cluster.port(0), "127.0.0.1:" + cluster.port(2));
      assertThat(cluster.dbsize()).isZero();
    } finally {
      cluster.restart(victim);
    }
    DashboardQuery later = query(QueryKind.HOURS, lost);
    String status = Eventually.poll(Duration.ofSeconds(5), () -> {
      cache.ask(later).await();
      cache.dropHotspot();
      return status(cache.ask(later).await());
    }, "L2"::equals);
    assertThat(status).isEqualTo("L2");
    assertThat(Resp.number(cluster.port(victim), "EXISTS", keyOf(Tier.L2, later))).isEqualTo(1);
  }
}
