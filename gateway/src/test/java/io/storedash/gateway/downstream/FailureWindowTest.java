package io.storedash.gateway.downstream;

import io.storedash.common.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class FailureWindowTest {

  private final ManualClock clock = new ManualClock(Instant.ofEpochMilli(1_700_000_000_000L));
  private final FailureWindow window = new FailureWindow(Duration.ofSeconds(10), 5, 80, clock);

  private boolean record(boolean failed) {
    return window.record(failed);
  }

  @Test
  void fiveFailuresAndNothingElseSayFailing() {
    for (int i = 0; i < 4; i++) {
      assertThat(record(true)).as("failure %d", i + 1).isFalse();
    }
    assertThat(record(true)).isTrue();
  }

  @Test
  void aBurstOfTimeoutsAmongAnswersIsNotFailing() {
    // One of two instances lost: the answers of the live one, then the timeouts of the lost one all at once.
    for (int second = 0; second < 10; second++, clock.advance(Duration.ofSeconds(1))) {
      for (int i = 0; i < 50; i++) {
        assertThat(record(false)).isFalse();
      }
      for (int i = 0; i < 50; i++) {
        assertThat(record(true)).as("second %d, timeout %d", second, i + 1).isFalse();
      }
    }
  }

  @Test
  void failuresThatOutweighTheAnswersSayFailing() {
    for (int i = 0; i < 10; i++) {
      record(false);
    }
    clock.advance(Duration.ofSeconds(3));
    int failures = 0;
    while (!record(true)) {
      failures++;
    }
    // 80 % of all outcomes: 40 failures against 10 answers.
    assertThat(failures + 1).isEqualTo(40);
  }

  @Test
  void outcomesOlderThanTheWindowAreForgotten() {
    for (int i = 0; i < 100; i++) {
      record(false);
    }
    clock.advance(Duration.ofSeconds(10));
    for (int i = 0; i < 4; i++) {
      assertThat(record(true)).isFalse();
    }
    assertThat(record(true)).as("the answers of 10 s ago no longer count").isTrue();
  }

  @Test
  void clearForgetsEverything() {
    for (int i = 0; i < 4; i++) {
      record(true);
    }
    window.clear();
    for (int i = 0; i < 4; i++) {
      assertThat(record(true)).isFalse();
    }
    assertThat(record(true)).isTrue();
  }
}
