package io.storedash.monitor.status;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gauges read the snapshot as alert rules need them: {@code storedash_redis_memory_max_mb} is 0 for a Redis
 * without maxmemory (the snapshot's {@code max_mb: null}), so {@code RedisNoMaxmemory} (== 0) can fire, and NaN only
 * while there is no reading at all. deploy/prometheus/alerts-test.yml tests the rule on both values.
 */
class MonitorMetricsGaugeTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final MonitorMetrics metrics = new MonitorMetrics(registry);

  private double maxMemoryMb() {
    return registry.get("storedash_redis_memory_max_mb").gauge().value();
  }

  private static JsonObject redisWithMemory(JsonObject memory) {
    return new JsonObject().put("redis", new JsonObject().put("connected", true).put("memory", memory));
  }

  @Test
  void aRedisWithoutMaxmemoryIsZeroNotNaN() {
    metrics.update(redisWithMemory(new JsonObject().put("used_mb", 12.5).putNull("max_mb").putNull("usage_percent")));
    assertThat(maxMemoryMb()).isEqualTo(0.0);
    // The usage ratio has no meaning without a limit: it stays NaN, so the memory alerts stay quiet.
    assertThat(registry.get("storedash_redis_memory_usage_ratio").gauge().value()).isNaN();
  }

  @Test
  void aRedisWithMaxmemoryIsItsLimit() {
    metrics.update(redisWithMemory(new JsonObject().put("used_mb", 12.5).put("max_mb", 1024.0).put("usage_percent", 1.2)));
    assertThat(maxMemoryMb()).isEqualTo(1024.0);
  }

  @Test
  void noReadingYetIsNaN() {
    assertThat(maxMemoryMb()).isNaN();
    metrics.update(new JsonObject().put("redis", new JsonObject().put("connected", false).put("state", "down")));
    assertThat(maxMemoryMb()).isNaN();
  }
}
