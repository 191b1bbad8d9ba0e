package io.storedash.query.metrics;

import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One page of a store's orders with their lines ({@code orders?group=order}), newest first: each order's own figures
 * (the sums stored on the order, §3.1, and its profit and net delivery cost by the chain's standard, §4.1), so a
 * search shows what each order earned. {@code total} counts orders.
 */
public record OrderGroupsPage(String store, DayRange range, int page, int size, long total, List<Order> orders) {

  /**
   * One order; money in cents.
   *
   * @param orderedAt the order's time in the store's zone
   */
  public record Order(String orderId, OffsetDateTime orderedAt, String channel, boolean valid, Totals totals,
                      List<Line> lines) {

    Map<String, Object> toMap() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("order_id", orderId);
      map.put("ordered_at", OrderLinesPage.LOCAL_TIME.format(orderedAt));
      map.put("channel", channel);
      map.put("valid_order", valid);
      map.put("totals", totals.toMap());
      List<Map<String, Object>> rows = new ArrayList<>(lines.size());
      lines.forEach(line -> rows.add(line.toMap()));
      map.put("lines", rows);
      return map;
    }
  }

  /** The order's figures, in cents. */
  public record Totals(int lines, long items, long revenue, long cost, long grossProfit, long serviceFee,
                       long deliveryCost, long deliveryNetCost, long marketingCost, long profit) {

    Map<String, Object> toMap() {
      Map<String, Object> map = new LinkedHashMap<>();
      map.put("lines", lines);
      map.put("items", items);
      map.put("revenue", Figures.money(revenue));
      map.put("cost", Figures.money(cost));
      map.put("gross_profit", Figures.money(grossProfit));
      map.put("service_fee", Figures.money(serviceFee));
      map.put("delivery_cost", Figures.money(deliveryCost));
      map.put("delivery_net_cost", Figures.money(deliveryNetCost));
      map.put("marketing_cost", Figures.money(marketingCost));
      map.put("profit", Figures.money(profit));
      return map;
    }
  }

  /** One line of an order; prices in cents per unit, cost, gross profit and service fee for the line. */
  public record Line(String sku, String productName, int quantity, long unitPrice, long listPrice, long cost,
                     long grossProfit, long serviceFee) {

    Map<String, Object> toMap() {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("sku", sku);
      row.put("product_name", productName);
      row.put("quantity", quantity);
      row.put("unit_price", Figures.money(unitPrice));
      row.put("list_price", Figures.money(listPrice));
      row.put("revenue", Figures.money(unitPrice * quantity));
      row.put("cost", Figures.money(cost));
      row.put("gross_profit", Figures.money(grossProfit));
      row.put("service_fee", Figures.money(serviceFee));
      return row;
    }
  }

  /** {@code {"store", "from", "to", "page", "size", "total", "orders": [...]}} */
  public Map<String, Object> toMap() {
    List<Map<String, Object>> rows = new ArrayList<>(orders.size());
    orders.forEach(order -> rows.add(order.toMap()));
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("store", store);
    map.put("from", range.from().toString());
    map.put("to", range.to().toString());
    map.put("page", page);
    map.put("size", size);
    map.put("total", total);
    map.put("orders", rows);
    return map;
  }
}
