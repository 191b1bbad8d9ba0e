package io.storedash.loadtest.slo;

import io.storedash.loadtest.stats.EndpointSnapshot;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The objectives given on the command line ({@code --max-p99}, {@code --min-success}, {@code --min-hit-rate}),
 * checked against a run's overall figures. Absent objectives (null) are not checked.
 */
public record SloPolicy(Duration maxP99, Double minSuccessPercent, Double minHitRatePercent) {

  public static final SloPolicy NONE = new SloPolicy(null, null, null);

  public SloPolicy {
    if (maxP99 != null && (maxP99.isNegative() || maxP99.isZero())) {
      throw new IllegalArgumentException("--max-p99 must be above 0, got " + maxP99.toMillis() + "ms");
    }
    checkPercent("--min-success", minSuccessPercent);
    checkPercent("--min-hit-rate", minHitRatePercent);
  }

  private static void checkPercent(String flag, Double value) {
    if (value != null && !(value >= 0 && value <= 100)) {
      throw new IllegalArgumentException(flag + " is a percentage from 0 to 100, got " + value);
    }
  }

  public boolean isEmpty() {
    return maxP99 == null && minSuccessPercent == null && minHitRatePercent == null;
  }

  public List<SloViolation> evaluate(String run, EndpointSnapshot overall) {
    List<SloViolation> out = new ArrayList<>();
    if (maxP99 != null) {
      double limitMs = maxP99.toNanos() / 1e6;
      if (overall.latency().getTotalCount() == 0) {
        out.add(new SloViolation("max_p99", run, "p99 cannot be checked: no request got a response"));
      } else {
        double p99 = overall.latencySummary().p99();
        if (p99 > limitMs) {
          out.add(new SloViolation("max_p99", run,
            String.format("p99 %.2f ms is above --max-p99 %s ms", p99, trim(limitMs))));
        }
      }
    }
    if (minSuccessPercent != null) {
      Double success = overall.successPercent();
      if (success == null) {
        out.add(new SloViolation("min_success", run, "success rate cannot be checked: no request was made"));
      } else if (success < minSuccessPercent) {
        out.add(new SloViolation("min_success", run, String.format(
          "success rate %.3f %% is below --min-success %s %% (%d of %d requests failed)",
          success, trim(minSuccessPercent), overall.requests() - overall.successes(), overall.requests())));
      }
    }
    if (minHitRatePercent != null) {
      Double hit = overall.hitRatePercent();
      if (hit == null) {
        out.add(new SloViolation("min_hit_rate", run,
          "cache hit rate cannot be checked: no response carried an X-Cache header"));
      } else if (hit < minHitRatePercent) {
        out.add(new SloViolation("min_hit_rate", run, String.format(
          "cache hit rate %.2f %% is below --min-hit-rate %s %%", hit, trim(minHitRatePercent))));
      }
    }
    return out;
  }

  private static String trim(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
