package io.storedash.common;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock for measuring how long something has lasted (an open circuit, a snapshot's age, an expiry): it starts at the
 * wall-clock time of its creation and then advances with {@link System#nanoTime()}, so stepping the system clock
 * (NTP, a VM resumed) never makes a duration jump or go backwards. Time stamps that other processes read (cache
 * entries in Redis) use the system clock instead. Tests pass a clock they move by hand.
 */
public final class MonotonicClock extends Clock {

  private final long originMillis;
  private final long originNanos;

  private MonotonicClock(long originMillis, long originNanos) {
    this.originMillis = originMillis;
    this.originNanos = originNanos;
  }

  public static Clock create() {
    return new MonotonicClock(System.currentTimeMillis(), System.nanoTime());
  }

  @Override
  public long millis() {
    return originMillis + (System.nanoTime() - originNanos) / 1_000_000;
  }

  @Override
  public Instant instant() {
    long elapsed = System.nanoTime() - originNanos;
    return Instant.ofEpochMilli(originMillis).plusNanos(elapsed);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    if (zone.equals(ZoneOffset.UTC)) {
      return this;
    }
    throw new UnsupportedOperationException("a monotonic clock measures durations; it has no time zone but UTC");
  }
}
