package io.storedash.loadtest.stats;

import org.HdrHistogram.Histogram;

/** The percentiles a report shows, in milliseconds, from a histogram of microseconds. */
public record LatencySummary(long count, double mean, double p50, double p90, double p99, double p999, double max) {

  public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0, 0, 0);

  public static LatencySummary of(Histogram micros) {
    if (micros == null || micros.getTotalCount() == 0) {
      return EMPTY;
    }
    return new LatencySummary(micros.getTotalCount(),
      micros.getMean() / 1000.0,
      micros.getValueAtPercentile(50) / 1000.0,
      micros.getValueAtPercentile(90) / 1000.0,
      micros.getValueAtPercentile(99) / 1000.0,
      micros.getValueAtPercentile(99.9) / 1000.0,
      micros.getMaxValue() / 1000.0);
  }
}
