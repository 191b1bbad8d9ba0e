package io.storedash.loadtest.report;

import io.storedash.loadtest.stats.Interval;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The one-line status printed every second while a run goes. */
public final class ProgressLine {

  private ProgressLine() {
  }

  /** {@code phase} is warm-up, measured, or draining (after the end, while in-flight requests finish). */
  public static String format(String label, String phase, long elapsedSeconds, long totalSeconds,
                              Interval i, double seconds, long inFlight, Long backlog, double cpuCores) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "[%s] %3d/%ds %-8s", label, elapsedSeconds, totalSeconds,
      phase));
    sb.append(String.format(Locale.ROOT, " | %7.0f req/s", i.requests() / seconds));
    sb.append(i.requests() == 0 ? " | ok    -  "
      : String.format(Locale.ROOT, " | ok %6.2f%%", 100.0 * i.successes() / i.requests()));
    sb.append(String.format(Locale.ROOT, " | p50 %s p99 %s max %s", ms(i.latency().p50()), ms(i.latency().p99()),
      ms(i.latency().max())));
    sb.append(i.cacheAnswered() == 0 ? " | hit   -  "
      : String.format(Locale.ROOT, " | hit %5.1f%%", 100.0 * i.cacheHits() / i.cacheAnswered()));
    sb.append(" | in-flight ").append(inFlight);
    if (backlog != null) {
      sb.append(" backlog ").append(backlog);
    }
    sb.append(String.format(Locale.ROOT, " | cpu %.2f", cpuCores));
    if (!i.errors().isEmpty()) {
      sb.append(" | errors ").append(i.errors().entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ")));
    }
    return sb.toString();
  }

  static String ms(double millis) {
    if (millis >= 1000) {
      return String.format(Locale.ROOT, "%.2fs", millis / 1000);
    }
    if (millis >= 100) {
      return String.format(Locale.ROOT, "%.0fms", millis);
    }
    return String.format(Locale.ROOT, "%.1fms", millis);
  }

  static String errors(Map<String, Long> errors) {
    return errors.isEmpty() ? "-" : errors.entrySet().stream()
      .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
  }
}
