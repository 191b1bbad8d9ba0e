package io.storedash.query.ingest;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Objects;

/**
 * One order with all its lines, as a load writes it: the export's order-level columns (docs/DESIGN.md §3.3), each
 * counted once per order, money in cents. Its per-order sums ({@link #revenue()} ...) are what an import of the same
 * order computes from its lines (ImportSql.CREATE_ORDERS); BulkLoadTest holds the two to the same answers.
 *
 * @param orderCode   订单编号, or null
 * @param channel     渠道 as the export names it (美团闪购, 收银机订单 ...)
 * @param orderedAt   store-local wall-clock time; the loader turns it into an instant with the store's zone
 * @param distanceM   配送距离 in metres, or null (the till)
 * @param deliveryPlatform 配送平台, or null
 * @param fees        the order-level money
 * @param lines       the order's lines in export order (a product may appear on two lines)
 */
public record OrderRecord(
  String orderNo,
  String orderCode,
  String storeCode,
  String channel,
  LocalDateTime orderedAt,
  Integer distanceM,
  String deliveryPlatform,
  Fees fees,
  List<LineRecord> lines) {

  /**
   * The order-level money of the export, in cents, in the order of ImportColumn.ORDER_MONEY (without StoreDash's
   * own order-level service fee: a load gives the service fee per line).
   */
  public record Fees(long deliveryCost, long commission, long customerDeliveryFee, long deliveryFeeDiscount,
                     long fullReduction, long productDiscount, long newCustomerDiscount, long merchantVoucher,
                     long merchantCoupon, long giftAmount, long otherDiscount, long packagingFee) {

    public static final Fees NONE = new Fees(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

    /** The values in ImportColumn.ORDER_MONEY order. */
    public long[] values() {
      return new long[] {deliveryCost, commission, customerDeliveryFee, deliveryFeeDiscount, fullReduction,
        productDiscount, newCustomerDiscount, merchantVoucher, merchantCoupon, giftAmount, otherDiscount, packagingFee};
    }
  }

  public OrderRecord {
    Objects.requireNonNull(orderNo, "orderNo");
    Objects.requireNonNull(storeCode, "storeCode");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(orderedAt, "orderedAt");
    Objects.requireNonNull(fees, "fees");
    if (lines == null || lines.isEmpty()) {
      throw new IllegalArgumentException("order " + orderNo + " has no lines");
    }
    lines = List.copyOf(lines);
  }

  /** Units sold: Σ 销量 over lines with 销量 > 0. */
  public long items() {
    return lines.stream().mapToLong(l -> Math.max(l.quantity(), 0)).sum();
  }

  /** 商品实收额: Σ 实收价格 × 销量. */
  public long revenue() {
    return lines.stream().mapToLong(l -> (long) l.quantity() * l.unitPrice()).sum();
  }

  public long cost() {
    return lines.stream().mapToLong(LineRecord::cost).sum();
  }

  public long grossProfit() {
    return lines.stream().mapToLong(LineRecord::grossProfit).sum();
  }

  public long serviceFee() {
    return lines.stream().mapToLong(LineRecord::serviceFee).sum();
  }

  public long rebate() {
    return lines.stream().mapToLong(LineRecord::rebate).sum();
  }

  public long expectedIncome() {
    return lines.stream().mapToLong(LineRecord::expectedIncome).sum();
  }

  /** Σ 商品原价 × 销量 over lines with 销量 > 0 and 商品原价 > 0: the product part of GMV. */
  public long listGmv() {
    return lines.stream().filter(LineRecord::countsInGmv).mapToLong(l -> (long) l.quantity() * l.listPrice()).sum();
  }

  /** Whether the order has a line that counts in GMV (so its bag, delivery fee and marketing count too). */
  public boolean gmvOrder() {
    return lines.stream().anyMatch(LineRecord::countsInGmv);
  }
}
