package io.storedash.cache.tier;

import io.storedash.common.testing.Eventually;
import io.storedash.common.testing.ManualClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class HotspotTierTest {

  private final ManualClock clock = new ManualClock();

  private static Entry entry(int bytes) {
    return new Entry(1_700_000_000_000L, 1, new byte[bytes]);
  }

  @Test
  void anEntryPutIsGotUntilTheTierTtlHasPassed() {
    HotspotTier tier = new HotspotTier(1_000_000, Duration.ofSeconds(30), clock);
    Entry entry = entry(100);
    tier.put("sd:L2:overview", entry);
    assertThat(tier.get("sd:L2:overview")).isSameAs(entry);
    assertThat(tier.get("sd:L2:trend")).isNull();
    clock.advance(Duration.ofMillis(29_999));
    assertThat(tier.get("sd:L2:overview")).isSameAs(entry);
    clock.advance(Duration.ofMillis(1));
    assertThat(tier.get("sd:L2:overview")).isNull();
  }

  @Test
  void aBoundOfZeroBytesTurnsTheTierOff() {
    HotspotTier off = new HotspotTier(0, Duration.ofSeconds(30), clock);
    off.put("sd:L2:overview", entry(100));
    assertThat(off.get("sd:L2:overview")).isNull();
    assertThat(off.entries()).isZero();
  }

  @Test
  void dropRemovesTheMatchingEntriesOnly() {
    HotspotTier tier = new HotspotTier(1_000_000, Duration.ofSeconds(30), clock);
    tier.put("sd:L2:{S001}:overview", entry(10));
    tier.put("sd:L2:{S001}:trend", entry(10));
    tier.put("sd:L2:{S002}:overview", entry(10));
    tier.drop(key -> key.contains("{S001}"));
    assertThat(tier.get("sd:L2:{S001}:overview")).isNull();
    assertThat(tier.get("sd:L2:{S001}:trend")).isNull();
    assertThat(tier.get("sd:L2:{S002}:overview")).isNotNull();
    assertThat(tier.entries()).isEqualTo(1);
  }

  @Test
  void theTierCountsItsEntriesAndTheirBytes() {
    HotspotTier tier = new HotspotTier(1_000_000, Duration.ofSeconds(30), clock);
    tier.put("k1", entry(100));
    tier.put("k2", entry(200));
    assertThat(tier.entries()).isEqualTo(2);
    // An entry weighs its gzip bytes, 64 bytes of bookkeeping and its key; Caffeine adds up the weights after the put.
    long expected = (100 + 64 + 2) + (200 + 64 + 2);
    assertThat(Eventually.poll(Duration.ofSeconds(5), tier::bytes, bytes -> bytes == expected)).isEqualTo(expected);
  }

  @Test
  void pastItsBoundInBytesTheTierEvicts() {
    HotspotTier tier = new HotspotTier(10_000, Duration.ofSeconds(30), clock);
    for (int i = 0; i < 50; i++) {
      tier.put("k" + i, entry(1_000));
    }
    // Caffeine weighs and evicts in its maintenance, after the puts: until then the bytes may read 0.
    assertThat(Eventually.until(Duration.ofSeconds(5), () -> tier.evictions() >= 41 && tier.bytes() > 0)).isTrue();
    assertThat(tier.bytes()).isLessThanOrEqualTo(10_000);
    assertThat(tier.entries()).isLessThanOrEqualTo(9);
  }
}
