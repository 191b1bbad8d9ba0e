package io.storedash.monitor.cluster;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Request figures combined over the live gateway instances, from their heartbeat {@code stats.requests}
 * ({@code {"count_1m", "success_rate_1m", "p50_ms", "p99_ms", "max_ms", "rate_per_s"}}).
 *
 * <p>Counts and rates are summed; the success rate is weighted by each instance's count. Percentiles cannot be
 * merged exactly without the histograms, so p99 is the worst instance's p99 (an upper bound of the cluster's) and p50
 * is the count-weighted mean of the instances' p50 (an estimate, exact when the instances see the same
 * distribution); max is the largest. An instance that served no request adds nothing but its (zero) rate.
 */
public record GatewayTotals(int instances, int reporting, long count1m, Double successRate1m, Double p50Ms, Double p99Ms,
                            Double maxMs, Double ratePerS) {

  /** @param instanceStats the {@code stats} of each live gateway instance */
  public static GatewayTotals combine(List<JsonObject> instanceStats) {
    double count = 0;
    double successWeighted = 0;
    double successCount = 0;
    double p50Weighted = 0;
    double p50Count = 0;
    Double p99 = null;
    Double max = null;
    double rate = 0;
    boolean anyRate = false;
    int reporting = 0;
    for (JsonObject stats : instanceStats) {
      JsonObject requests = Figures.object(stats, "requests");
      if (requests == null) {
        continue;
      }
      reporting++;
      Double n = Figures.number(requests, "count_1m");
      double weight = n == null ? 0 : n;
      count += weight;
      Double success = Figures.number(requests, "success_rate_1m");
      if (success != null && weight > 0) {
        successWeighted += success * weight;
        successCount += weight;
      }
      Double p50 = Figures.number(requests, "p50_ms");
      if (p50 != null && weight > 0) {
        p50Weighted += p50 * weight;
        p50Count += weight;
      }
      Double instanceP99 = Figures.number(requests, "p99_ms");
      if (instanceP99 != null && weight > 0) {
        p99 = p99 == null ? instanceP99 : Math.max(p99, instanceP99);
      }
      Double instanceMax = Figures.number(requests, "max_ms");
      if (instanceMax != null && weight > 0) {
        max = max == null ? instanceMax : Math.max(max, instanceMax);
      }
      Double instanceRate = Figures.number(requests, "rate_per_s");
      if (instanceRate != null) {
        rate += instanceRate;
        anyRate = true;
      }
    }
    return new GatewayTotals(instanceStats.size(), reporting, (long) count,
      successCount > 0 ? Figures.round(successWeighted / successCount, 4) : null,
      p50Count > 0 ? Figures.round(p50Weighted / p50Count, 3) : null,
      p99 == null ? null : Figures.round(p99, 3),
      max == null ? null : Figures.round(max, 3),
      anyRate ? Figures.round(rate, 2) : null);
  }

  public JsonObject toJson() {
    return new JsonObject()
      .put("instances", instances)
      .put("reporting", reporting)
      .put("count_1m", count1m)
      .put("success_rate_1m", successRate1m)
      .put("p50_ms", p50Ms)
      .put("p99_ms", p99Ms)
      .put("max_ms", maxMs)
      .put("rate_per_s", ratePerS);
  }
}
