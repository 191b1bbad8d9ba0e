package io.storedash.query.metrics;

import java.util.List;

/**
 * The sums every figure of the chain's standard is derived from (docs/DESIGN.md §4.1), for a store, a channel or the
 * chain over a range: the columns of the channel rollup, in its order, each summed over VALID orders only (an order
 * on a fee-charging channel whose service fee sums to 0 or less is cancelled or refunded). Money is in cents.
 * invalidOrders counts the other orders; lines counts every line.
 */
public record KpiTotals(
  long orders,
  long invalidOrders,
  long lines,
  long items,
  long revenue,
  long cost,
  long grossProfit,
  long consumablesCost,
  long serviceFee,
  long rebate,
  long deliveryCost,
  long customerDeliveryFee,
  long deliveryFeeDiscount,
  long gmv,
  long marketing,
  long productDiscount,
  long commission,
  long expectedIncome) {

  /** The rollup columns, in component order. */
  public static final List<String> COLUMNS = List.of("orders", "invalid_orders", "lines", "items", "revenue", "cost",
    "gross_profit", "consumables_cost", "service_fee", "rebate", "delivery_cost", "customer_delivery_fee",
    "delivery_fee_discount", "gmv", "marketing", "product_discount", "commission", "expected_income");

  public static final KpiTotals ZERO = of(new long[COLUMNS.size()]);

  /** Totals from the values of {@link #COLUMNS}, in order. */
  public static KpiTotals of(long[] v) {
    return new KpiTotals(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11], v[12], v[13], v[14],
      v[15], v[16], v[17]);
  }

  /** 订单实际利润: Σ利润额 − Σ平台服务费 − Σ物流配送费 + Σ企客后返 (per order, summed). */
  public long profit() {
    return grossProfit - serviceFee - deliveryCost + rebate;
  }

  /** 配送净成本: Σ物流配送费 − (Σ用户支付配送费 − Σ配送费减免金额) − Σ企客后返; negative when delivery earned money. */
  public long deliveryNetCost() {
    return deliveryCost - (customerDeliveryFee - deliveryFeeDiscount) - rebate;
  }

  /** The cost of the products sold, without consumables. */
  public long productCost() {
    return cost - consumablesCost;
  }

  /** Marketing other than 商品减免金额. */
  public long otherMarketing() {
    return marketing - productDiscount;
  }

  public long[] values() {
    return new long[] {orders, invalidOrders, lines, items, revenue, cost, grossProfit, consumablesCost, serviceFee, rebate,
      deliveryCost, customerDeliveryFee, deliveryFeeDiscount, gmv, marketing, productDiscount, commission, expectedIncome};
  }

  public KpiTotals plus(KpiTotals other) {
    long[] a = values();
    long[] b = other.values();
    for (int i = 0; i < a.length; i++) {
      a[i] += b[i];
    }
    return of(a);
  }
}
