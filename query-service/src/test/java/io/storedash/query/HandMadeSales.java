package io.storedash.query;

import io.storedash.query.ingest.Dataset;
import io.storedash.query.ingest.LineRecord;
import io.storedash.query.ingest.OrderRecord;
import io.storedash.query.ingest.ProductRecord;
import io.storedash.query.ingest.StoreRecord;

import java.time.LocalDateTime;
import java.util.List;

/**
 * A tiny dataset in the export's layout whose figures are worked out by hand in the tests (the chain's standard,
 * docs/DESIGN.md §4.1). Times are Asia/Shanghai wall-clock times. Channels: 美团闪购 (code meituan_flash), 饿了么 (eleme)
 * and 京东到家 (jddj) charge a service fee; 收银机订单 (pos) does not. "cost" is the LINE's 成本 (quantity × unit cost);
 * "fee" is the 平台服务费 of the order's first line (the other lines have none); order-level money is counted once.
 * No distances, no rebates, no consumables.
 * <pre>
 * S001  A5 02-27 23:59:59 美团闪购  P1×5 @3.00 (cost 10.00)                                              fee 0.01
 *       A1 03-01 23:59:59 美团闪购  P1×2 @3.00 (4.00)          fee 0.48 delivery 5.00 user delivery fee 3.00 bag 1.00
 *       A2 03-02 00:00:00 饿了么    P1×1 @3.00 (2.00), P2×2 @8.00 list 10.00 (10.00), P3×1 @10.00 (12.00)
 *                                   fee 2.00 delivery 6.00 满减 3.00 bag 1.01 — once, not per line
 *       A3 03-03 12:30:00 收银机订单 P2×1 @10.00 (4.00)                                      no fee, valid: the till
 *       A4 03-04 00:00:00 美团闪购  P1×10 @3.00 (20.00) fee 0.01, and a refunded line: P1 销量 0 (2 refunded) @3.00
 *       A6 03-04 09:00:00 美团闪购  cancelled: P2 销量 0 (1 refunded) @10.00, fee 0 → not valid, though it carries
 *                                   delivery 4.00, user delivery fee 2.00, bag 0.50, 满减 1.00 (all left out)
 * S002  B1 03-02 10:00:00 美团闪购  P1×4 @3.00 list 3.50 (8.00)  fee 1.00 delivery 4.00 user delivery fee 2.00
 *       B2 03-05 15:20:00 京东到家  P2×3 @9.00 list 10.00 (15.00), P1×1 @3.00 (2.00)
 *                                   fee 1.20 delivery 5.00 满减 2.00 bag 0.50
 * S003  no orders
 * S004  product health over 04-01..04-14 (halves 04-01..04-07 and 04-08..04-14); fee 0.01 on the platforms' orders:
 *       C1 04-01 09:00 美团闪购  D1×5, D2×5, D5×6      C4 04-08 10:00 收银机订单 D1×4, D2×5
 *       C2 04-02 12:00 饿了么    D1×5, D3×2, D5×6      C5 04-10 20:00 美团闪购  D4×2, D5×4, D2×5
 *       C3 04-03 18:00 京东到家  D2×10, D4×1           C6 04-14 23:30 饿了么    D1×6, D2×5
 *       D1 @10.00 (5.00 a unit) qty 20 (10|10) margin 0.5       → star
 *       D2 @4.00 (5.00) qty 30 (15|15) margin −0.25             → traffic, negative_margin
 *       D3 @20.00 (8.00) qty 2 (2|0) margin 0.6, last sale 04-02 → potential, slow_moving
 *       D4 @6.00 list 12.00 (5.00) qty 3 (1|2) margin 1/6, markdown 0.5 → laggard, markdown_dependent
 *       D5 @8.00 (4.00) qty 16 (12|4) margin 0.5, trend −2/3    → star (both medians exactly), declining
 *       medians: quantity 16, gross margin 0.5
 * </pre>
 * Per order (revenue; 利润额 = revenue − cost; profit = 利润额 − fee − delivery; GMV = Σ list × qty + bag + user delivery
 * fee; delivery net = delivery − user delivery fee):
 * <pre>
 *       revenue  利润额  fee   profit  GMV    marketing  delivery net  items
 * A5    15.00    5.00   0.01   4.99   15.00   0          0             5
 * A1     6.00    2.00   0.48  −3.48   10.00   0          2.00          2
 * A2    29.00    5.00   2.00  −3.00   34.01   3.00       6.00          4     (GMV 3.00 + 20.00 + 10.00 + 1.01)
 * A3    10.00    6.00   0      6.00   10.00   0          0             1
 * A4    30.00   10.00   0.01   9.99   30.00   0          0            10     (the refunded line adds nothing)
 * A6    invalid: in invalid_orders only
 * B1    12.00    4.00   1.00  −1.00   16.00   0          2.00          4     (GMV 4 × 3.50 + 2.00)
 * B2    30.00   13.00   1.20   6.80   33.50   2.00       5.00          4     (GMV 30.00 + 3.00 + 0.50)
 * </pre>
 */
public final class HandMadeSales {

  public static final String MEITUAN = "美团闪购";
  public static final String ELEME = "饿了么";
  public static final String JDDJ = "京东到家";
  public static final String TILL = "收银机订单";

  /** The service fee a platform order without one in the old fixture gets, so that it stays valid. */
  private static final long TOKEN_FEE = 1;

  private HandMadeSales() {
  }

