package io.storedash.loadtest.report;

import io.storedash.loadtest.plan.Durations;
import io.storedash.loadtest.plan.LoadPlan;
import io.storedash.loadtest.slo.SloViolation;
import io.storedash.loadtest.stats.CacheOutcome;
import io.storedash.loadtest.stats.EndpointSnapshot;
import io.storedash.loadtest.stats.LatencySummary;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The human-readable tables: one per run, then the SLO verdict. */
public final class TextReport {

  private static final String ROW = "%-12s %9s %8s %9s %9s %9s %9s %9s %7s %10s  %s%n";

  private TextReport() {
  }

  public static void printRun(PrintWriter out, LoadPlan plan, RunResult r) {
    out.println();
    String model = r.model() == LoadPlan.Model.CLOSED
      ? String.format(Locale.ROOT, "closed model, %s, think %s, ramp %s", r.label(), Durations.format(plan.think()),
        Durations.format(plan.ramp()))
      : String.format(Locale.ROOT, "open model, %s, at most %d outstanding", r.label(), plan.maxOutstanding());
    out.printf(Locale.ROOT, "== run %d: %s; %s measured after %s warm-up ==%n", r.index() + 1, model,
      Durations.format(r.measured()), Durations.format(plan.warmup()));
    out.printf(Locale.ROOT, ROW, "endpoint", "requests", "ok %", "p50", "p90", "p99", "p99.9", "max", "hit %",
      "bytes", "errors");
    for (EndpointSnapshot e : r.stats().endpoints()) {
      row(out, e);
    }
    row(out, r.stats().overall());
    EndpointSnapshot all = r.stats().overall();
    out.printf(Locale.ROOT, "throughput %.1f req/s (%.1f successful/s), success %s, cache hit rate %s%s%n",
      r.throughput(), r.successThroughput(), pct(all.successPercent(), 3), pct(all.hitRatePercent(), 2),
      cacheBreakdown(all));
    out.printf(Locale.ROOT, "received %s in bodies%s%n", bytes(all.bytes()),
      plan.acceptGzip() ? String.format(Locale.ROOT, ", %d of %d responses gzip-encoded", all.gzipResponses(),
        all.requests()) : "");
    if (!all.errors().isEmpty()) {
      out.println("errors by kind: " + all.errors().entrySet().stream()
        .map(e -> e.getKey() + " " + e.getValue() + " (" + endpointsWith(r, e.getKey()) + ")")
        .collect(Collectors.joining(", ")));
    }
    if (r.failovers() > 0) {
      out.printf(Locale.ROOT, "failovers: %d request(s) went to another target after a connection failure%n",
        r.failovers());
    }
    EndpointSnapshot warm = r.warmup();
    if (warm.requests() > 0) {
      out.printf(Locale.ROOT, "warm-up, left out of the figures: %d requests, success %s, errors %s%n", warm.requests(),
        pct(warm.successPercent(), 2), ProgressLine.errors(warm.errors()));
    }
    if (r.model() == LoadPlan.Model.OPEN) {
      LatencySummary s = all.serviceTimeSummary();
      out.printf(Locale.ROOT, "latency above counts from the intended send time; from the actual send: p50 %s p99 %s"
        + " max %s; send lag p99 %s max %s%n", ProgressLine.ms(s.p50()), ProgressLine.ms(s.p99()),
        ProgressLine.ms(s.max()), ProgressLine.ms(r.tool().sendLag().p99()), ProgressLine.ms(r.tool().sendLag().max()));
    }
    ToolFigures t = r.tool();
    out.printf(Locale.ROOT, "tool: busiest of %d event loop(s) %.0f %% busy, JVM cpu %.2f cores avg / %.2f max of %d"
        + " (machine %.0f %% busy), loop lag p99 %s max %s, connections opened %d closed %d%n", t.drivers(),
      t.busiestLoopPercent(), t.cpuCoresAvg(), t.cpuCoresMax(), t.availableProcessors(), t.machineCpuPercentAvg(),
      ProgressLine.ms(t.loopLag().p99()), ProgressLine.ms(t.loopLag().max()), t.connectionsOpened(),
      t.connectionsClosed());
    if (t.looksSaturated()) {
      out.println("WARNING: the load generator was near its limit (an event loop over "
        + (long) ToolFigures.SATURATED_LOOP_PERCENT + " % busy or timers over "
        + (long) ToolFigures.SATURATED_LOOP_LAG_P99_MS + " ms late): these figures may describe the tool, not the "
        + "server; give it more --event-loops or its own machine");
    }
    out.flush();
  }

