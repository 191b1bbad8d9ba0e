package io.storedash.query.metrics;

import io.storedash.query.Channel;
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

  @Test
  void trendHasEveryDayOfTheRange() {
    KpiTotals day2 = new KpiTotals(2, 3, 1000, 600, 1000, 0, 0, 0, 0, 0);
    List<?> days = (List<?>) new Trend("S", RANGE, Map.of(LocalDate.of(2026, 3, 2), day2)).toMap().get("days");
    assertThat(days).hasSize(3);
    assertThat(((Map<?, ?>) days.get(0)).get("orders")).isEqualTo(0L);
    assertThat(((Map<?, ?>) days.get(0)).get("aov")).isNull();
    assertThat(((Map<?, ?>) days.get(1)).get("aov")).isEqualTo(new BigDecimal("5.00"));
    assertThat(((Map<?, ?>) days.get(1)).get("gross_margin")).isEqualTo(new BigDecimal("0.4000"));
  }

  @Test
  void channelsAreAllListedByRevenue() {
    Map<String, Object> map = new ChannelSplit("S", RANGE, Map.of(
      Channel.ELEME, new KpiTotals(1, 1, 300, 100, 300, 0, 0, 0, 0, 0),
      Channel.OFFLINE, new KpiTotals(1, 1, 100, 50, 100, 0, 0, 0, 0, 0))).toMap();
    List<?> rows = (List<?>) map.get("channels");
    assertThat(rows.stream().map(r -> String.valueOf(((Map<?, ?>) r).get("channel")))).containsExactly("eleme", "offline", "meituan", "jddj");
    assertThat(rows.stream().map(r -> String.valueOf(((Map<?, ?>) r).get("revenue_share"))))
      .containsExactly("0.7500", "0.2500", "0.0000", "0.0000");
  }

  @Test
  void rankingIsStableAndPutsMissingValuesLast() {
    KpiTotals some = new KpiTotals(1, 1, 1000, 500, 1000, 0, 0, 0, 0, 0);
    KpiTotals none = KpiTotals.ZERO;
    StoreRanking ranking = new StoreRanking(RANGE, StoreRanking.Metric.PROFIT_MARGIN, List.of(
      new StoreRanking.StoreFigures("S3", "c", "", none, some),
      new StoreRanking.StoreFigures("S2", "b", "", some, none),
      new StoreRanking.StoreFigures("S1", "a", "", some, some)));
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
