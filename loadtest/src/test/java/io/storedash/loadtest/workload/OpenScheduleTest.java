package io.storedash.loadtest.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OpenScheduleTest {

  @Test
  void requestsAreDueOnTheTimetableNotWhenThePreviousEnded() {
    // 500/s: one request every 2 ms.
    OpenSchedule s = OpenSchedule.share(1_000_000_000L, 500, 0, 1);
    assertThat(s.intendedTime(0)).isEqualTo(1_000_000_000L);
    assertThat(s.intendedTime(1)).isEqualTo(1_002_000_000L);
    assertThat(s.intendedTime(500)).isEqualTo(2_000_000_000L);
    assertThat(s.dueBy(999_999_999L)).isZero();
    assertThat(s.dueBy(1_000_000_000L)).isEqualTo(1);
    assertThat(s.dueBy(1_001_999_999L)).isEqualTo(1);
    assertThat(s.dueBy(1_002_000_000L)).isEqualTo(2);
    // A sender that stalled for a second owes 500 more requests at once, each with its own intended time.
    assertThat(s.dueBy(2_000_000_000L)).isEqualTo(501);
    // A 10 s run at 500/s is exactly 5000 requests.
    assertThat(s.dueBefore(11_000_000_000L)).isEqualTo(5000);
  }

  @Test
  void fractionalIntervalsDoNotDrift() {
    OpenSchedule s = new OpenSchedule(0, 1e9 / 3); // 3/s
    assertThat(s.dueBefore(10_000_000_000L)).isEqualTo(30);
    assertThat(s.intendedTime(30)).isEqualTo(10_000_000_000L);
  }

  @Test
  void sharesTogetherReproduceTheWholeTimetable() {
    long start = 5_000;
    double rate = 700;
    OpenSchedule whole = OpenSchedule.share(start, rate, 0, 1);
    List<Long> merged = new ArrayList<>();
    int shares = 3;
    long end = start + 1_000_000_000L;
    for (int j = 0; j < shares; j++) {
      OpenSchedule share = OpenSchedule.share(start, rate, j, shares);
      for (long i = 0; i < share.dueBefore(end); i++) {
        merged.add(share.intendedTime(i));
      }
    }
    merged.sort(Long::compare);
    assertThat(merged).hasSize((int) whole.dueBefore(end)).hasSize(700);
    for (int i = 0; i < merged.size(); i++) {
      assertThat(Math.abs(merged.get(i) - whole.intendedTime(i))).isLessThanOrEqualTo(2);
    }
  }

  @Test
  void refusesImpossibleShares() {
    assertThatThrownBy(() -> OpenSchedule.share(0, 100, 2, 2)).hasMessageContaining("does not exist");
    assertThatThrownBy(() -> new OpenSchedule(0, 0)).hasMessageContaining("above 0");
  }
}
