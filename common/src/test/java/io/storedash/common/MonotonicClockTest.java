package io.storedash.common;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class MonotonicClockTest {

  @Test
  void startsAtTheWallClockAndNeverGoesBackwards() {
    long before = System.currentTimeMillis();
    Clock clock = MonotonicClock.create();
    long after = System.currentTimeMillis();
    assertThat(clock.millis()).isBetween(before, after + 1_000);
    long last = clock.millis();
    Instant lastInstant = clock.instant();
    for (int i = 0; i < 100_000; i++) {
      long now = clock.millis();
      Instant instant = clock.instant();
      assertThat(now).isGreaterThanOrEqualTo(last);
      assertThat(instant).isAfterOrEqualTo(lastInstant);
      last = now;
      lastInstant = instant;
    }
    long fromInstant = clock.instant().toEpochMilli();
    assertThat(clock.millis()).as("millis and instant tell the same time").isBetween(fromInstant, fromInstant + 1_000);
  }
}
