package io.storedash.common;

import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DashboardQueryTest {

  private static final LocalDate OCT_1 = LocalDate.of(2026, 10, 1);
  private static final LocalDate OCT_30 = LocalDate.of(2026, 10, 30);

  @Test
  void canonicalFormOrdersParameters() {
    DashboardQuery a = DashboardQuery.of(QueryKind.PRODUCTS, "S001", OCT_1, OCT_30, Map.of("sort", "revenue", "page", "2"));
    DashboardQuery b = DashboardQuery.of(QueryKind.PRODUCTS, "S001", OCT_1, OCT_30, Map.of("page", "2", "sort", "revenue"));
    assertThat(a.canonical()).isEqualTo("products|S001|2026-10-01|2026-10-30|page=2&size=20&sort=revenue");
    assertThat(a).isEqualTo(b);
    assertThat(a.hashCode()).isEqualTo(b.hashCode());
  }

  @Test
  void defaultParametersAreFilledIn() {
    assertThat(DashboardQuery.of(QueryKind.ORDERS, "S001", null, null).canonical()).isEqualTo("orders|S001|-|-|page=1&size=50");
    assertThat(DashboardQuery.of(QueryKind.RANKING, "all", null, null, Map.of("metric", "profit")).param("metric", null)).isEqualTo("profit");
  }

  @Test
  void absentRangeIsPartOfTheCanonicalForm() {
    assertThat(DashboardQuery.of(QueryKind.OVERVIEW, "all", null, null).canonical()).isEqualTo("overview|all|-|-|");
  }

  @Test
  void jsonRoundTripKeepsEverything() {
    DashboardQuery q = DashboardQuery.of(QueryKind.ORDERS, "S-7", OCT_1, OCT_30, Map.of("page", "3", "size", "50"));
    DashboardQuery back = DashboardQuery.fromJson(q.toJson());
    assertThat(back.canonical()).isEqualTo(q.canonical());
    assertThat(back.from()).isEqualTo(OCT_1);
    assertThat(back.param("size", "20")).isEqualTo("50");
  }

  @Test
  void storesAndRankingAlwaysCoverTheChain() {
    assertThat(DashboardQuery.of(QueryKind.RANKING, null, OCT_1, OCT_30).store()).isEqualTo("all");
  }

  @Test
  void badInputIsRefusedWithAReason() {
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.OVERVIEW, "S 1; DROP", null, null))
      .hasMessageContaining("store must be");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.OVERVIEW, "S001", OCT_30, OCT_1))
      .hasMessageContaining("is after");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.OVERVIEW, "S001", OCT_1.minusDays(400), OCT_1))
      .hasMessageContaining("401 days");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.OVERVIEW, "S001", OCT_1, null))
      .hasMessageContaining("together");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.DIAGNOSIS, "all", null, null))
      .hasMessageContaining("single store");
    assertThatThrownBy(() -> DashboardQuery.fromJson(new io.vertx.core.json.JsonObject().put("kind", "nope")))
      .hasMessageContaining("unknown query kind");
    assertThatThrownBy(() -> DashboardQuery.parseDay("from", "2026-13-01"))
      .hasMessageContaining("from must be a date");
  }

  @Test
  void parametersAreCheckedPerKind() {
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.PRODUCTS, "S001", null, null, Map.of("sort", "price")))
      .hasMessageContaining("sort must be one of [revenue, quantity, gross_profit, gross_margin, orders], got 'price'");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.PRODUCTS, "S001", null, null, Map.of("size", "500")))
      .hasMessageContaining("size must be a whole number from 1 to 200, got 500");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.ORDERS, "S001", null, null, Map.of("page", "0")))
      .hasMessageContaining("page must be");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.RANKING, "all", null, null, Map.of("metric", "x")))
      .hasMessageContaining("metric must be one of");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.OVERVIEW, "S001", null, null, Map.of("sort", "revenue")))
      .hasMessageContaining("overview takes no parameter 'sort'");
    assertThat(DashboardQuery.of(QueryKind.ORDERS, "S001", null, null, Map.of("size", "500")).param("size", null)).isEqualTo("500");
  }

  @Test
  void aRangeOf366DaysIsAllowed() {
    assertThat(DashboardQuery.of(QueryKind.TREND, "S001", OCT_1.minusDays(365), OCT_1).from()).isEqualTo(OCT_1.minusDays(365));
  }
}
