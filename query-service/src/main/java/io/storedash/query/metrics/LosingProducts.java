package io.storedash.query.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One page of the products that lost money over a range (gross profit = 实收价格 × 销量 − 成本 below 0, summed over the
 * stores asked), biggest loss first, each with the stores it lost money in (docs/DESIGN.md §13.2). {@code total}
 * counts every losing product and {@code loss} sums their gross profit, so the page's header speaks for all of them.
 */
public record LosingProducts(String store, DayRange range, int page, int size, long total, long lossCents,
                             List<Product> products) {

  /** Money in cents. */
  public record Sales(long quantity, long revenue, long cost) {

    long grossProfit() {
      return revenue - cost;
    }
  }

  /** A losing product over all the stores asked, and the stores where it lost money, biggest loss first. */
  public record Product(String sku, String name, String category, Sales sales, List<Store> stores) {

    Map<String, Object> toMap() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("sku", sku);
      map.put("name", name);
      map.put("category", category);
      map.put("quantity", sales.quantity());
      map.put("revenue", Figures.money(sales.revenue()));
      map.put("gross_profit", Figures.money(sales.grossProfit()));
      map.put("gross_margin", Figures.ratio(sales.grossProfit(), sales.revenue()));
      List<Map<String, Object>> rows = new ArrayList<>(stores.size());
      stores.forEach(store -> rows.add(store.toMap()));
      map.put("stores", rows);
      return map;
    }
  }

  /** A store where the product lost money. */
  public record Store(String code, String name, Sales sales) {

    Map<String, Object> toMap() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("code", code);
      map.put("name", name);
      map.put("quantity", sales.quantity());
      map.put("revenue", Figures.money(sales.revenue()));
      map.put("gross_profit", Figures.money(sales.grossProfit()));
      return map;
    }
  }

  /** {@code {"store", "from", "to", "page", "size", "total", "loss", "products": [...]}} */
  public Map<String, Object> toMap() {
    List<Map<String, Object>> rows = new ArrayList<>(products.size());
    products.forEach(product -> rows.add(product.toMap()));
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("store", store);
    map.put("from", range.from().toString());
    map.put("to", range.to().toString());
    map.put("page", page);
    map.put("size", size);
    map.put("total", total);
    map.put("loss", Figures.money(lossCents));
    map.put("products", rows);
    return map;
  }
}
