package io.storedash.query.metrics;

import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The overview of a store (or the chain) for a range: the KPIs, the same KPIs for the previous range of equal
 * length, and their changes. {@link #toMap()} gives the JSON structure (docs/DESIGN.md §4.3) as ordered maps, so this
 * class stays free of Vert.x types.
 */
public record Overview(String store, DayRange range, KpiTotals current, KpiTotals previous) {

  public Map<String, Object> toMap() {
    Map<String, Object> previousMap = new LinkedHashMap<>();
    DayRange before = range.previous();
    previousMap.put("from", day(before.from()));
    previousMap.put("to", day(before.to()));
    previousMap.putAll(kpis(previous));

    Map<String, Object> change = new LinkedHashMap<>();
    for (Kpi kpi : Kpi.values()) {
      change.put(kpi.wireName(), kpi.change(current, previous));
    }

    Map<String, Object> map = new LinkedHashMap<>();
    map.put("store", store);
    map.put("from", day(range.from()));
    map.put("to", day(range.to()));
    map.put("kpis", kpis(current));
    map.put("previous", previousMap);
    map.put("change", change);
    return map;
  }

  /** Every KPI as written in JSON, in contract order. */
  public static Map<String, Object> kpis(KpiTotals totals) {
    Map<String, Object> kpis = new LinkedHashMap<>();
    for (Kpi kpi : Kpi.values()) {
      kpis.put(kpi.wireName(), kpi.written(totals));
    }
    return kpis;
  }

  private static String day(LocalDate day) {
    return day.toString();
  }
}
