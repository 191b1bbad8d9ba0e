package io.storedash.loadtest.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RunStatsTest {

  private static final long MS = 1_000_000;

  @Test
  void countsOutcomesPerEndpointAndOverall() {
    RunStats stats = new RunStats(List.of("overview", "trend"));
    for (int i = 1; i <= 100; i++) {
      stats.recordResponse("overview", i * MS, i * MS, 200, i <= 90 ? "L4" : "MISS", 1000, true);
    }
    stats.recordResponse("trend", 5 * MS, 5 * MS, 500, null, 100, false);
    stats.recordResponse("trend", 5 * MS, 5 * MS, 404, null, 100, false);
    stats.recordResponse("trend", 5 * MS, 5 * MS, 304, "L2", 0, false);
    stats.recordFailure("trend", "timeout", 5000 * MS, 5000 * MS);
    stats.recordFailure("trend", "connection_refused", -1, -1);

    StatsSnapshot s = stats.snapshot();
    EndpointSnapshot overview = s.endpoints().get(0);
    assertThat(overview.requests()).isEqualTo(100);
    assertThat(overview.successPercent()).isEqualTo(100.0);
    assertThat(overview.hitRatePercent()).isEqualTo(90.0);
    assertThat(overview.bytes()).isEqualTo(100_000);
    assertThat(overview.gzipResponses()).isEqualTo(100);
    assertThat(overview.latencySummary().p50()).isCloseTo(50, within(0.1));
    assertThat(overview.latencySummary().p99()).isCloseTo(99, within(0.1));
    assertThat(overview.latencySummary().max()).isCloseTo(100, within(0.1));

    EndpointSnapshot trend = s.endpoints().get(1);
    assertThat(trend.requests()).isEqualTo(5);
    assertThat(trend.successes()).isEqualTo(1);
    assertThat(trend.errors()).containsExactlyInAnyOrderEntriesOf(Map.of(
      "status_500", 1L, "status_404", 1L, "timeout", 1L, "connection_refused", 1L));
    // 304 with L2 is a hit; responses without X-Cache do not count for or against the hit rate.
    assertThat(trend.hitRatePercent()).isEqualTo(100.0);
    // The timeout is in the histogram (the user waited 5 s), the refused connection is not.
    assertThat(trend.latency().getTotalCount()).isEqualTo(4);
    assertThat(trend.latencySummary().max()).isCloseTo(5000, within(5.0));

    EndpointSnapshot all = s.overall();
    assertThat(all.requests()).isEqualTo(105);
    assertThat(all.successes()).isEqualTo(101);
    assertThat(all.errorCount()).isEqualTo(4);
    assertThat(all.cache()).containsEntry("L4", 90L).containsEntry("L2", 1L).containsEntry("MISS", 10L)
      .containsEntry("none", 2L);
    assertThat(all.hitRatePercent()).isCloseTo(100.0 * 91 / 101, within(1e-9));
    assertThat(all.latency().getTotalCount()).isEqualTo(104);
  }

  @Test
  void intervalsAddUpToTheCumulativeFigures() {
    RunStats stats = new RunStats(List.of("a"));
    stats.recordResponse("a", MS, MS, 200, "L1", 1, false);
    stats.recordResponse("a", 2 * MS, MS, 500, "MISS", 1, false);
    Interval first = stats.interval();
    assertThat(first.requests()).isEqualTo(2);
    assertThat(first.successes()).isEqualTo(1);
    assertThat(first.errors()).containsEntry("status_500", 1L);
    assertThat(first.cacheHits()).isEqualTo(1);
    assertThat(first.cacheAnswered()).isEqualTo(2);
    assertThat(first.latency().count()).isEqualTo(2);

    stats.recordResponse("a", 3 * MS, MS, 200, "STALE", 1, false);
    Interval second = stats.interval();
    assertThat(second.requests()).isEqualTo(1);
    assertThat(second.errors()).isEmpty();
    assertThat(second.cacheHits()).isZero();
    assertThat(second.latency().max()).isCloseTo(3, within(0.01));

    EndpointSnapshot all = stats.snapshot().overall();
    assertThat(all.requests()).isEqualTo(3);
    assertThat(all.latency().getTotalCount()).isEqualTo(3);
    assertThat(all.cacheCount(CacheOutcome.STALE)).isEqualTo(1);
  }

  @Test
  void concurrentWritersLoseNothing() throws Exception {
    RunStats stats = new RunStats(List.of("a", "b"));
    int threads = 4;
    int each = 50_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    for (int t = 0; t < threads; t++) {
      String endpoint = t % 2 == 0 ? "a" : "b";
      pool.submit(() -> {
        go.await();
        for (int i = 0; i < each; i++) {
          stats.recordResponse(endpoint, (i % 100 + 1) * MS, MS, i % 10 == 0 ? 503 : 200, "L4", 10, false);
        }
        return null;
      });
    }
    go.countDown();
    // Read while writing, as the progress line does.
    for (int i = 0; i < 20; i++) {
      stats.interval();
      Thread.sleep(2);
    }
    pool.shutdown();
    assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    EndpointSnapshot all = stats.snapshot().overall();
    assertThat(all.requests()).isEqualTo((long) threads * each);
    assertThat(all.latency().getTotalCount()).isEqualTo((long) threads * each);
    assertThat(all.errors()).containsEntry("status_503", (long) threads * each / 10);
    assertThat(all.bytes()).isEqualTo(10L * threads * each);
  }

  @Test
  void cacheHeaderValuesAreClassified() {
    assertThat(CacheOutcome.of("L1")).isEqualTo(CacheOutcome.HIT);
    assertThat(CacheOutcome.of("l4")).isEqualTo(CacheOutcome.HIT);
    assertThat(CacheOutcome.of("MISS")).isEqualTo(CacheOutcome.MISS);
    assertThat(CacheOutcome.of("STALE")).isEqualTo(CacheOutcome.STALE);
    assertThat(CacheOutcome.of("BYPASS")).isEqualTo(CacheOutcome.BYPASS);
    assertThat(CacheOutcome.of("HIT from squid")).isEqualTo(CacheOutcome.OTHER);
    assertThat(CacheOutcome.of(null)).isEqualTo(CacheOutcome.NONE);
    assertThat(CacheOutcome.countingKey(" l2 ")).isEqualTo("L2");
  }

  @Test
  void unknownEndpointsAreABug() {
    RunStats stats = new RunStats(List.of("a"));
    assertThatThrownBy(() -> stats.recordResponse("b", MS, MS, 200, null, 0, false))
      .hasMessageContaining("not part of this run's mix");
  }

  @Test
  void anEmptyRunHasNoRates() {
    EndpointSnapshot all = new RunStats(List.of("a")).snapshot().overall();
    assertThat(all.successPercent()).isNull();
    assertThat(all.hitRatePercent()).isNull();
    assertThat(all.latencySummary()).isEqualTo(LatencySummary.EMPTY);
  }
}
