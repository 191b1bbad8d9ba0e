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
                       long previousActiveProducts, YearAgo yearAgo) {

  public static final String ACTIVE_PRODUCTS = "active_products";

  /** An overview without 同比 (no data a year before). */
  public Overview(String store, DayRange range, KpiTotals current, KpiTotals previous, long activeProducts,
                  long previousActiveProducts) {
    this(store, range, current, previous, activeProducts, previousActiveProducts, null);
  }

  /**
   * The same days a year before (同比), for a scope whose data covers them.
   *
   * @param range          {@link #sameDaysAYearBefore}
   * @param activeProducts 动销商品数 of those days
   */
  public record YearAgo(DayRange range, KpiTotals totals, long activeProducts) {
  }

  /**
   * The same calendar days a year before: each end moved back one year (29 February to 28 February), so a leap day
   * makes the year-ago range one day shorter, never another month's day.
   */
  public static DayRange sameDaysAYearBefore(DayRange range) {
    return new DayRange(range.from().minusYears(1), range.to().minusYears(1));
  }

  /**
   * Whether a scope whose data begins on {@code firstDataDay} (null: no data at all) has data for the whole of
   * {@code yearAgo}: 同比 over days partly before the data began would compare a full range with a part of one.
   */
  public static boolean covers(LocalDate firstDataDay, DayRange yearAgo) {
    return firstDataDay != null && !firstDataDay.isAfter(yearAgo.from());
  }

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
    map.put("previous_year", yearAgo == null ? null : yearAgoMap());
    map.put("change_year", yearAgo == null ? null : yearChange());
    return map;
  }

  private Map<String, Object> yearAgoMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("from", day(yearAgo.range().from()));
    map.put("to", day(yearAgo.range().to()));
    map.putAll(kpis(yearAgo.totals()));
    map.put(ACTIVE_PRODUCTS, yearAgo.activeProducts());
    return map;
  }

  private Map<String, Object> yearChange() {
    Map<String, Object> change = changes(current, yearAgo.totals());
    change.put(ACTIVE_PRODUCTS, Kpi.change(Kpi.Unit.COUNT, BigDecimal.valueOf(activeProducts),
      BigDecimal.valueOf(yearAgo.activeProducts())));
    return change;
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
