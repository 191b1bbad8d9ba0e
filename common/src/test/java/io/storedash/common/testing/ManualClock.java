package io.storedash.common.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that stands still until a test moves it: what production code reads from its {@link Clock} then changes
 * only when the test says so, so a test of a TTL or a time window moves time instead of sleeping through it. Safe to
 * move from the test thread while an event loop reads it.
 */
public final class ManualClock extends Clock {

  private final AtomicReference<Instant> now;

  /** Starts at the current time, so that entries it stamps look like any other to a shared Redis. */
  public ManualClock() {
    this(Instant.now());
  }

  public ManualClock(Instant start) {
    this.now = new AtomicReference<>(start);
  }

  /** Moves the clock forward by {@code duration}. */
  public void advance(Duration duration) {
    now.updateAndGet(at -> at.plus(duration));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    if (ZoneOffset.UTC.equals(zone)) {
      return this;
    }
    throw new UnsupportedOperationException("a ManualClock is in UTC, as the services' clock is");
  }
}
