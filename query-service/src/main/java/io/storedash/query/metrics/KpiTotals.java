package io.storedash.query.metrics;

/**
 * The sums every KPI is derived from, for one store (or the chain) over one range. Money is in cents.
 * Line sums: items, revenue (Σ unit_price × qty), cost (Σ unit_cost × qty), listRevenue (Σ list_price × qty).
 * Order sums (each order counted once): orders and the order-level fees.
 */
public record KpiTotals(
  long orders,
  long items,
  long revenue,
  long cost,
  long listRevenue,
  long discount,
  long deliveryCost,
  long platformFee,
  long customerDeliveryFee,
  long packagingFee) {

  public static final KpiTotals ZERO = new KpiTotals(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  public long grossProfit() {
    return revenue - cost;
  }

  /** revenue − discount + customer_delivery_fee + packaging_fee */
  public long netRevenue() {
    return revenue - discount + customerDeliveryFee + packagingFee;
  }

  /** gross_profit − discount − platform_fee − delivery_cost + customer_delivery_fee + packaging_fee */
  public long profit() {
    return grossProfit() - discount - platformFee - deliveryCost + customerDeliveryFee + packagingFee;
  }

  public KpiTotals plus(KpiTotals other) {
    return new KpiTotals(orders + other.orders, items + other.items, revenue + other.revenue, cost + other.cost,
      listRevenue + other.listRevenue, discount + other.discount, deliveryCost + other.deliveryCost,
      platformFee + other.platformFee, customerDeliveryFee + other.customerDeliveryFee, packagingFee + other.packagingFee);
  }
}
