package io.storedash.cache.warm;

import io.storedash.common.DashboardQuery;
import io.storedash.common.QueryKind;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The warm-up puts into the cache the first pages the dashboard page asks for ({@code gateway/.../webroot/js/app.js}:
 * diagnosis 50 a page, ranking 100, products 20 by revenue, orders 50), so the first view of a large store is a hit.
 */
class WarmerQueriesTest {

  @Test
  void theWarmUpHoldsTheFirstPagesThePageAsksFor() {
    assertThat(Warmer.storeQueries("S001")).contains(
      DashboardQuery.of(QueryKind.DIAGNOSIS, "S001", null, null, Map.of("page", "1", "size", "50")),
      DashboardQuery.of(QueryKind.PRODUCTS, "S001", null, null, Map.of("sort", "revenue", "page", "1", "size", "20")),
      DashboardQuery.of(QueryKind.ORDERS, "S001", null, null, Map.of("page", "1", "size", "50")));
    assertThat(Warmer.chainQueries()).contains(
      DashboardQuery.of(QueryKind.RANKING, "all", null, null, Map.of("metric", "revenue", "page", "1", "size", "100")));
    // One entry per view: a diagnosis narrowed to a quadrant or flag, or another page, is not warmed.
    assertThat(Warmer.storeQueries("S001").stream().filter(q -> q.kind() == QueryKind.DIAGNOSIS)).hasSize(1);
    assertThat(Warmer.storeQueries("S001").stream().filter(q -> q.kind() == QueryKind.DIAGNOSIS).findFirst().orElseThrow()
      .canonical()).isEqualTo("diagnosis|S001|-|-|page=1&size=50");
  }
}
