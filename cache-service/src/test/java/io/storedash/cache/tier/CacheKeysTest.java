package io.storedash.cache.tier;

import io.storedash.common.DashboardQuery;
import io.storedash.common.QueryKind;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;

import static org.assertj.core.api.Assertions.assertThat;

class CacheKeysTest {

  @Test
  void everyKeyOfAStoreHasTheStoreAsItsSlotGroup() {
    DashboardQuery overview = DashboardQuery.of(QueryKind.OVERVIEW, "S001", LocalDate.of(2026, 10, 1), LocalDate.of(2026, 10, 30));
    DashboardQuery orders = DashboardQuery.of(QueryKind.ORDERS, "S001", null, null);
    assertThat(CacheKeys.slotGroup(CacheKeys.key(Tier.L2, overview, 7))).isEqualTo("S001");
    assertThat(CacheKeys.slotGroup(CacheKeys.key(Tier.L1, orders, 8))).isEqualTo("S001");
    assertThat(CacheKeys.slotGroup(CacheKeys.key(Tier.L2, DashboardQuery.of(QueryKind.RANKING, DashboardQuery.ALL_STORES, null, null), 9)))
      .isEqualTo(DashboardQuery.ALL_STORES);
  }

  @Test
  void slotGroupsFollowTheRedisClusterHashTagRule() {
    assertThat(CacheKeys.slotGroup("a{b}c{d}")).isEqualTo("b");
    assertThat(CacheKeys.slotGroup("a{}b{c}")).isEqualTo("a{}b{c}");
    assertThat(CacheKeys.slotGroup("a{b")).isEqualTo("a{b");
    assertThat(CacheKeys.slotGroup("plain")).isEqualTo("plain");
  }
}
