package io.storedash.monitor.redis;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RedisAlertsTest {

  private static final long MB = 1L << 20;

  /** A healthy Redis: 256 MB max, allkeys-lru, 10 % used, no fragmentation, fast. */
  private static RedisReading healthy() {
    return new RedisReading("7.0.15", 25 * MB + MB / 2, 30 * MB, 256 * MB, "allkeys-lru", true,
      1.1, 3 * MB, 0L, 900L, 100L, 5L, 0L, 0L, 3600L, 0.4);
  }

  private static RedisReading used(long bytes) {
    RedisReading r = healthy();
    return new RedisReading(r.version(), bytes, bytes, r.maxmemory(), r.maxmemoryPolicy(), true, 1.0, 0L,
      r.evictedKeys(), r.keyspaceHits(), r.keyspaceMisses(), r.connectedClients(), r.blockedClients(),
      r.rejectedConnections(), r.uptimeSeconds(), r.pingMillis());
  }

  private static RedisReading counters(long evicted, long rejected, long uptime) {
    RedisReading r = healthy();
    return new RedisReading(r.version(), r.usedMemory(), r.usedMemoryRss(), r.maxmemory(), r.maxmemoryPolicy(), true,
      r.fragmentationRatio(), r.fragmentationBytes(), evicted, r.keyspaceHits(), r.keyspaceMisses(),
      r.connectedClients(), r.blockedClients(), rejected, uptime, r.pingMillis());
  }

  private static RedisReading configured(Long maxmemory, String policy) {
    RedisReading r = healthy();
    return new RedisReading(r.version(), r.usedMemory(), r.usedMemoryRss(), maxmemory, policy, true,
      r.fragmentationRatio(), r.fragmentationBytes(), r.evictedKeys(), r.keyspaceHits(), r.keyspaceMisses(),
      r.connectedClients(), r.blockedClients(), r.rejectedConnections(), r.uptimeSeconds(), r.pingMillis());
  }

  private static RedisReading fragmented(double ratio, long wasteBytes) {
    RedisReading r = healthy();
    return new RedisReading(r.version(), r.usedMemory(), r.usedMemory() + wasteBytes, r.maxmemory(),
      r.maxmemoryPolicy(), true, ratio, wasteBytes, r.evictedKeys(), r.keyspaceHits(), r.keyspaceMisses(),
      r.connectedClients(), r.blockedClients(), r.rejectedConnections(), r.uptimeSeconds(), r.pingMillis());
  }

  private static RedisAlert only(List<RedisAlert> alerts) {
    assertThat(alerts).hasSize(1);
    return alerts.get(0);
  }

  @Test
  void aHealthyRedisRaisesNothing() {
    assertThat(RedisAlerts.classify(healthy(), healthy())).isEmpty();
    assertThat(RedisAlerts.classify(healthy(), null)).isEmpty();
  }

  @Test
  void memoryAt76PercentIsAWarningWithItsFigure() {
    RedisAlert alert = only(RedisAlerts.classify(used(256 * MB * 76 / 100), null));

    assertThat(alert.level()).isEqualTo(RedisAlert.Level.WARNING);
    assertThat(alert.code()).isEqualTo("memory_high");
    assertThat(alert.value()).isEqualTo(76.0);
    assertThat(alert.threshold()).isEqualTo(75.0);
    assertThat(alert.message()).contains("76.0 %");
  }

  @Test
  void memoryAt91PercentIsCritical() {
    RedisAlert alert = only(RedisAlerts.classify(used(256 * MB * 91 / 100), null));

    assertThat(alert.level()).isEqualTo(RedisAlert.Level.CRITICAL);
    assertThat(alert.code()).isEqualTo("memory_critical");
    assertThat(alert.value()).isEqualTo(91.0);
    assertThat(alert.threshold()).isEqualTo(90.0);
  }

  @Test
  void memoryJustUnderTheThresholdsIsNotRaised() {
    assertThat(RedisAlerts.classify(used(256 * MB * 74 / 100), null)).isEmpty();
    assertThat(only(RedisAlerts.classify(used(256 * MB * 89 / 100), null)).level()).isEqualTo(RedisAlert.Level.WARNING);
    // 90 % of 256 MB, rounded up to a whole byte.
    assertThat(only(RedisAlerts.classify(used((256 * MB * 90 + 99) / 100), null)).level()).isEqualTo(RedisAlert.Level.CRITICAL);
  }

  @Test
  void noMaxmemoryIsAWarning() {
    RedisAlert alert = only(RedisAlerts.classify(configured(0L, "allkeys-lru"), null));

    assertThat(alert.code()).isEqualTo("no_maxmemory");
    assertThat(alert.value()).isEqualTo(0L);
    assertThat(alert.level()).isEqualTo(RedisAlert.Level.WARNING);
  }

  @Test
  void aPolicyThatDoesNotEvictEveryKeyIsAWarning() {
    RedisAlert alert = only(RedisAlerts.classify(configured(256 * MB, "noeviction"), null));

    assertThat(alert.code()).isEqualTo("eviction_policy");
    assertThat(alert.value()).isEqualTo("noeviction");
    assertThat(only(RedisAlerts.classify(configured(256 * MB, "volatile-lru"), null)).code()).isEqualTo("eviction_policy");
    assertThat(RedisAlerts.classify(configured(256 * MB, "allkeys-lfu"), null)).isEmpty();
  }

  @Test
  void fragmentationOver1Point5IsAWarning() {
    RedisAlert alert = only(RedisAlerts.classify(fragmented(1.6, 120 * MB), null));

    assertThat(alert.code()).isEqualTo("fragmentation");
    assertThat(alert.value()).isEqualTo(1.6);
    assertThat(alert.threshold()).isEqualTo(1.5);
    assertThat(RedisAlerts.classify(fragmented(1.5, 120 * MB), null)).isEmpty();
  }

  @Test
  void theHighRatioOfANearlyEmptyRedisIsNotFragmentation() {
    assertThat(RedisAlerts.classify(fragmented(6.2, 8 * MB), null)).isEmpty();
  }

  @Test
  void evictionsGrowingSinceTheLastCheckIsAWarningWithTheGrowth() {
    RedisAlert alert = only(RedisAlerts.classify(counters(140, 0, 3630), counters(100, 0, 3600)));

    assertThat(alert.code()).isEqualTo("evictions_growing");
    assertThat(alert.value()).isEqualTo(40L);
    assertThat(RedisAlerts.classify(counters(100, 0, 3630), counters(100, 0, 3600))).isEmpty();
  }

  @Test
  void rejectedConnectionsGrowingIsAWarning() {
    RedisAlert alert = only(RedisAlerts.classify(counters(0, 3, 3630), counters(0, 1, 3600)));

    assertThat(alert.code()).isEqualTo("rejected_connections");
    assertThat(alert.value()).isEqualTo(2L);
  }

  @Test
  void countersOfARestartedRedisAreNotGrowth() {
    // Redis restarted between the checks: its uptime went back and its counters started again.
    assertThat(RedisAlerts.classify(counters(10, 1, 20), counters(5, 0, 3600))).isEmpty();
  }

  @Test
  void aSlowPingIsAWarning() {
    RedisAlert alert = only(RedisAlerts.classify(healthy().withPing(80.0), null));

    assertThat(alert.code()).isEqualTo("slow_ping");
    assertThat(alert.value()).isEqualTo(80.0);
    assertThat(RedisAlerts.classify(healthy().withPing(49.0), null)).isEmpty();
  }

  @Test
  void everyProblemIsReportedAtOnce() {
    RedisReading bad = new RedisReading("7.0.15", 250 * MB, 400 * MB, 256 * MB, "noeviction", true,
      1.6, 150 * MB, 50L, 0L, 0L, 5L, 0L, 4L, 3700L, 120.0);

    assertThat(RedisAlerts.classify(bad, counters(10, 1, 3600)))
      .extracting(RedisAlert::code)
      .containsExactlyInAnyOrder("memory_critical", "eviction_policy", "fragmentation", "evictions_growing",
        "rejected_connections", "slow_ping");
  }
}
