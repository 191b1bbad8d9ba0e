package io.storedash.loadtest.report;

import io.storedash.loadtest.plan.LoadPlan;
import io.storedash.loadtest.slo.SloViolation;
import io.storedash.loadtest.stats.CacheOutcome;
import io.storedash.loadtest.stats.EndpointSnapshot;
import io.storedash.loadtest.stats.LatencySummary;
import io.storedash.loadtest.workload.Endpoint;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;

/** The machine-readable results ({@code --json}); snake_case like the StoreDash API. */
public final class JsonReport {

  private JsonReport() {
  }

  public static JsonObject of(LoadPlan plan, int storeCount, List<RunResult> results, int exitCode) {
    JsonArray endpoints = new JsonArray();
    for (Endpoint e : plan.mix().endpoints()) {
      endpoints.add(new JsonObject().put("name", e.name()).put("path", e.path().text()).put("weight", e.weight()));
    }
    JsonObject settings = new JsonObject()
      .put("levels", new JsonArray(plan.model() == LoadPlan.Model.CLOSED
        ? plan.levels().stream().map(l -> (Object) Math.round(l)).toList() : List.copyOf(plan.levels())))
      .put("warmup_ms", plan.warmup().toMillis())
      .put("duration_ms", plan.duration().toMillis())
      .put("timeout_ms", plan.timeout().toMillis())
      .put("think_ms", plan.think().toMillis())
      .put("ramp_ms", plan.ramp().toMillis())
      .put("max_outstanding", plan.model() == LoadPlan.Model.OPEN ? plan.maxOutstanding() : null)
      .put("zipf", plan.zipf())
      .put("stores", storeCount)
      .put("ranges", new JsonArray(plan.ranges().all().stream()
        .map(r -> r.from() == null ? "default" : r.from() + ".." + r.to()).toList()))
      .put("accept_gzip", plan.acceptGzip())
      .put("headers", new JsonArray(plan.headers().stream().map(h -> h.getKey()).toList()))
      .put("seed", plan.seed())
      .put("event_loops", plan.eventLoops())
      .put("endpoints", endpoints);

    JsonArray runs = new JsonArray();
    JsonArray allViolations = new JsonArray();
    for (RunResult r : results) {
      JsonArray rows = new JsonArray();
      r.stats().endpoints().forEach(e -> rows.add(endpoint(e)));
      JsonArray violations = new JsonArray();
      for (SloViolation v : r.violations()) {
        JsonObject vj = new JsonObject().put("run", v.run()).put("objective", v.objective()).put("message", v.message());
        violations.add(vj);
        allViolations.add(vj);
      }
      JsonObject run = new JsonObject()
        .put("run", r.index() + 1)
        .put("label", r.label())
        .put("model", r.model().name().toLowerCase())
        .put(r.model() == LoadPlan.Model.CLOSED ? "users" : "rate_per_s",
          r.model() == LoadPlan.Model.CLOSED ? (Object) (int) Math.round(r.level()) : (Object) r.level())
        .put("measured_s", r.measured().toMillis() / 1000.0)
        .put("throughput_rps", round(r.throughput(), 2))
        .put("success_rps", round(r.successThroughput(), 2))
        .put("overall", endpoint(r.stats().overall()))
        .put("warmup", new JsonObject()
          .put("requests", r.warmup().requests())
          .put("successes", r.warmup().successes())
          .put("errors", new JsonObject(new LinkedHashMap<>(r.warmup().errors()))))
        .put("endpoints", rows)
        .put("tool", tool(r.tool()))
        .put("failovers", r.failovers())
        .put("timeline", timeline(r))
        .put("slo", new JsonObject().put("passed", r.violations().isEmpty()).put("violations", violations));
      runs.add(run);
    }
    JsonObject objectives = new JsonObject()
      .put("max_p99_ms", plan.slo().maxP99() == null ? null : plan.slo().maxP99().toNanos() / 1e6)
      .put("min_success_percent", plan.slo().minSuccessPercent())
      .put("min_hit_rate_percent", plan.slo().minHitRatePercent());
    return new JsonObject()
      .put("tool", "storedash-loadtest")
      .put("version", JsonReport.class.getPackage().getImplementationVersion())
      .put("target", plan.target().toString())
      .put("targets", new JsonArray(plan.targets().stream().map(Object::toString).toList()))
      .put("model", plan.model().name().toLowerCase())
      .put("settings", settings)
      .put("runs", runs)
      .put("slo", new JsonObject()
        .put("checked", !plan.slo().isEmpty())
        .put("passed", allViolations.isEmpty())
        .put("objectives", objectives)
        .put("violations", allViolations))
      .put("exit_code", exitCode);
  }

