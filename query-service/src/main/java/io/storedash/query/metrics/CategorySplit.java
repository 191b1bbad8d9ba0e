package io.storedash.query.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Sales per product category, by revenue (highest first, then by name), each with its share of the revenue. */
public record CategorySplit(String store, DayRange range, List<CategorySales> categories) {

  /** The sums of one category: money in cents; {@code products} = distinct products sold. */
  public record CategorySales(String category, long quantity, long revenue, long cost, long products) {
  }

  /** {@code {"store", "from", "to", "categories": [{"category", "quantity", "revenue", "gross_profit",
   * "gross_margin", "revenue_share", "products"}]}} */
  public Map<String, Object> toMap() {
    long totalRevenue = categories.stream().mapToLong(CategorySales::revenue).sum();
    List<CategorySales> sorted = new ArrayList<>(categories);
    sorted.sort(Comparator.comparingLong((CategorySales c) -> -c.revenue()).thenComparing(CategorySales::category));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (CategorySales c : sorted) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("category", c.category());
      row.put("quantity", c.quantity());
      row.put("revenue", Figures.money(c.revenue()));
      row.put("gross_profit", Figures.money(c.revenue() - c.cost()));
      row.put("gross_margin", Figures.ratio(c.revenue() - c.cost(), c.revenue()));
      row.put("revenue_share", Figures.ratio(c.revenue(), totalRevenue));
      row.put("products", c.products());
      rows.add(row);
    }
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("store", store);
    map.put("from", range.from().toString());
    map.put("to", range.to().toString());
    map.put("categories", rows);
    return map;
  }
}
