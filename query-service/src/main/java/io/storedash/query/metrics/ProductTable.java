package io.storedash.query.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One page of a store's product table, already sorted and cut by PostgreSQL.
 *
 * @param total        products sold in the range (all pages)
 * @param totalRevenue revenue of all those products, for the shares
 */
public record ProductTable(String store, DayRange range, String sort, int page, int size, long total, long totalRevenue,
                           List<ProductSales> products) {

  /** {@code {"store", "from", "to", "sort", "page", "size", "total", "products": [...]}} */
  public Map<String, Object> toMap() {
    List<Map<String, Object>> rows = new ArrayList<>(products.size());
    for (ProductSales p : products) {
      rows.add(p.toMap(totalRevenue));
    }
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("store", store);
    map.put("from", range.from().toString());
    map.put("to", range.to().toString());
    map.put("sort", sort);
    map.put("page", page);
    map.put("size", size);
    map.put("total", total);
    map.put("products", rows);
    return map;
  }
}
