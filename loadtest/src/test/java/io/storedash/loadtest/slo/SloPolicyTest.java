package io.storedash.loadtest.slo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.storedash.loadtest.stats.EndpointSnapshot;
import io.storedash.loadtest.stats.RunStats;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SloPolicyTest {

  private static final long MS = 1_000_000;

  /** 1000 requests, latencies 1..1000 ms spread so p99 is ~990 ms unless capped; given failures and hits. */
  private static EndpointSnapshot run(long maxLatencyMs, int failures, int hits, boolean withCacheHeader) {
    RunStats stats = new RunStats(List.of("a"));
    for (int i = 0; i < 1000; i++) {
      long latency = (i % maxLatencyMs + 1) * MS;
      String cache = withCacheHeader ? (i < hits ? "L4" : "MISS") : null;
      stats.recordResponse("a", latency, latency, i < failures ? 500 : 200, cache, 0, false);
    }
    return stats.snapshot().overall();
  }

  @Test
  void aRunWithinEveryObjectivePasses() {
    SloPolicy slo = new SloPolicy(Duration.ofMillis(50), 99.0, 95.0);
    assertThat(slo.evaluate("30 users", run(40, 5, 960, true))).isEmpty();
  }

  @Test
  void eachMissedObjectiveIsNamedWithItsFigures() {
    SloPolicy slo = new SloPolicy(Duration.ofMillis(50), 99.9, 95.0);
    List<SloViolation> violations = slo.evaluate("100 users", run(100, 5, 900, true));
    assertThat(violations).extracting(SloViolation::objective).containsExactly("max_p99", "min_success", "min_hit_rate");
    assertThat(violations.get(0).message()).startsWith("p99 99.").endsWith("is above --max-p99 50 ms");
    assertThat(violations.get(1).message())
      .isEqualTo("success rate 99.500 % is below --min-success 99.9 % (5 of 1000 requests failed)");
    assertThat(violations.get(2).message()).isEqualTo("cache hit rate 90.00 % is below --min-hit-rate 95 %");
    assertThat(violations.get(0).toString()).startsWith("100 users: p99");
  }

  @Test
  void onlyTheObjectivesGivenAreChecked() {
    EndpointSnapshot bad = run(1000, 500, 0, true);
    assertThat(SloPolicy.NONE.evaluate("r", bad)).isEmpty();
    assertThat(new SloPolicy(null, 40.0, null).evaluate("r", bad)).isEmpty();
    assertThat(new SloPolicy(null, 60.0, null).evaluate("r", bad)).hasSize(1);
  }

  @Test
  void anUncheckableObjectiveIsAViolationNotAPass() {
    SloPolicy slo = new SloPolicy(Duration.ofMillis(50), 99.0, 95.0);
    List<SloViolation> empty = slo.evaluate("r", new RunStats(List.of("a")).snapshot().overall());
    assertThat(empty).extracting(SloViolation::message).allMatch(m -> m.contains("cannot be checked"));
    assertThat(empty).hasSize(3);
    assertThat(slo.evaluate("r", run(10, 0, 0, false))).singleElement()
      .satisfies(v -> assertThat(v.message()).contains("no response carried an X-Cache header"));
  }

  @Test
  void refusesMeaninglessObjectives() {
    assertThatThrownBy(() -> new SloPolicy(Duration.ZERO, null, null)).hasMessageContaining("--max-p99");
    assertThatThrownBy(() -> new SloPolicy(null, 101.0, null)).hasMessageContaining("--min-success");
    assertThatThrownBy(() -> new SloPolicy(null, null, -1.0)).hasMessageContaining("--min-hit-rate");
  }
}
