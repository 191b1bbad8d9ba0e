package io.storedash.loadtest.report;

import io.storedash.loadtest.plan.LoadPlan;
import io.storedash.loadtest.slo.SloViolation;
import io.storedash.loadtest.stats.EndpointSnapshot;
import io.storedash.loadtest.stats.StatsSnapshot;
import java.time.Duration;
import java.util.List;

/**
 * One run (one user count or one rate): its measured figures, what the warm-up did (left out of the figures), the
 * tool's own figures, the SLO outcome, the second-by-second timeline, and how many requests went to another target
 * after a connection failure.
 */
public record RunResult(int index, String label, LoadPlan.Model model, double level, Duration measured,
                        StatsSnapshot stats, EndpointSnapshot warmup, ToolFigures tool,
                        List<SloViolation> violations, List<TimelinePoint> timeline, long failovers) {

  /** Requests per second over the measured time (every outcome counts: it is what was offered to the server). */
  public double throughput() {
    return stats.overall().requests() / (measured.toNanos() / 1e9);
  }

  public double successThroughput() {
    return stats.overall().successes() / (measured.toNanos() / 1e9);
  }
}
