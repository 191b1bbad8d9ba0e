package io.storedash.cache.tier;

import io.storedash.common.QueryKind;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class TierPolicyTest {

  private static final long STORED_AT = 1_700_000_000_000L;
  private final TierPolicy policy = new TierPolicy(Duration.ofMinutes(1), Duration.ofMinutes(10), Duration.ofHours(1),
    Duration.ofSeconds(30), Duration.ofHours(2));
  private final Entry entry = new Entry(STORED_AT, 7, new byte[] {1, 2, 3});

  @Test
  void orderLinesGoToL1DiagnosisAndActionsToL3AndEveryOtherMetricToL2() {
    assertThat(policy.tierOf(QueryKind.ORDERS)).isEqualTo(Tier.L1);
    assertThat(policy.tierOf(QueryKind.DIAGNOSIS)).isEqualTo(Tier.L3);
    assertThat(policy.tierOf(QueryKind.ACTIONS)).isEqualTo(Tier.L3);
    assertThat(policy.tierOf(QueryKind.LOSING_PRODUCTS)).isEqualTo(Tier.L2);
    for (QueryKind kind : QueryKind.values()) {
      if (kind != QueryKind.ORDERS && kind != QueryKind.DIAGNOSIS && kind != QueryKind.ACTIONS) {
        assertThat(policy.tierOf(kind)).as(kind.name()).isEqualTo(Tier.L2);
      }
    }
  }

  @Test
  void eachTierHasItsOwnSoftTtlAndRedisKeepsEntriesFourTimesAsLong() {
    assertThat(policy.ttl(Tier.L1)).isEqualTo(Duration.ofMinutes(1));
    assertThat(policy.ttl(Tier.L2)).isEqualTo(Duration.ofMinutes(10));
    assertThat(policy.ttl(Tier.L3)).isEqualTo(Duration.ofHours(1));
    assertThat(policy.ttl(Tier.L4)).isEqualTo(Duration.ofSeconds(30));
    assertThat(policy.hardTtl(QueryKind.ORDERS)).isEqualTo(Duration.ofMinutes(4));
    assertThat(policy.hardTtl(QueryKind.OVERVIEW)).isEqualTo(Duration.ofMinutes(40));
    assertThat(policy.hardTtl(QueryKind.DIAGNOSIS)).isEqualTo(Duration.ofHours(4));
  }

  @Test
  void theActionListHasItsOwnSoftTtlInL3() {
    assertThat(policy.ttl(QueryKind.ACTIONS)).isEqualTo(Duration.ofHours(2));
    assertThat(policy.hardTtl(QueryKind.ACTIONS)).isEqualTo(Duration.ofHours(8));
    assertThat(policy.fresh(QueryKind.ACTIONS, entry, STORED_AT + Duration.ofHours(1).toMillis()))
      .as("past L3's hour, within its own two").isTrue();
    assertThat(policy.fresh(QueryKind.DIAGNOSIS, entry, STORED_AT + Duration.ofHours(1).toMillis())).isFalse();
  }

  @Test
  void anEntryIsFreshUntilItHasLivedItsTiersSoftTtl() {
    long oneMinute = Duration.ofMinutes(1).toMillis();
    assertThat(policy.fresh(QueryKind.ORDERS, entry, STORED_AT)).isTrue();
    assertThat(policy.fresh(QueryKind.ORDERS, entry, STORED_AT + oneMinute - 1)).isTrue();
    assertThat(policy.fresh(QueryKind.ORDERS, entry, STORED_AT + oneMinute)).isFalse();
    assertThat(policy.fresh(QueryKind.OVERVIEW, entry, STORED_AT + oneMinute)).as("L2 keeps it for 10 minutes").isTrue();
  }

  @Test
  void warmingRefreshesAnEntryOnceItHasLivedFourFifthsOfItsSoftTtl() {
    long fourFifths = Duration.ofMinutes(10).toMillis() * 4 / 5;
    assertThat(policy.dueForRefresh(QueryKind.OVERVIEW, entry, STORED_AT + fourFifths - 1)).isFalse();
    assertThat(policy.dueForRefresh(QueryKind.OVERVIEW, entry, STORED_AT + fourFifths)).isTrue();
    assertThat(policy.fresh(QueryKind.OVERVIEW, entry, STORED_AT + fourFifths)).as("still served as a hit meanwhile").isTrue();
  }
}
