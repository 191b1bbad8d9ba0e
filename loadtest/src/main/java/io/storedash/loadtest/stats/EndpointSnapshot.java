package io.storedash.loadtest.stats;

import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * What one endpoint (or the whole run) did: counts, errors by kind ({@code status_500}, {@code timeout},
 * {@code connection_refused}, ...), {@code X-Cache} values, bytes received, and latency histograms in microseconds.
 * {@code latency} is measured from the intended send time (open model) or the send (closed model);
 * {@code serviceTime} always from the actual send.
 */
public record EndpointSnapshot(String name, long requests, long successes, Map<String, Long> errors,
                               Map<String, Long> cache, long bytes, long gzipResponses,
                               Histogram latency, Histogram serviceTime) {

  public long errorCount() {
    return errors.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Successes per request in percent; null before any request. */
  public Double successPercent() {
    return requests == 0 ? null : 100.0 * successes / requests;
  }

  public long cacheCount(CacheOutcome outcome) {
    return cache.entrySet().stream()
      .filter(e -> CacheOutcome.of(e.getKey().equals("none") ? null : e.getKey()) == outcome)
      .mapToLong(Map.Entry::getValue).sum();
  }

  /** Responses that carried an X-Cache header. */
  public long cacheAnswered() {
    return cache.entrySet().stream().filter(e -> !e.getKey().equals("none")).mapToLong(Map.Entry::getValue).sum();
  }

  /** Hits per response carrying X-Cache, in percent; null when no response carried one. */
  public Double hitRatePercent() {
    long answered = cacheAnswered();
    return answered == 0 ? null : 100.0 * cacheCount(CacheOutcome.HIT) / answered;
  }

  public LatencySummary latencySummary() {
    return LatencySummary.of(latency);
  }

  public LatencySummary serviceTimeSummary() {
    return LatencySummary.of(serviceTime);
  }

  /** Sums several endpoints into one row. */
  public static EndpointSnapshot sum(String name, Iterable<EndpointSnapshot> parts) {
    long requests = 0;
    long successes = 0;
    long bytes = 0;
    long gzip = 0;
    Map<String, Long> errors = new TreeMap<>();
    Map<String, Long> cache = new TreeMap<>();
    Histogram latency = RunStats.newHistogram();
    Histogram service = RunStats.newHistogram();
    for (EndpointSnapshot p : parts) {
      requests += p.requests;
      successes += p.successes;
      bytes += p.bytes;
      gzip += p.gzipResponses;
      p.errors.forEach((k, v) -> errors.merge(k, v, Long::sum));
      p.cache.forEach((k, v) -> cache.merge(k, v, Long::sum));
      latency.add(p.latency);
      service.add(p.serviceTime);
    }
    return new EndpointSnapshot(name, requests, successes, errors, cache, bytes, gzip, latency, service);
  }
}
