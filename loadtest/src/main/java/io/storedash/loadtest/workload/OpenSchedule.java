package io.storedash.loadtest.workload;

/**
 * The open model's timetable: request i is due at start + i * interval, whatever happened to the requests before it.
 * Latency is measured from that intended time, so a server stall that holds back sending still shows in the
 * percentiles (no coordinated omission, as in wrk2). Times are in nanoseconds on the {@link System#nanoTime()} scale.
 */
public final class OpenSchedule {

  private final long start;
  private final double intervalNanos;

  public OpenSchedule(long startNanos, double intervalNanos) {
    if (!(intervalNanos > 0)) {
      throw new IllegalArgumentException("the interval between requests must be above 0 ns, got " + intervalNanos);
    }
    this.start = startNanos;
    this.intervalNanos = intervalNanos;
  }

  /**
   * The share of a schedule at {@code ratePerSecond} that one of {@code shares} senders runs: sender j sends requests
   * j, j + shares, j + 2·shares, ... of the whole timetable, so the senders together keep the exact overall rate.
   */
  public static OpenSchedule share(long startNanos, double ratePerSecond, int shareIndex, int shares) {
    if (shares < 1 || shareIndex < 0 || shareIndex >= shares) {
      throw new IllegalArgumentException("share " + shareIndex + " of " + shares + " does not exist");
    }
    double overall = 1e9 / ratePerSecond;
    return new OpenSchedule(startNanos + Math.round(shareIndex * overall), overall * shares);
  }

  public long start() {
    return start;
  }

  public double intervalNanos() {
    return intervalNanos;
  }

  /** When request i (0-based) is due. */
  public long intendedTime(long i) {
    return start + Math.round(i * intervalNanos);
  }

  /** How many requests are due at or before {@code nowNanos}. */
  public long dueBy(long nowNanos) {
    if (nowNanos < start) {
      return 0;
    }
    long n = (long) Math.floor((nowNanos - start) / intervalNanos) + 1;
    // Guard the rounding of intendedTime against the floor above.
    while (n > 0 && intendedTime(n - 1) > nowNanos) {
      n--;
    }
    while (intendedTime(n) <= nowNanos) {
      n++;
    }
    return n;
  }

  /** How many requests are due strictly before {@code endNanos}: the whole timetable of a run that ends there. */
  public long dueBefore(long endNanos) {
    return dueBy(endNanos - 1);
  }
}
