package io.storedash.query.metrics;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The daily series of a store or the chain: one entry per day of the range, in order, days without orders included
 * with zeros (and null ratios), so a chart's x axis is the calendar and not the days that happened to sell; and the
 * same for the previous period of equal length ({@link DayRange#previous()}), day by day, for the page's faint line.
 *
 * @param days the totals of the days of the range and of the previous period that had orders
 */
public record Trend(String store, DayRange range, Map<LocalDate, KpiTotals> days) {

  /** The KPIs of each day, in JSON order. */
  public static final List<Kpi> KPIS = List.of(Kpi.ORDERS, Kpi.INVALID_ORDERS, Kpi.ITEMS, Kpi.REVENUE, Kpi.GROSS_PROFIT,
    Kpi.PROFIT, Kpi.AOV, Kpi.PROFIT_MARGIN, Kpi.GMV, Kpi.MARKETING_COST, Kpi.MARKETING_RATE, Kpi.DELIVERY_NET_COST,
    Kpi.SERVICE_FEE);

  /**
   * {@code {"store", "from", "to", "days": [{"day", "orders", "items", "revenue", ...}], "previous": {"from", "to",
   * "days": [...]}}}
   */
  public Map<String, Object> toMap() {
    DayRange before = range.previous();
    Map<String, Object> previous = new LinkedHashMap<>();
    previous.put("from", before.from().toString());
    previous.put("to", before.to().toString());
    previous.put("days", series(before));
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("store", store);
    map.put("from", range.from().toString());
    map.put("to", range.to().toString());
    map.put("days", series(range));
    map.put("previous", previous);
    return map;
  }

  private List<Map<String, Object>> series(DayRange period) {
    List<Map<String, Object>> series = new ArrayList<>((int) period.days());
    for (LocalDate day = period.from(); !day.isAfter(period.to()); day = day.plusDays(1)) {
      KpiTotals totals = days.getOrDefault(day, KpiTotals.ZERO);
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("day", day.toString());
      for (Kpi kpi : KPIS) {
        entry.put(kpi.wireName(), kpi.written(totals));
      }
      series.add(entry);
    }
    return series;
  }
}
