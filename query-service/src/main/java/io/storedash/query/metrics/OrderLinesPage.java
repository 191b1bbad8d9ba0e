package io.storedash.query.metrics;


import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One page of a store's order lines, newest first. */
public record OrderLinesPage(String store, DayRange range, int page, int size, long total, List<OrderLine> lines) {

  /** Seconds always written, with the store's offset: 2026-03-02T00:00:00+08:00. */
  public static final DateTimeFormatter LOCAL_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ssXXX");

  /**
   * One line of an order; prices in cents per unit, cost, gross profit and service fee in cents for the line.
   *
   * @param orderedAt the order's time in the store's zone
   */
  public record OrderLine(String orderId, OffsetDateTime orderedAt, String channel, String sku, String productName,
                          int quantity, long unitPrice, long listPrice, long cost, long grossProfit, long serviceFee,
                          boolean valid) {

    Map<String, Object> toMap() {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("order_id", orderId);
      row.put("ordered_at", LOCAL_TIME.format(orderedAt));
      row.put("channel", channel);
      row.put("sku", sku);
      row.put("product_name", productName);
      row.put("quantity", quantity);
      row.put("unit_price", Figures.money(unitPrice));
      row.put("list_price", Figures.money(listPrice));
      row.put("revenue", Figures.money(unitPrice * quantity));
      row.put("cost", Figures.money(cost));
      row.put("gross_profit", Figures.money(grossProfit));
      row.put("service_fee", Figures.money(serviceFee));
      row.put("valid_order", valid);
      return row;
    }
  }

  /** {@code {"store", "from", "to", "page", "size", "total", "lines": [...]}} */
  public Map<String, Object> toMap() {
    List<Map<String, Object>> rows = new ArrayList<>(lines.size());
    for (OrderLine line : lines) {
      rows.add(line.toMap());
    }
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("store", store);
    map.put("from", range.from().toString());
    map.put("to", range.to().toString());
    map.put("page", page);
    map.put("size", size);
    map.put("total", total);
    map.put("lines", rows);
    return map;
  }
}
