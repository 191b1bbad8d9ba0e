package io.storedash.cache;

import io.storedash.cache.tier.CacheKeys;
import io.storedash.cache.tier.Tier;
import io.storedash.common.DashboardQuery;
import io.storedash.common.QueryKind;
import io.storedash.common.testing.Eventually;
import io.storedash.common.testing.RedisClusterServers;
import io.storedash.common.testing.RedisSentinelServers;
import io.storedash.common.testing.Resp;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static io.storedash.cache.CacheUnderTest.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * REDIS_PASSWORD with a Redis Cluster and with a Sentinel set whose servers and Sentinels all require it: the URL
 * names no password, ConfigLoader puts it in (percent-encoded: it has {@code @ / : %}), and it reaches every seed
 * node, every master that CLUSTER SLOTS names, every Sentinel and the master they name.
 */
class RedisPasswordTest {

  private static final String PASSWORD = "p@ss/w:rd%-" + Long.toHexString(System.nanoTime());
  /** The default range: it is written to Redis at once, where a range of its own waits for its second request (§12.3). */
  private static final LocalDate FROM = null;
  private static final LocalDate TO = null;

  private CacheUnderTest cache;

  @AfterEach
  void close() {
    if (cache != null) {
      cache.close();
    }
  }

  /** A client of this server without the password is refused. */
  private void refusedWithoutPassword(int port) {
    Redis anonymous = Redis.createClient(cache.vertx, "redis://127.0.0.1:" + port);
    try {
      assertThatThrownBy(() -> anonymous.send(Request.cmd(Command.PING)).await()).hasMessageContaining("NOAUTH");
    } finally {
      anonymous.close();
    }
  }


  @Test
  void aClusterWhoseNodesRequireThePasswordIsReachedWithRedisPassword() {
    try (RedisClusterServers cluster = RedisClusterServers.start(3, PASSWORD)) {
      List<String> stores = List.of("S001", "S002", "S003", "S004", "S005", "S006");
      cache = new CacheUnderTest(cluster.url(), stores, Map.of("REDIS_PASSWORD", PASSWORD));
      refusedWithoutPassword(cluster.port(0));
      DashboardQuery overview = DashboardQuery.of(QueryKind.OVERVIEW, "S001", FROM, TO);
      assertThat(status(cache.ask(overview).await())).isEqualTo("MISS");
      assertThat(cache.untilFromRedis(overview)).isEqualTo("L2");
      for (String store : stores) {
        cache.ask(DashboardQuery.of(QueryKind.TREND, store, FROM, TO)).await();
      }
      String key = CacheKeys.key(Tier.L2, DashboardQuery.of(QueryKind.TREND, "S006", FROM, TO), cache.query.version);
      assertThat(Eventually.until(Duration.ofSeconds(5), () -> Resp.command(cluster.port(cluster.nodeOf(key)), "GET", key) != null))
        .isTrue();
      // SCAN and UNLINK go to every master by its own connection (RedisClusterNodes), with the password.
      JsonObject flushed = cache.admin(new JsonObject().put("action", "flush"));
      assertThat(flushed.getJsonObject("redis_masters").fieldNames()).hasSize(3);
      assertThat(flushed.getLong("redis_entries_deleted")).isGreaterThanOrEqualTo(stores.size() + 1L);
      assertThat(cluster.dbsize()).isZero();
    }
  }

  @Test
  void aSentinelSetWhoseServersAndSentinelsRequireThePasswordIsReachedWithRedisPassword() {
    try (RedisSentinelServers sentinels = RedisSentinelServers.start("storedash", 1, PASSWORD)) {
      cache = new CacheUnderTest(sentinels.url(), List.of("S001"), Map.of("REDIS_PASSWORD", PASSWORD));
      refusedWithoutPassword(sentinels.masterPort());
      refusedWithoutPassword(sentinels.sentinels().get(0).port());
      DashboardQuery overview = DashboardQuery.of(QueryKind.OVERVIEW, "S001", FROM, TO);
      assertThat(status(cache.ask(overview).await())).isEqualTo("MISS");
      assertThat(cache.untilFromRedis(overview)).isEqualTo("L2");
      String key = CacheKeys.key(Tier.L2, overview, cache.query.version);
      assertThat(Resp.command(sentinels.masterPort(), "GET", key)).isNotNull();
    }
  }
}