  public static Dataset dataset() {
    List<StoreRecord> stores = List.of(
      new StoreRecord("S001", "和兴路店", "北京", null),
      new StoreRecord("S002", "中山路店", "上海", null),
      new StoreRecord("S003", "人民路店", "广州", null),
      new StoreRecord("S004", "解放路店", "深圳", null));
    List<ProductRecord> products = List.of(
      new ProductRecord("P1", "可口可乐 330ml", "饮料"),
      new ProductRecord("P2", "乐事薯片原味 75g", "零食"),
      new ProductRecord("P3", "新鲜鸡蛋 10枚", null),
      new ProductRecord("D1", "鲜榨橙汁 1L", "饮料"),
      new ProductRecord("D2", "土鸡蛋 10枚", "生鲜"),
      new ProductRecord("D3", "进口红酒 750ml", "酒类"),
      new ProductRecord("D4", "薯片礼包", "零食"),
      new ProductRecord("D5", "原味酸奶 200g", "乳制品"));
    List<OrderRecord> orders = List.of(
      order("A5", "S001", MEITUAN, "2026-02-27T23:59:59", OrderRecord.Fees.NONE,
        line("P1", 5, 300, 300, 200, TOKEN_FEE)),
      order("A1", "S001", MEITUAN, "2026-03-01T23:59:59", fees(500, 300, 0, 100),
        line("P1", 2, 300, 300, 200, 48)),
      order("A2", "S001", ELEME, "2026-03-02T00:00:00", fees(600, 0, 300, 101),
        line("P1", 1, 300, 300, 200, 200), line("P2", 2, 800, 1000, 500, 0), line("P3", 1, 1000, 1000, 1200, 0)),
      order("A3", "S001", TILL, "2026-03-03T12:30:00", OrderRecord.Fees.NONE,
        line("P2", 1, 1000, 1000, 400, 0)),
      order("A4", "S001", MEITUAN, "2026-03-04T00:00:00", OrderRecord.Fees.NONE,
        line("P1", 10, 300, 300, 200, TOKEN_FEE), LineRecord.refunded("P1", 2, 300, 300, 300)),
      order("A6", "S001", MEITUAN, "2026-03-04T09:00:00", fees(400, 200, 100, 50),
        LineRecord.refunded("P2", 1, 1000, 1000, 1000)),
      order("B1", "S002", MEITUAN, "2026-03-02T10:00:00", fees(400, 200, 0, 0),
        line("P1", 4, 300, 350, 200, 100)),
      order("B2", "S002", JDDJ, "2026-03-05T15:20:00", fees(500, 0, 200, 50),
        line("P2", 3, 900, 1000, 500, 120), line("P1", 1, 300, 300, 200, 0)),
      order("C1", "S004", MEITUAN, "2026-04-01T09:00:00", OrderRecord.Fees.NONE,
        d1(5, TOKEN_FEE), d2(5), d5(6)),
      order("C2", "S004", ELEME, "2026-04-02T12:00:00", OrderRecord.Fees.NONE,
        d1(5, TOKEN_FEE), line("D3", 2, 2000, 2000, 800, 0), d5(6)),
      order("C3", "S004", JDDJ, "2026-04-03T18:00:00", OrderRecord.Fees.NONE,
        d2(10, TOKEN_FEE), d4(1)),
      order("C4", "S004", TILL, "2026-04-08T10:00:00", OrderRecord.Fees.NONE,
        d1(4, 0), d2(5)),
      order("C5", "S004", MEITUAN, "2026-04-10T20:00:00", OrderRecord.Fees.NONE,
        d4(2, TOKEN_FEE), d5(4), d2(5)),
      order("C6", "S004", ELEME, "2026-04-14T23:30:00", OrderRecord.Fees.NONE,
        d1(6, TOKEN_FEE), d2(5)));
    return Dataset.of(stores, products, orders);
  }

  private static OrderRecord order(String orderNo, String store, String channel, String time, OrderRecord.Fees fees,
                                   LineRecord... lines) {
    return new OrderRecord(orderNo, null, store, channel, LocalDateTime.parse(time), null, null, fees, List.of(lines));
  }

  /** The old fixture's order money: 物流配送费, 用户支付配送费, 满减金额 (its "discount") and 打包袋金额, in cents. */
  private static OrderRecord.Fees fees(long deliveryCost, long customerDeliveryFee, long fullReduction, long packagingFee) {
    return new OrderRecord.Fees(deliveryCost, 0, customerDeliveryFee, 0, fullReduction, 0, 0, 0, 0, 0, 0, packagingFee);
  }

  /** A sold line at {@code unitPrice} (also the 商品实售价), {@code unitCost} a unit, so the line costs quantity × it. */
  private static LineRecord line(String sku, int quantity, long unitPrice, long listPrice, long unitCost, long serviceFee) {
    return LineRecord.sold(sku, quantity, unitPrice, unitPrice, listPrice, (long) quantity * unitCost, serviceFee, 0);
  }

  private static LineRecord d1(int quantity, long serviceFee) {
    return line("D1", quantity, 1000, 1000, 500, serviceFee);
  }

  private static LineRecord d2(int quantity) {
    return d2(quantity, 0);
  }

  private static LineRecord d2(int quantity, long serviceFee) {
    return line("D2", quantity, 400, 400, 500, serviceFee);
  }

  private static LineRecord d4(int quantity) {
    return d4(quantity, 0);
  }

  private static LineRecord d4(int quantity, long serviceFee) {
    return line("D4", quantity, 600, 1200, 500, serviceFee);
  }

  private static LineRecord d5(int quantity) {
    return line("D5", quantity, 800, 800, 400, 0);
  }
}
