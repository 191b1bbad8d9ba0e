package io.storedash.query.diagnosis;

import io.storedash.query.metrics.Figures;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The diagnosis of one product.
 *
 * @param trend             (second-half qty − first-half qty) / first-half qty, exact; null when the first half sold nothing
 * @param daysSinceLastSale days from the last sale to the end of the range (0 = sold on the last day)
 */
public record ProductHealth(ProductPeriod period, BigDecimal trend, long daysSinceLastSale, Quadrant quadrant,
                            Set<HealthFlag> flags, int score) {

  public ProductHealth {
    flags = flags.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(flags));
  }

  public boolean has(HealthFlag flag) {
    return flags.contains(flag);
  }

  /** The product as written in JSON; {@code totalRevenue} is the store's, for the share. */
  public Map<String, Object> toMap(long totalRevenue) {
    Map<String, Object> row = period.sales().toMap(totalRevenue);
    row.put("first_half_quantity", period.firstHalfQuantity());
    row.put("second_half_quantity", period.secondHalfQuantity());
    row.put("trend", Figures.asRatio(trend));
    row.put("last_sale_day", period.lastSale().toString());
    row.put("days_since_last_sale", daysSinceLastSale);
    row.put("quadrant", quadrant.code());
    row.put("quadrant_zh", quadrant.nameZh());
    row.put("score", score);
    List<Map<String, Object>> flagList = new ArrayList<>();
    for (HealthFlag flag : HealthFlag.values()) {
      if (flags.contains(flag)) {
        Map<String, Object> advice = new LinkedHashMap<>();
        advice.put("zh", flag.adviceZh());
        advice.put("en", flag.adviceEn());
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("code", flag.code());
        entry.put("name_zh", flag.nameZh());
        entry.put("recommendation", advice);
        flagList.add(entry);
      }
    }
    row.put("flags", flagList);
    return row;
  }
}
