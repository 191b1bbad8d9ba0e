package io.storedash.common.redis;

import io.storedash.common.config.ConfigLoader;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisReplicas;
import io.vertx.redis.client.RedisRole;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RedisEndpointsTest {

  @Test
  void oneServerIsPassedToVertxAsConfigured() {
    RedisEndpoints e = RedisEndpoints.parse("redis://app:s%40cret@cache.internal:6380/2");
    assertThat(e.mode()).isEqualTo(RedisEndpoints.Mode.STANDALONE);
    assertThat(e.hostPorts()).containsExactly("cache.internal:6380");
    assertThat(e.database()).isEqualTo(2);
    assertThat(e.describe()).isEqualTo("cache.internal:6380").doesNotContain("cret");
    RedisOptions options = RedisClients.options(e);
    assertThat(options.getType()).isEqualTo(RedisClientType.STANDALONE);
    assertThat(options.getEndpoints()).containsExactly("redis://app:s%40cret@cache.internal:6380/2");

    assertThat(RedisEndpoints.parse("redis://127.0.0.1").hostPorts()).containsExactly("127.0.0.1:6379");
    assertThat(RedisEndpoints.parse("rediss://:pw@[::1]:6379").hostPorts()).containsExactly("[::1]:6379");
    assertThat(RedisEndpoints.parse("unix:///run/redis.sock").describe()).isEqualTo("unix:///run/redis.sock");
  }

  @Test
  void aSentinelUrlNamesTheSentinelsAndTheMaster() {
    RedisEndpoints e = RedisEndpoints.parse("redis-sentinel://:pw@10.0.0.1:26379,10.0.0.2,10.0.0.3:26380/storedash/1");
    assertThat(e.mode()).isEqualTo(RedisEndpoints.Mode.SENTINEL);
    assertThat(e.hostPorts()).containsExactly("10.0.0.1:26379", "10.0.0.2:26379", "10.0.0.3:26380");
    assertThat(e.masterName()).isEqualTo("storedash");
    assertThat(e.database()).isEqualTo(1);
    assertThat(e.describe()).isEqualTo("master storedash via sentinels 10.0.0.1:26379,10.0.0.2:26379,10.0.0.3:26380");
    RedisOptions options = RedisClients.options(e);
    assertThat(options.getType()).isEqualTo(RedisClientType.SENTINEL);
    assertThat(options.getRole()).isEqualTo(RedisRole.MASTER);
    assertThat(options.getMasterName()).isEqualTo("storedash");
    // Vert.x selects the database of the Sentinel URLs on the master it connects to.
    assertThat(options.getEndpoints()).containsExactly(
      "redis://:pw@10.0.0.1:26379/1", "redis://:pw@10.0.0.2:26379/1", "redis://:pw@10.0.0.3:26380/1");
  }

  @Test
  void aClusterUrlNamesSeedNodes() {
    RedisEndpoints e = RedisEndpoints.parse("redis-cluster://user:pw@h1:7000,h2:7001");
    assertThat(e.mode()).isEqualTo(RedisEndpoints.Mode.CLUSTER);
    assertThat(e.describe()).isEqualTo("cluster h1:7000,h2:7001");
    RedisOptions options = RedisClients.options(e);
    assertThat(options.getType()).isEqualTo(RedisClientType.CLUSTER);
    assertThat(options.getUseReplicas()).isEqualTo(RedisReplicas.NEVER);
    assertThat(options.getEndpoints()).containsExactly("redis://user:pw@h1:7000", "redis://user:pw@h2:7001");
    assertThat(e.nodeUrl("10.1.1.1:7002")).isEqualTo("redis://user:pw@10.1.1.1:7002");
    assertThat(RedisEndpoints.parse("redis-cluster://h1").hostPorts()).containsExactly("h1:6379");
  }

  @Test
  void badUrlsSayWhatIsWrong() {
    assertThatThrownBy(() -> RedisEndpoints.parse("localhost:6379")).hasMessage("no scheme");
    assertThatThrownBy(() -> RedisEndpoints.parse("memcached://h:11211")).hasMessage("unknown scheme 'memcached'");
    assertThatThrownBy(() -> RedisEndpoints.parse("redis://h1:6379,h2:6379")).hasMessageContaining("use redis-sentinel:// or redis-cluster://");
    assertThatThrownBy(() -> RedisEndpoints.parse("redis://h:65536")).hasMessageContaining("from 1 to 65535, got 65536");
    assertThatThrownBy(() -> RedisEndpoints.parse("redis://h:port")).hasMessageContaining("got 'port'");
    assertThatThrownBy(() -> RedisEndpoints.parse("redis://h:6379/zero")).hasMessageContaining("database");
    assertThatThrownBy(() -> RedisEndpoints.parse("redis-sentinel://h1:26379,h2:26379")).hasMessageContaining("master name is missing");
    assertThatThrownBy(() -> RedisEndpoints.parse("redis-sentinel://h1:26379/my*master")).hasMessageContaining("master name may use");
    assertThatThrownBy(() -> RedisEndpoints.parse("redis-sentinel://h1:26379/m/0/x")).hasMessageContaining("/master-name/db");
    assertThatThrownBy(() -> RedisEndpoints.parse("redis-cluster://h1:7000,,h2:7001")).hasMessageContaining("empty host");
    assertThatThrownBy(() -> RedisEndpoints.parse("redis-cluster://h1:7000/3")).hasMessageContaining("only database 0");
    assertThatThrownBy(() -> RedisEndpoints.parse("redis-cluster://:pw@/")).hasMessage("no host");
    assertThatThrownBy(() -> RedisEndpoints.parse("redis-cluster://h1 h2:7000")).hasMessageContaining("not a host name");
    assertThatThrownBy(() -> RedisEndpoints.parse("redis://:100%@h")).hasMessageContaining("percent-escape");
  }

  /** REDIS_URL as ConfigLoader makes it from REDIS_URL and REDIS_PASSWORD, parsed. */
  private static RedisEndpoints withPassword(String url, String password) {
    return RedisEndpoints.parse(ConfigLoader.load(Map.of("REDIS_URL", url, "REDIS_PASSWORD", password)).redisUrlOrDefault());
  }

  @Test
  void redisPasswordReachesEverySentinelEveryClusterNodeAndTheServer() {
    // Percent-encoded once in the URL; Vert.x decodes it (RedisPasswordTest signs in with it to real servers).
    String encoded = "p%40ss%2Fw%3Ard%25";
    RedisEndpoints sentinel = withPassword("redis-sentinel://10.0.0.1:26379,10.0.0.2/storedash/1", "p@ss/w:rd%");
    assertThat(RedisClients.options(sentinel).getEndpoints()).containsExactly(
      "redis://:" + encoded + "@10.0.0.1:26379/1", "redis://:" + encoded + "@10.0.0.2:26379/1");
    assertThat(sentinel.masterName()).isEqualTo("storedash");
    assertThat(sentinel.describe()).doesNotContain("p%40ss");

    RedisEndpoints cluster = withPassword("redis-cluster://storedash:old@h1:7000,h2:7001", "p@ss/w:rd%");
    assertThat(RedisClients.options(cluster).getEndpoints()).containsExactly(
      "redis://storedash:" + encoded + "@h1:7000", "redis://storedash:" + encoded + "@h2:7001");
    // A master that CLUSTER SLOTS names later (RedisClusterNodes, monitor-service) gets the same credentials.
    assertThat(RedisClients.nodeOptions(cluster, "10.1.1.1:7002").getEndpoint())
      .isEqualTo("redis://storedash:" + encoded + "@10.1.1.1:7002");

    RedisEndpoints one = withPassword("redis://storedash@cache.internal:6380/2", "s3cret");
    assertThat(RedisClients.options(one).getEndpoints()).containsExactly("redis://storedash:s3cret@cache.internal:6380/2");
    assertThat(withPassword("redis://cache.internal", "s3cret").url()).isEqualTo("redis://:s3cret@cache.internal");
  }
}