  public static void printVerdict(PrintWriter out, LoadPlan plan, List<RunResult> results) {
    List<SloViolation> all = new ArrayList<>();
    results.forEach(r -> all.addAll(r.violations()));
    out.println();
    if (plan.slo().isEmpty()) {
      out.println("no SLO given (--max-p99, --min-success, --min-hit-rate): exit code 0");
    } else if (all.isEmpty()) {
      out.println("SLO PASSED: " + describe(plan));
    } else {
      out.println("SLO VIOLATED (" + describe(plan) + "):");
      all.forEach(v -> out.println("  - [" + v.objective() + "] " + v));
    }
    out.flush();
  }

  static String describe(LoadPlan plan) {
    List<String> parts = new ArrayList<>();
    if (plan.slo().maxP99() != null) {
      parts.add("p99 <= " + Durations.format(plan.slo().maxP99()));
    }
    if (plan.slo().minSuccessPercent() != null) {
      parts.add("success >= " + plan.slo().minSuccessPercent() + " %");
    }
    if (plan.slo().minHitRatePercent() != null) {
      parts.add("hit rate >= " + plan.slo().minHitRatePercent() + " %");
    }
    return String.join(", ", parts);
  }

  private static void row(PrintWriter out, EndpointSnapshot e) {
    LatencySummary l = e.latencySummary();
    boolean any = l.count() > 0;
    out.printf(Locale.ROOT, ROW, e.name(), e.requests(), pct(e.successPercent(), 2).replace(" %", ""),
      any ? ProgressLine.ms(l.p50()) : "-", any ? ProgressLine.ms(l.p90()) : "-", any ? ProgressLine.ms(l.p99()) : "-",
      any ? ProgressLine.ms(l.p999()) : "-", any ? ProgressLine.ms(l.max()) : "-",
      pct(e.hitRatePercent(), 1).replace(" %", ""), bytes(e.bytes()), ProgressLine.errors(e.errors()));
  }

  private static String endpointsWith(RunResult r, String kind) {
    return r.stats().endpoints().stream().filter(e -> e.errors().containsKey(kind))
      .map(e -> e.name() + " " + e.errors().get(kind)).collect(Collectors.joining(", "));
  }

  private static String cacheBreakdown(EndpointSnapshot all) {
    long answered = all.cacheAnswered();
    if (answered == 0) {
      return " (no X-Cache header seen)";
    }
    return all.cache().entrySet().stream().filter(e -> !e.getKey().equals("none"))
      .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
      .map(e -> String.format(Locale.ROOT, "%s %.1f %%", e.getKey(), 100.0 * e.getValue() / answered))
      .collect(Collectors.joining(", ", " (", ")"))
      + (all.cacheCount(CacheOutcome.NONE) > 0 ? ", " + all.cacheCount(CacheOutcome.NONE) + " without X-Cache" : "");
  }

  static String pct(Double v, int decimals) {
    return v == null ? "-" : String.format(Locale.ROOT, "%." + decimals + "f %%", v);
  }

  static String bytes(long b) {
    if (b >= 10L << 20) {
      return String.format(Locale.ROOT, "%.1f MB", b / 1048576.0);
    }
    if (b >= 10L << 10) {
      return String.format(Locale.ROOT, "%.1f kB", b / 1024.0);
    }
    return b + " B";
  }
}
