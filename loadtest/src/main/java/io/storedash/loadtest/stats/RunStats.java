package io.storedash.loadtest.stats;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Collects the outcome of every measured request. Writers (one per event loop) record without locks: HdrHistogram
 * {@link Recorder}s and {@link LongAdder}s. One reader at a time takes {@link #interval()} for the progress line and
 * {@link #snapshot()} for the report; both drain the recorders into cumulative histograms.
 */
public final class RunStats {

  /** Distinct X-Cache values counted separately; more would only mean a misbehaving server. */
  private static final int MAX_CACHE_KEYS = 32;

  private final Map<String, EndpointStats> endpoints;

  public RunStats(Collection<String> endpointNames) {
    Map<String, EndpointStats> map = new LinkedHashMap<>();
    for (String name : endpointNames) {
      map.put(name, new EndpointStats(name));
    }
    endpoints = Collections.unmodifiableMap(map);
  }

  static Histogram newHistogram() {
    Histogram h = new Histogram(3);
    h.setAutoResize(true);
    return h;
  }

  /** A response arrived (any status). 2xx and 3xx count as success; other statuses as {@code status_<code>}. */
  public void recordResponse(String endpoint, long latencyNanos, long serviceNanos, int status, String xCache,
                             long bytes, boolean gzip) {
    EndpointStats s = of(endpoint);
    s.requests.increment();
    if (status >= 200 && status < 400) {
      s.successes.increment();
    } else {
      s.count(s.errors, "status_" + status);
    }
    String cacheKey = CacheOutcome.countingKey(xCache);
    if (s.cache.size() >= MAX_CACHE_KEYS && !s.cache.containsKey(cacheKey)) {
      cacheKey = CacheOutcome.OTHER.name();
    }
    s.count(s.cache, cacheKey);
    s.bytes.add(bytes);
    if (gzip) {
      s.gzip.increment();
    }
    s.latency.recordValue(micros(latencyNanos));
    s.service.recordValue(micros(serviceNanos));
  }

  /**
   * A request ended without a response. A timeout has a latency (the user waited that long) and goes into the
   * histograms; a refused or broken connection, or a request never sent, has none: pass a negative latency.
   */
  public void recordFailure(String endpoint, String kind, long latencyNanos, long serviceNanos) {
    EndpointStats s = of(endpoint);
    s.requests.increment();
    s.count(s.errors, kind);
    if (latencyNanos >= 0) {
      s.latency.recordValue(micros(latencyNanos));
      s.service.recordValue(micros(Math.max(0, serviceNanos)));
    }
  }

  public synchronized Interval interval() {
    long requests = 0;
    long successes = 0;
    long hits = 0;
    long answered = 0;
    Map<String, Long> errors = new TreeMap<>();
    Histogram latency = newHistogram();
    for (EndpointStats s : endpoints.values()) {
      Histogram fresh = s.drain();
      latency.add(fresh);
      long r = s.requests.sum();
      long ok = s.successes.sum();
      requests += r - s.lastRequests;
      successes += ok - s.lastSuccesses;
      s.lastRequests = r;
      s.lastSuccesses = ok;
      for (Map.Entry<String, LongAdder> e : s.errors.entrySet()) {
        long now = e.getValue().sum();
        long delta = now - s.lastErrors.getOrDefault(e.getKey(), 0L);
        s.lastErrors.put(e.getKey(), now);
        if (delta > 0) {
          errors.merge(e.getKey(), delta, Long::sum);
        }
      }
      for (Map.Entry<String, LongAdder> e : s.cache.entrySet()) {
        long now = e.getValue().sum();
        long delta = now - s.lastCache.getOrDefault(e.getKey(), 0L);
        s.lastCache.put(e.getKey(), now);
        if (!e.getKey().equals("none")) {
          answered += delta;
          if (CacheOutcome.of(e.getKey()) == CacheOutcome.HIT) {
            hits += delta;
          }
        }
      }
    }
    return new Interval(requests, successes, errors, hits, answered, LatencySummary.of(latency));
  }

  public synchronized StatsSnapshot snapshot() {
    List<EndpointSnapshot> rows = new ArrayList<>();
    for (EndpointStats s : endpoints.values()) {
      s.drain();
      rows.add(new EndpointSnapshot(s.name, s.requests.sum(), s.successes.sum(), sums(s.errors), sums(s.cache),
        s.bytes.sum(), s.gzip.sum(), s.cumulativeLatency.copy(), s.cumulativeService.copy()));
    }
    return new StatsSnapshot(List.copyOf(rows), EndpointSnapshot.sum("all", rows));
  }

  private EndpointStats of(String endpoint) {
    EndpointStats s = endpoints.get(endpoint);
    if (s == null) {
      throw new IllegalArgumentException("endpoint " + endpoint + " is not part of this run's mix");
    }
    return s;
  }

  private static long micros(long nanos) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMicros(nanos));
  }

  private static Map<String, Long> sums(Map<String, LongAdder> counters) {
    Map<String, Long> out = new TreeMap<>();
    counters.forEach((k, v) -> {
      long n = v.sum();
      if (n > 0) {
        out.put(k, n);
      }
    });
    return out;
  }

  private static final class EndpointStats {
    final String name;
    final LongAdder requests = new LongAdder();
    final LongAdder successes = new LongAdder();
    final LongAdder bytes = new LongAdder();
    final LongAdder gzip = new LongAdder();
    final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    final Map<String, LongAdder> cache = new ConcurrentHashMap<>();
    final Recorder latency = new Recorder(3);
    final Recorder service = new Recorder(3);
    // Reader-side state, guarded by the RunStats monitor.
    final Histogram cumulativeLatency = newHistogram();
    final Histogram cumulativeService = newHistogram();
    Histogram recycleLatency;
    Histogram recycleService;
    long lastRequests;
    long lastSuccesses;
    final Map<String, Long> lastErrors = new TreeMap<>();
    final Map<String, Long> lastCache = new TreeMap<>();

    EndpointStats(String name) {
      this.name = name;
    }

    void count(Map<String, LongAdder> counters, String key) {
      counters.computeIfAbsent(key, k -> new LongAdder()).increment();
    }

    /** Moves what was recorded since the last drain into the cumulative histograms; returns that latency part. */
    Histogram drain() {
      recycleLatency = latency.getIntervalHistogram(recycleLatency);
      recycleService = service.getIntervalHistogram(recycleService);
      cumulativeLatency.add(recycleLatency);
      cumulativeService.add(recycleService);
      return recycleLatency;
    }
  }
}
