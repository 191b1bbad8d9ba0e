package io.storedash.query.metrics;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OverviewMathsTest {

  // 2 orders, 5 items, revenue 39.00, cost 28.00, discount 3.00, delivery 6.00, platform 2.00, packaging 1.01.
  private static final KpiTotals CURRENT = new KpiTotals(2, 5, 3900, 2800, 4300, 300, 600, 200, 0, 101);
  // 1 order, 2 items, revenue 6.00, cost 4.00, delivery 5.00, platform 0.48, customer delivery 3.00, packaging 1.00.
  private static final KpiTotals PREVIOUS = new KpiTotals(1, 2, 600, 400, 600, 0, 500, 48, 300, 100);

  @Test
  void derivedMoneyFollowsTheDefinitions() {
    assertThat(CURRENT.grossProfit()).isEqualTo(1100);
    assertThat(CURRENT.netRevenue()).isEqualTo(3900 - 300 + 0 + 101);
    assertThat(CURRENT.profit()).isEqualTo(1100 - 300 - 200 - 600 + 0 + 101);
    assertThat(PREVIOUS.profit()).isEqualTo(200 - 0 - 48 - 500 + 300 + 100);
  }

  @Test
  void moneyHasTwoDecimalsAndRoundsHalfUpOnlyWhenWritten() {
    Map<String, Object> kpis = Overview.kpis(CURRENT);
    assertThat(kpis.get("orders")).isEqualTo(2L);
    assertThat(kpis.get("revenue")).isEqualTo(new BigDecimal("39.00"));
    assertThat(kpis.get("packaging_fee")).isEqualTo(new BigDecimal("1.01"));
    assertThat(kpis.get("net_revenue")).isEqualTo(new BigDecimal("37.01"));
    // 37.01 / 2 = 18.505: half-up gives 18.51 (half-even would give 18.50).
    assertThat(kpis.get("aov")).isEqualTo(new BigDecimal("18.51"));
    assertThat(kpis.get("gross_margin")).isEqualTo(new BigDecimal("0.2821"));
    assertThat(kpis.get("profit_margin")).isEqualTo(new BigDecimal("0.0259"));
    assertThat(kpis.get("discount_rate")).isEqualTo(new BigDecimal("0.0769"));
    assertThat(kpis.get("delivery_cost_ratio")).isEqualTo(new BigDecimal("0.1538"));
    assertThat(kpis.keySet()).containsExactly("orders", "items", "revenue", "gross_profit", "discount",
      "delivery_cost", "platform_fee", "customer_delivery_fee", "packaging_fee", "net_revenue", "profit", "aov",
      "gross_margin", "profit_margin", "discount_rate", "delivery_cost_ratio");
  }

  @Test
  void ratiosOverZeroAreNullAndZerosStayZeros() {
    Map<String, Object> kpis = Overview.kpis(KpiTotals.ZERO);
    assertThat(kpis.get("orders")).isEqualTo(0L);
    assertThat(kpis.get("revenue")).isEqualTo(new BigDecimal("0.00"));
    assertThat(kpis.get("aov")).isNull();
    assertThat(kpis.get("gross_margin")).isNull();
    assertThat(kpis.get("delivery_cost_ratio")).isNull();
  }

  @Test
  void changeIsRelativeToThePreviousExactValueAndNullOverZero() {
    assertThat(Kpi.ORDERS.change(CURRENT, PREVIOUS)).isEqualTo(new BigDecimal("1.0000"));
    assertThat(Kpi.PLATFORM_FEE.change(CURRENT, PREVIOUS)).isEqualTo(new BigDecimal("3.1667"));
    assertThat(Kpi.CUSTOMER_DELIVERY_FEE.change(CURRENT, PREVIOUS)).isEqualTo(new BigDecimal("-1.0000"));
    // From the exact 18.505, not from the written 18.51: 0.8505, not 0.8510.
    assertThat(Kpi.AOV.change(CURRENT, PREVIOUS)).isEqualTo(new BigDecimal("0.8505"));
    // (1100/3900 − 200/600) / (200/600) = −0.153846...
    assertThat(Kpi.GROSS_MARGIN.change(CURRENT, PREVIOUS)).isEqualTo(new BigDecimal("-0.1538"));
    assertThat(Kpi.DISCOUNT.change(CURRENT, PREVIOUS)).isNull();
    assertThat(Kpi.DISCOUNT_RATE.change(CURRENT, PREVIOUS)).isNull();
    assertThat(Kpi.AOV.change(KpiTotals.ZERO, PREVIOUS)).isNull();
  }

  @Test
  void thePreviousRangeHasEqualLengthAndEndsTheDayBefore() {
    DayRange range = new DayRange(LocalDate.of(2026, 3, 2), LocalDate.of(2026, 3, 3));
    assertThat(range.previous()).isEqualTo(new DayRange(LocalDate.of(2026, 2, 28), LocalDate.of(2026, 3, 1)));
    DayRange october = new DayRange(LocalDate.of(2026, 10, 1), LocalDate.of(2026, 10, 31));
    assertThat(october.previous()).isEqualTo(new DayRange(LocalDate.of(2026, 8, 31), LocalDate.of(2026, 9, 30)));
    assertThat(DayRange.ending(LocalDate.of(2026, 3, 4), 30))
      .isEqualTo(new DayRange(LocalDate.of(2026, 2, 3), LocalDate.of(2026, 3, 4)));
    assertThatThrownBy(() -> new DayRange(LocalDate.of(2026, 3, 4), LocalDate.of(2026, 3, 3)))
      .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void overviewMapHasTheContractShape() {
    DayRange range = new DayRange(LocalDate.of(2026, 3, 2), LocalDate.of(2026, 3, 3));
    Map<String, Object> map = new Overview("S001", range, CURRENT, PREVIOUS).toMap();
    assertThat(map.keySet()).containsExactly("store", "from", "to", "kpis", "previous", "change");
    @SuppressWarnings("unchecked")
    Map<String, Object> previous = (Map<String, Object>) map.get("previous");
    assertThat(previous).containsEntry("from", "2026-02-28").containsEntry("to", "2026-03-01")
      .containsEntry("orders", 1L).containsEntry("profit", new BigDecimal("0.52"));
  }
}
