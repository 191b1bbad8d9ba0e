package io.storedash.query.metrics;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class BreakdownMathsTest {

  private static final DayRange RANGE = new DayRange(LocalDate.of(2026, 3, 1), LocalDate.of(2026, 3, 3));

  @Test
  void ratiosRoundHalfUpAtTheEdgeAndAreNullOverZero() {
    assertThat(Figures.ratio(1, 3)).isEqualTo(new BigDecimal("0.3333"));
    assertThat(Figures.ratio(2, 3)).isEqualTo(new BigDecimal("0.6667"));
    assertThat(Figures.ratio(1, 8)).isEqualTo(new BigDecimal("0.1250"));
    assertThat(Figures.ratio(1, 20000)).isEqualTo(new BigDecimal("0.0001"));
    assertThat(Figures.ratio(-1, 20000)).isEqualTo(new BigDecimal("-0.0001"));
    assertThat(Figures.ratio(5, 0)).isNull();
    assertThat(Figures.money(-499)).isEqualTo(new BigDecimal("-4.99"));
  }

  /** Totals with orders, revenue, gross profit and the other columns zero (cents). */
  static KpiTotals totals(long orders, long revenue, long grossProfit) {
    long[] v = new long[KpiTotals.COLUMNS.size()];
    v[KpiTotals.COLUMNS.indexOf("orders")] = orders;
    v[KpiTotals.COLUMNS.indexOf("revenue")] = revenue;
    v[KpiTotals.COLUMNS.indexOf("gross_profit")] = grossProfit;
    return KpiTotals.of(v);
  }

  @Test
  void trendHasEveryDayOfTheRange() {
    KpiTotals day2 = totals(2, 1000, 400);
    List<?> days = (List<?>) new Trend("S", RANGE, Map.of(LocalDate.of(2026, 3, 2), day2)).toMap().get("days");
    assertThat(days).hasSize(3);
    assertThat(((Map<?, ?>) days.get(0)).get("orders")).isEqualTo(0L);
    assertThat(((Map<?, ?>) days.get(0)).get("aov")).isNull();
    assertThat(((Map<?, ?>) days.get(1)).get("aov")).isEqualTo(new BigDecimal("5.00"));
    assertThat(((Map<?, ?>) days.get(1)).get("profit_margin")).isEqualTo(new BigDecimal("0.4000"));
  }

  @Test
  void channelsAreListedByRevenueWithShares() {
    Map<String, Object> map = new ChannelSplit("S", RANGE, List.of(
      new ChannelSplit.ChannelFigures("pos", "收银机订单", false, totals(1, 100, 50), KpiTotals.ZERO),
      new ChannelSplit.ChannelFigures("eleme", "饿了么", true, totals(3, 300, 100), KpiTotals.ZERO))).toMap();
    List<?> rows = (List<?>) map.get("channels");
    assertThat(rows.stream().map(r -> String.valueOf(((Map<?, ?>) r).get("channel")))).containsExactly("eleme", "pos");
    assertThat(rows.stream().map(r -> String.valueOf(((Map<?, ?>) r).get("revenue_share")))).containsExactly("0.7500", "0.2500");
    assertThat(rows.stream().map(r -> String.valueOf(((Map<?, ?>) r).get("order_share")))).containsExactly("0.7500", "0.2500");
  }

  /** The rating's edges: 利润率 just above and at 15 % and 10 %, revenue falling by 9.99 % and by 10 %. */
  @Test
  void ratingsFollowTheChainsRule() {
    KpiTotals before = totals(10, 10_000, 1_000);
    assertThat(ChannelSplit.rating(totals(10, 10_001, 1_501), before)).as("15.01 %, grew").isEqualTo(ChannelSplit.Rating.EXCELLENT);
    assertThat(ChannelSplit.rating(totals(10, 10_000, 1_500), before)).as("exactly 15 %: not above")
      .isEqualTo(ChannelSplit.Rating.GOOD);
    assertThat(ChannelSplit.rating(totals(10, 9_000, 1_600), before)).as("17.8 %, revenue fell but profit grew")
      .isEqualTo(ChannelSplit.Rating.EXCELLENT);
    KpiTotals richBefore = totals(10, 10_000, 5_000);
    assertThat(ChannelSplit.rating(totals(10, 9_001, 1_600), richBefore)).as("17.8 %, both fell, revenue by 9.99 %")
      .isEqualTo(ChannelSplit.Rating.GOOD);
    assertThat(ChannelSplit.rating(totals(10, 9_000, 1_600), richBefore)).as("revenue fell by exactly 10 %")
      .isEqualTo(ChannelSplit.Rating.IMPROVE);
    assertThat(ChannelSplit.rating(totals(10, 10_000, 1_000), before)).as("exactly 10 %").isEqualTo(ChannelSplit.Rating.IMPROVE);
    assertThat(ChannelSplit.rating(totals(10, 10_000, 1_600), KpiTotals.ZERO)).as("16 %, a new channel grew")
      .isEqualTo(ChannelSplit.Rating.EXCELLENT);
    assertThat(ChannelSplit.rating(totals(10, 10_000, 1_100), KpiTotals.ZERO)).as("11 %, a new channel")
      .isEqualTo(ChannelSplit.Rating.GOOD);
    assertThat(ChannelSplit.rating(KpiTotals.ZERO, before)).as("no valid orders").isNull();
  }

  @Test
  void rankingIsStableAndPutsMissingValuesLast() {
    KpiTotals some = totals(1, 1000, 500);
    KpiTotals none = KpiTotals.ZERO;
    StoreRanking ranking = new StoreRanking(RANGE, StoreRanking.Metric.PROFIT_MARGIN, List.of(
      new StoreRanking.StoreFigures("S3", "c", "", none, some),
      new StoreRanking.StoreFigures("S2", "b", "", some, none),
      new StoreRanking.StoreFigures("S1", "a", "", some, some)), 1, 100);
    List<?> rows = (List<?>) ranking.toMap().get("stores");
    assertThat(rows.stream().map(r -> ((Map<?, ?>) r).get("code") + "#" + ((Map<?, ?>) r).get("rank")))
      .containsExactly("S1#1", "S2#2", "S3#3");
    Map<?, ?> s3 = (Map<?, ?>) rows.get(2);
    assertThat(s3.get("value")).isNull();
    assertThat(s3.get("growth")).isEqualTo(new BigDecimal("-1.0000"));
  }

  @Test
  void pageWindowsSpanTheRightDays() {
    List<PageWindow.DayLines> days = List.of(
      new PageWindow.DayLines(LocalDate.of(2026, 3, 4), 1),
      new PageWindow.DayLines(LocalDate.of(2026, 3, 3), 1),
      new PageWindow.DayLines(LocalDate.of(2026, 3, 2), 3),
      new PageWindow.DayLines(LocalDate.of(2026, 3, 1), 1));
    assertThat(PageWindow.of(days, 1, 50)).isEqualTo(new PageWindow(LocalDate.of(2026, 3, 4), LocalDate.of(2026, 3, 1), 0, 6));
    assertThat(PageWindow.of(days, 2, 4)).isEqualTo(new PageWindow(LocalDate.of(2026, 3, 2), LocalDate.of(2026, 3, 1), 2, 6));
    assertThat(PageWindow.of(days, 2, 2)).isEqualTo(new PageWindow(LocalDate.of(2026, 3, 2), LocalDate.of(2026, 3, 2), 0, 6));
    assertThat(PageWindow.of(days, 3, 2)).isEqualTo(new PageWindow(LocalDate.of(2026, 3, 2), LocalDate.of(2026, 3, 1), 2, 6));
    assertThat(PageWindow.of(days, 4, 2).isEmpty()).isTrue();
    assertThat(PageWindow.of(List.of(), 1, 50)).isEqualTo(new PageWindow(null, null, 0, 0));
  }
}
