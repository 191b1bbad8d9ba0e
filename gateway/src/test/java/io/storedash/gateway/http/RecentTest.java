package io.storedash.gateway.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The hit path's memory of recent work: bounded by weight, the least recently used entry first out. */
class RecentTest {

  @Test
  void keepsTheRecentlyUsedWithinItsWeight() {
    Recent<String, String> recent = new Recent<>(10, String::length);
    recent.put("a", "xxxx");
    recent.put("b", "xxxx");
    assertThat(recent.get("a")).isEqualTo("xxxx");
    // 12 > 10: b, the least recently used, goes.
    recent.put("c", "xxxx");
    assertThat(recent.get("b")).isNull();
    assertThat(recent.get("a")).isNotNull();
    assertThat(recent.get("c")).isNotNull();
    // Heavier than the whole bound: not kept, nothing evicted for it.
    recent.put("huge", "x".repeat(11));
    assertThat(recent.get("huge")).isNull();
    assertThat(recent.size()).isEqualTo(2);
    // Replacing an entry counts its new weight only.
    recent.put("a", "xx");
    recent.put("d", "xxxx");
    assertThat(recent.size()).isEqualTo(3);
  }

  @Test
  void aFloodOfUniqueKeysStaysBounded() {
    Recent<String, Integer> recent = new Recent<>(4096, v -> 1);
    for (int i = 0; i < 100_000; i++) {
      recent.put("/api/v1/stores/S001/overview?from=2026-01-01&to=2026-01-" + i, i);
    }
    assertThat(recent.size()).isEqualTo(4096);
  }
}
