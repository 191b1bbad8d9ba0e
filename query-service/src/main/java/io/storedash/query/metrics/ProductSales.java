package io.storedash.query.metrics;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What one product sold in a store over a range. Money in cents; {@code orders} = the product's lines in valid orders
 * (a product on two lines of one order counts twice, a refunded line counts too: docs/DESIGN.md §4.3);
 * {@code listRevenue} = Σ list_price × quantity, the revenue without markdowns.
 */
public record ProductSales(String sku, String name, String category, long quantity, long orders, long revenue,
                           long cost, long listRevenue) {

  public ProductSales {
    Objects.requireNonNull(sku, "sku");
  }

  public long grossProfit() {
    return revenue - cost;
  }

  /** gross_profit / revenue, exact; null without revenue. */
  public BigDecimal exactGrossMargin() {
    return Figures.exactRatio(grossProfit(), revenue);
  }

  /** Σ(list_price − unit_price)×qty / Σ list_price×qty, exact; null when the list revenue is 0. */
  public BigDecimal exactMarkdownRate() {
    return Figures.exactRatio(listRevenue - revenue, listRevenue);
  }

  /**
   * The product's columns as written in JSON: sku, name, category, quantity, orders, revenue, gross_profit,
   * gross_margin, markdown_rate, revenue_share (of {@code totalRevenue}).
   */
  public Map<String, Object> toMap(long totalRevenue) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("sku", sku);
    row.put("name", name);
    row.put("category", category);
    row.put("quantity", quantity);
    row.put("orders", orders);
    row.put("revenue", Figures.money(revenue));
    row.put("gross_profit", Figures.money(grossProfit()));
    row.put("gross_margin", Figures.ratio(grossProfit(), revenue));
    row.put("markdown_rate", Figures.ratio(listRevenue - revenue, listRevenue));
    row.put("revenue_share", Figures.ratio(revenue, totalRevenue));
    return row;
  }
}