  static JsonObject endpoint(EndpointSnapshot e) {
    JsonObject cache = new JsonObject()
      .put("hits", e.cacheCount(CacheOutcome.HIT))
      .put("misses", e.cacheCount(CacheOutcome.MISS))
      .put("stale", e.cacheCount(CacheOutcome.STALE))
      .put("bypass", e.cacheCount(CacheOutcome.BYPASS))
      .put("other", e.cacheCount(CacheOutcome.OTHER))
      .put("without_header", e.cacheCount(CacheOutcome.NONE))
      .put("hit_rate_percent", round(e.hitRatePercent(), 3))
      .put("by_value", new JsonObject(new LinkedHashMap<>(e.cache())));
    return new JsonObject()
      .put("name", e.name())
      .put("requests", e.requests())
      .put("successes", e.successes())
      .put("success_percent", round(e.successPercent(), 4))
      .put("errors", new JsonObject(new LinkedHashMap<>(e.errors())))
      .put("cache", cache)
      .put("bytes", e.bytes())
      .put("gzip_responses", e.gzipResponses())
      .put("latency_ms", latency(e.latencySummary()))
      .put("service_time_ms", latency(e.serviceTimeSummary()));
  }

  static JsonObject latency(LatencySummary s) {
    return new JsonObject()
      .put("count", s.count())
      .put("mean", round(s.mean(), 3))
      .put("p50", s.p50())
      .put("p90", s.p90())
      .put("p99", s.p99())
      .put("p99_9", s.p999())
      .put("max", s.max());
  }

  static JsonObject tool(ToolFigures t) {
    return new JsonObject()
      .put("event_loops", t.eventLoops())
      .put("drivers", t.drivers())
      .put("busiest_loop_percent", round(t.busiestLoopPercent(), 1))
      .put("available_processors", t.availableProcessors())
      .put("cpu_cores_avg", round(t.cpuCoresAvg(), 3))
      .put("cpu_cores_max", round(t.cpuCoresMax(), 3))
      .put("machine_cpu_percent_avg", round(t.machineCpuPercentAvg(), 1))
      .put("loop_lag_ms", latency(t.loopLag()))
      .put("send_lag_ms", latency(t.sendLag()))
      .put("looks_saturated", t.looksSaturated())
      .put("connections_opened", t.connectionsOpened())
      .put("connections_closed", t.connectionsClosed());
  }

  private static Double round(Double v, int decimals) {
    if (v == null || v.isNaN() || v.isInfinite()) {
      return null;
    }
    double f = Math.pow(10, decimals);
    return Math.round(v * f) / f;
  }

  private static JsonArray timeline(RunResult r) {
    JsonArray seconds = new JsonArray();
    for (TimelinePoint p : r.timeline()) {
      seconds.add(new JsonObject().put("s", p.second()).put("phase", p.phase()).put("requests", p.requests())
        .put("successes", p.successes()).put("p99_ms", round(p.p99Millis(), 2))
        .put("errors", new JsonObject(new LinkedHashMap<>(p.errors()))));
    }
    return seconds;
  }
}
