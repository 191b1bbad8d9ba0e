package io.storedash.cache.warm;

import io.storedash.common.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class StoreHeatTest {

  private static final Duration HALF_LIFE = Duration.ofHours(1);
  private final ManualClock clock = new ManualClock();
  private final StoreHeat heat = new StoreHeat(HALF_LIFE.toMillis(), clock);

  @Test
  void aStoreNobodyLookedAtIsCold() {
    assertThat(heat.heat("S001")).isZero();
  }

  @Test
  void everyLookAddsOneAndTheSumHalvesEveryHalfLife() {
    heat.touch("S001");
    heat.touch("S001");
    heat.touch("S001");
    heat.touch("S001");
    assertThat(heat.heat("S001")).isEqualTo(4.0);
    clock.advance(HALF_LIFE);
    assertThat(heat.heat("S001")).isCloseTo(2.0, within(1e-9));
    heat.touch("S001");
    assertThat(heat.heat("S001")).isCloseTo(3.0, within(1e-9));
    clock.advance(HALF_LIFE.multipliedBy(2));
    assertThat(heat.heat("S001")).isCloseTo(0.75, within(1e-9));
  }

  @Test
  void storesLookedAtNowRankAboveThoseLookedAtMoreButLongAgo() {
    for (int i = 0; i < 10; i++) {
      heat.touch("S001");
    }
    clock.advance(HALF_LIFE.multipliedBy(4));
    for (int i = 0; i < 2; i++) {
      heat.touch("S002");
    }
    // S001: 10 / 16 = 0.625 now, below S002's 2.
    assertThat(heat.rank(List.of("S001", "S002", "S003"))).containsExactly("S002", "S001", "S003");
  }

  @Test
  void storesNeverLookedAtKeepTheirOrderAfterTheOthers() {
    heat.touch("S004");
    assertThat(heat.rank(List.of("S003", "S001", "S004", "S002"))).containsExactly("S004", "S003", "S001", "S002");
  }

  @Test
  void theHotSetIsTheFractionRoundedUpAndAtLeastOneStore() {
    assertThat(StoreHeat.hotCount(0, 0.2)).isZero();
    assertThat(StoreHeat.hotCount(1, 0.2)).isEqualTo(1);
    assertThat(StoreHeat.hotCount(10, 0.2)).isEqualTo(2);
    assertThat(StoreHeat.hotCount(11, 0.2)).isEqualTo(3);
    assertThat(StoreHeat.hotCount(10, 0.0)).isEqualTo(1);
  }
}
