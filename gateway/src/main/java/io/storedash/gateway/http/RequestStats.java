package io.storedash.gateway.http;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Request count, success rate and latency percentiles of the gateway over the last minute: six 10-second
 * HdrHistogram intervals, rotated by {@link #rotate()}. Recording is lock-free and safe from any event loop.
 */
public final class RequestStats {

  private static final int INTERVALS = 6;
  private static final long HIGHEST_MICROS = 60_000_000L;

  private final Recorder recorder = new Recorder(HIGHEST_MICROS, 3);
  private final AtomicLong failures = new AtomicLong();
  private final Deque<Interval> intervals = new ArrayDeque<>();
  private long intervalStartedAt = System.nanoTime();

  private record Interval(Histogram histogram, long failures, long nanos) {
  }

  /**
   * @param micros  time from request to response
   * @param success false for a 5xx answer (4xx are the client's errors, not ours)
   */
  public void record(long micros, boolean success) {
    recorder.recordValue(Math.min(Math.max(micros, 0), HIGHEST_MICROS));
    if (!success) {
      failures.incrementAndGet();
    }
  }

  /** Closes the current 10-second interval; call every 10 s. */
  public synchronized void rotate() {
    long now = System.nanoTime();
    intervals.addLast(new Interval(recorder.getIntervalHistogram(), failures.getAndSet(0), now - intervalStartedAt));
    intervalStartedAt = now;
    while (intervals.size() > INTERVALS) {
      intervals.removeFirst();
    }
  }

  /** {@code {count_1m, success_rate_1m, rate_per_s, p50_ms, p99_ms, max_ms}} over the closed intervals. */
  public synchronized JsonObject lastMinute() {
    Histogram total = new Histogram(HIGHEST_MICROS, 3);
    long failed = 0;
    long nanos = 0;
    for (Interval interval : intervals) {
      total.add(interval.histogram());
      failed += interval.failures();
      nanos += interval.nanos();
    }
    long count = total.getTotalCount();
    JsonObject json = new JsonObject().put("count_1m", count);
    json.put("success_rate_1m", count == 0 ? null : round((count - failed) / (double) count, 4));
    json.put("rate_per_s", nanos == 0 ? 0.0 : round(count / (nanos / 1e9), 2));
    json.put("p50_ms", count == 0 ? null : round(total.getValueAtPercentile(50) / 1000.0, 3));
    json.put("p99_ms", count == 0 ? null : round(total.getValueAtPercentile(99) / 1000.0, 3));
    json.put("max_ms", count == 0 ? null : round(total.getMaxValue() / 1000.0, 3));
    return json;
  }

  private static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }
}
