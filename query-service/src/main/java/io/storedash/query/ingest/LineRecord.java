package io.storedash.query.ingest;

/**
 * One line of an order, as the export has it (docs/DESIGN.md §3.3); money in cents.
 *
 * @param quantity       销量; 0 or less is a refunded line: kept, not sold
 * @param unitPrice      实收价格, per unit
 * @param salePrice      商品实售价, per unit
 * @param listPrice      商品原价, per unit
 * @param cost           成本: the line's total cost, not a unit cost
 * @param grossProfit    利润额 of the line
 * @param serviceFee     平台服务费 of the line
 * @param refundQuantity 退款数量
 */
public record LineRecord(String sku, int quantity, long unitPrice, long salePrice, long listPrice, long cost,
                         long grossProfit, long serviceFee, long expectedIncome, long rebate, int refundQuantity) {

  public LineRecord {
    if (unitPrice < 0 || salePrice < 0 || listPrice < 0) {
      throw new IllegalArgumentException("prices must not be negative, got " + unitPrice + "/" + salePrice + "/"
        + listPrice + " for " + sku);
    }
  }

  /** A sold line: 利润额 = 实收价格 × 销量 − 成本, 预计订单收入 = 实收价格 × 销量 − 平台服务费. */
  public static LineRecord sold(String sku, int quantity, long unitPrice, long salePrice, long listPrice, long cost,
                                long serviceFee, long rebate) {
    long revenue = (long) quantity * unitPrice;
    return new LineRecord(sku, quantity, unitPrice, salePrice, listPrice, cost, revenue - cost, serviceFee,
      revenue - serviceFee, rebate, 0);
  }

  /** A refunded line: 销量 0, nothing received, nothing cost, {@code refunded} units in 退款数量. */
  public static LineRecord refunded(String sku, int refunded, long unitPrice, long salePrice, long listPrice) {
    return new LineRecord(sku, 0, unitPrice, salePrice, listPrice, 0, 0, 0, 0, 0, refunded);
  }

  boolean countsInGmv() {
    return quantity > 0 && listPrice > 0;
  }
}
