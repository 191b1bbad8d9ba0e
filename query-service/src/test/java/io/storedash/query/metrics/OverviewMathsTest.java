package io.storedash.query.metrics;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The figures of the chain's standard from their sums, rounding, and 环比 as relative changes and points. */
class OverviewMathsTest {

  /** Cents, in {@link KpiTotals#COLUMNS} order. */
  private static final KpiTotals CURRENT = KpiTotals.of(new long[] {
    3, 1, 7, 9, 4350, 2810, 1540, 10, 155, 20, 900, 300, 100, 5650, 500, 150, 110, 0});
  private static final KpiTotals PREVIOUS = KpiTotals.of(new long[] {
    2, 0, 2, 2, 1300, 850, 450, 0, 30, 0, 400, 200, 0, 1800, 50, 0, 0, 0});

  @Test
  void figuresFollowTheirDefinitions() {
    assertThat(CURRENT.profit()).isEqualTo(1540 - 155 - 900 + 20);
    assertThat(CURRENT.deliveryNetCost()).isEqualTo(900 - (300 - 100) - 20);
    assertThat(Kpi.PROFIT.written(CURRENT)).isEqualTo(new BigDecimal("5.05"));
    assertThat(Kpi.AOV.written(CURRENT)).isEqualTo(new BigDecimal("14.50"));
    assertThat(Kpi.PROFIT_MARGIN.written(CURRENT)).isEqualTo(new BigDecimal("0.1161"));
    assertThat(Kpi.MARKETING_RATE.written(CURRENT)).isEqualTo(new BigDecimal("0.0885"));
    assertThat(Kpi.DELIVERY_NET_COST.written(CURRENT)).isEqualTo(new BigDecimal("6.80"));
    assertThat(Kpi.PROFIT_PER_ORDER.written(CURRENT)).isEqualTo(new BigDecimal("1.68"));
    assertThat(Kpi.MARKETING_PER_ORDER.written(CURRENT)).isEqualTo(new BigDecimal("1.67"));
    assertThat(Kpi.DELIVERY_PER_ORDER.written(CURRENT)).isEqualTo(new BigDecimal("2.27"));
    assertThat(Kpi.INVALID_ORDERS.written(CURRENT)).isEqualTo(1L);
    assertThat(Kpi.AOV.written(KpiTotals.ZERO)).isNull();
    assertThat(Kpi.MARKETING_RATE.written(KpiTotals.ZERO)).isNull();
  }

  @Test
  void moneyAndCountsChangeRelativelyRatiosInPoints() {
    assertThat(Kpi.ORDERS.change(CURRENT, PREVIOUS)).isEqualTo(Map.of("relative", new BigDecimal("0.5000")));
    assertThat(Kpi.REVENUE.change(CURRENT, PREVIOUS)).isEqualTo(Map.of("relative", new BigDecimal("2.3462")));
    // 0.116092 − 0.015385 = 0.100707 → 10.07 points.
    assertThat(Kpi.PROFIT_MARGIN.change(CURRENT, PREVIOUS)).isEqualTo(Map.of("points", new BigDecimal("10.07")));
    assertThat(Kpi.INVALID_ORDERS.change(CURRENT, PREVIOUS)).as("from 0: no relative change")
      .isEqualTo(java.util.Collections.singletonMap("relative", null));
    assertThat(Kpi.MARKETING_RATE.change(CURRENT, KpiTotals.ZERO)).isEqualTo(java.util.Collections.singletonMap("points", null));
  }

  /** A loss that shrinks is an improvement: the change is over the size of the previous value. */
  @Test
  void aShrinkingLossIsAPositiveChange() {
    assertThat(Kpi.relative(new BigDecimal("-1.00"), new BigDecimal("-4.00"))).isEqualTo(new BigDecimal("0.7500"));
    assertThat(Kpi.relative(new BigDecimal("-4.00"), new BigDecimal("-1.00"))).isEqualTo(new BigDecimal("-3.0000"));
  }

  @Test
  void theOverviewCarriesActiveProductsAndThePreviousRange() {
    DayRange range = new DayRange(LocalDate.of(2026, 11, 2), LocalDate.of(2026, 11, 2));
    Map<String, Object> map = new Overview("1001", range, CURRENT, PREVIOUS, 3, 2).toMap();
    assertThat(((Map<?, ?>) map.get("kpis")).get("active_products")).isEqualTo(3L);
    assertThat(((Map<?, ?>) map.get("previous")).get("from")).isEqualTo("2026-11-01");
    assertThat(((Map<?, ?>) map.get("change")).get("active_products")).isEqualTo(Map.of("relative", new BigDecimal("0.5000")));
  }
}
