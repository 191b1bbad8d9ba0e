package io.storedash.query.metrics;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The overview of a store (or the chain) for a range: the chain's figures, the same for the previous range of equal
 * length (环比), and their changes. {@link #toMap()} gives the JSON structure (docs/DESIGN.md §4.3) as ordered maps,
 * so this class stays free of Vert.x types.
 *
 * @param activeProducts         动销商品数 of the range: distinct products (consumables left out) sold with 销量 > 0
 * @param previousActiveProducts the same for the previous range
 */
public record Overview(String store, DayRange range, KpiTotals current, KpiTotals previous, long activeProducts,
                       long previousActiveProducts) {

  public static final String ACTIVE_PRODUCTS = "active_products";

  public Map<String, Object> toMap() {
    DayRange before = range.previous();
    Map<String, Object> previousMap = new LinkedHashMap<>();
    previousMap.put("from", day(before.from()));
    previousMap.put("to", day(before.to()));
    previousMap.putAll(kpis(previous));
    previousMap.put(ACTIVE_PRODUCTS, previousActiveProducts);

    Map<String, Object> kpis = kpis(current);
    kpis.put(ACTIVE_PRODUCTS, activeProducts);

    Map<String, Object> change = changes(current, previous);
    change.put(ACTIVE_PRODUCTS, Kpi.change(Kpi.Unit.COUNT, BigDecimal.valueOf(activeProducts),
      BigDecimal.valueOf(previousActiveProducts)));

    Map<String, Object> map = new LinkedHashMap<>();
    map.put("store", store);
    map.put("from", day(range.from()));
    map.put("to", day(range.to()));
    map.put("kpis", kpis);
    map.put("previous", previousMap);
    map.put("change", change);
    return map;
  }

  /** Every figure as written in JSON, in contract order. */
  public static Map<String, Object> kpis(KpiTotals totals) {
    Map<String, Object> kpis = new LinkedHashMap<>();
    for (Kpi kpi : Kpi.values()) {
      kpis.put(kpi.wireName(), kpi.written(totals));
    }
    return kpis;
  }

  /** The change of every figure, {@code {"relative": ...}} or {@code {"points": ...}} ({@link Kpi#change}). */
  public static Map<String, Object> changes(KpiTotals current, KpiTotals previous) {
    Map<String, Object> change = new LinkedHashMap<>();
    for (Kpi kpi : Kpi.values()) {
      change.put(kpi.wireName(), kpi.change(current, previous));
    }
    return change;
  }

  private static String day(LocalDate day) {
    return day.toString();
  }
}
