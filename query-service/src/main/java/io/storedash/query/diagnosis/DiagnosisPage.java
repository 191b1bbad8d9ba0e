package io.storedash.query.diagnosis;

import io.storedash.query.metrics.DayRange;
import io.storedash.query.metrics.Figures;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One page of a store's diagnosis: the summaries over every product the store sold in the range, and the page's
 * products (those of the quadrant and flag asked for, when asked), worst score first, then highest revenue, then sku.
 *
 * @param quadrant the quadrant code the products are narrowed to, or null
 * @param flag     the flag code the products are narrowed to, or null
 * @param total    products that match the quadrant and flag (all pages)
 */
public record DiagnosisPage(String store, DayRange range, Summary summary, String quadrant, String flag, int page,
                            int size, long total, List<ProductHealth> products) {

  /**
   * The figures over every product diagnosed, whatever the page.
   *
   * @param products          products sold in the range
   * @param revenue           their revenue, cents
   * @param health            the revenue-weighted mean score, exact; null without revenue
   * @param medianQuantity    null without products
   * @param medianGrossMargin null without a product with revenue
   * @param quadrantProducts  per {@link Quadrant}, in declaration order
   * @param quadrantRevenue   per {@link Quadrant}, cents
   * @param flagProducts      per {@link HealthFlag}, in declaration order
   */
  public record Summary(long products, long revenue, BigDecimal health, BigDecimal medianQuantity,
                        BigDecimal medianGrossMargin, long[] quadrantProducts, long[] quadrantRevenue,
                        long[] flagProducts) {
  }

  private static Map<String, Object> daysOf(DayRange half) {
    if (half == null) {
      return null;
    }
    Map<String, Object> days = new LinkedHashMap<>();
    days.put("from", half.from().toString());
    days.put("to", half.to().toString());
    return days;
  }

  /**
   * {@code {"store", "from", "to", "health", "products_count", "revenue", "medians": {"quantity", "gross_margin"},
   * "halves": {...}, "quadrants": {code: {"name_zh", "products", "revenue"}}, "flags": {code: {"name_zh",
   * "products", "recommendation": {"zh", "en"}}}, "filter": {"quadrant", "flag"}, "page", "size", "total",
   * "products": [...]}}
   */
  public Map<String, Object> toMap() {
    Map<String, Object> medians = new LinkedHashMap<>();
    medians.put("quantity", summary.medianQuantity() == null ? null
      : summary.medianQuantity().setScale(1, RoundingMode.HALF_UP));
    medians.put("gross_margin", Figures.asRatio(summary.medianGrossMargin()));
    Map<String, Object> halves = new LinkedHashMap<>();
    halves.put("first", daysOf(ProductDiagnosis.firstHalf(range)));
    halves.put("second", daysOf(ProductDiagnosis.secondHalf(range)));
    Map<String, Object> quadrantMap = new LinkedHashMap<>();
    for (Quadrant q : Quadrant.values()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name_zh", q.nameZh());
      entry.put("products", summary.quadrantProducts()[q.ordinal()]);
      entry.put("revenue", Figures.money(summary.quadrantRevenue()[q.ordinal()]));
      quadrantMap.put(q.code(), entry);
    }
    Map<String, Object> flagMap = new LinkedHashMap<>();
    for (HealthFlag f : HealthFlag.values()) {
      Map<String, Object> advice = new LinkedHashMap<>();
      advice.put("zh", f.adviceZh());
      advice.put("en", f.adviceEn());
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name_zh", f.nameZh());
      entry.put("products", summary.flagProducts()[f.ordinal()]);
      entry.put("recommendation", advice);
      flagMap.put(f.code(), entry);
    }
    Map<String, Object> filter = new LinkedHashMap<>();
    filter.put("quadrant", quadrant);
    filter.put("flag", flag);
    List<Map<String, Object>> rows = new ArrayList<>(products.size());
    for (ProductHealth p : products) {
      rows.add(p.toMap(summary.revenue()));
    }
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("store", store);
    map.put("from", range.from().toString());
    map.put("to", range.to().toString());
    map.put("health", summary.health() == null ? null : summary.health().setScale(1, RoundingMode.HALF_UP));
    map.put("products_count", summary.products());
    map.put("revenue", Figures.money(summary.revenue()));
    map.put("medians", medians);
    map.put("halves", halves);
    map.put("quadrants", quadrantMap);
    map.put("flags", flagMap);
    map.put("filter", filter);
    map.put("page", page);
    map.put("size", size);
    map.put("total", total);
    map.put("products", rows);
    return map;
  }
}
