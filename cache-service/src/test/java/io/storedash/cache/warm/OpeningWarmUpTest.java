package io.storedash.cache.warm;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;

import static org.assertj.core.api.Assertions.assertThat;

/** The morning warm-up runs at ACTIONS_WARM_AT in TIMEZONE: today's when still ahead, else tomorrow's. */
class OpeningWarmUpTest {

  private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
  private static final LocalTime HALF_PAST_SEVEN = LocalTime.of(7, 30);

  @Test
  void theNextWarmUpIsTodaysWhenStillAheadElseTomorrows() {
    // 06:00 in Shanghai is 22:00 UTC the day before.
    assertThat(OpeningWarmUp.delayUntilNext(HALF_PAST_SEVEN, SHANGHAI, Instant.parse("2026-12-02T22:00:00Z")))
      .isEqualTo(Duration.ofMinutes(90));
    assertThat(OpeningWarmUp.delayUntilNext(HALF_PAST_SEVEN, SHANGHAI, Instant.parse("2026-12-02T23:30:00Z")))
      .as("exactly at 07:30: the next is tomorrow's").isEqualTo(Duration.ofHours(24));
    assertThat(OpeningWarmUp.delayUntilNext(HALF_PAST_SEVEN, SHANGHAI, Instant.parse("2026-12-03T01:00:00Z")))
      .isEqualTo(Duration.ofHours(22).plusMinutes(30));
  }
}
