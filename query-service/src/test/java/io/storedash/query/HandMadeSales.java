package io.storedash.query;

import io.storedash.query.ingest.Dataset;
import io.storedash.query.ingest.LineRecord;
import io.storedash.query.ingest.OrderRecord;
import io.storedash.query.ingest.ProductRecord;
import io.storedash.query.ingest.StoreRecord;

import java.time.LocalDateTime;
import java.util.List;

/**
 * A tiny dataset whose KPIs are worked out by hand in the tests. Times are Asia/Shanghai wall-clock times.
 * <pre>
 * S001  A5 02-27 23:59:59 meituan  P1×5 @3.00 (cost 2.00)                                   no fees
 *       A1 03-01 23:59:59 meituan  P1×2 @3.00 (2.00)            delivery 5.00 platform 0.48 customer fee 3.00 bag 1.00
 *       A2 03-02 00:00:00 eleme    P1×1 @3.00 (2.00), P2×2 @8.00 list 10.00 (5.00), P3×1 @10.00 (12.00)
 *                                   delivery 6.00 platform 2.00 discount 3.00 bag 1.01 — once, not per line
 *       A3 03-03 12:30:00 offline  P2×1 @10.00 (4.00)                                        no fees
 *       A4 03-04 00:00:00 meituan  P1×10 @3.00 (2.00)                                        no fees
 * S002  B1 03-02 10:00:00 meituan  P1×4 @3.00 list 3.50 (2.00)  delivery 4.00 platform 1.00 customer fee 2.00
 *       B2 03-05 15:20:00 jddj     P2×3 @9.00 list 10.00 (5.00), P1×1 @3.00 (2.00)
 *                                   delivery 5.00 platform 1.20 discount 2.00 bag 0.50
 * S003  no orders
 * S004  product health over 04-01..04-14 (halves 04-01..04-07 and 04-08..04-14), no fees:
 *       C1 04-01 09:00 meituan  D1×5, D2×5, D5×6      C4 04-08 10:00 offline  D1×4, D2×5
 *       C2 04-02 12:00 eleme    D1×5, D3×2, D5×6      C5 04-10 20:00 meituan  D4×2, D5×4, D2×5
 *       C3 04-03 18:00 jddj     D2×10, D4×1           C6 04-14 23:30 eleme    D1×6, D2×5
 *       D1 @10.00 (5.00) qty 20 (10|10) margin 0.5       → star
 *       D2 @4.00 (5.00) qty 30 (15|15) margin −0.25      → traffic, negative_margin
 *       D3 @20.00 (8.00) qty 2 (2|0) margin 0.6, last sale 04-02 → potential, slow_moving
 *       D4 @6.00 list 12.00 (5.00) qty 3 (1|2) margin 1/6, markdown 0.5 → laggard, markdown_dependent
 *       D5 @8.00 (4.00) qty 16 (12|4) margin 0.5, trend −2/3 → star (both medians exactly), declining
 *       medians: quantity 16, gross margin 0.5
 * </pre>
 */
public final class HandMadeSales {

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
      order("A5", "S001", "美团闪购", at("2026-02-27T23:59:59"), 0, 0, 0, 0, 0,
        List.of(line("P1", 5, 300, 300, 200))),
      order("A1", "S001", "美团闪购", at("2026-03-01T23:59:59"), 500, 48, 0, 300, 100,
        List.of(line("P1", 2, 300, 300, 200))),
      order("A2", "S001", "饿了么", at("2026-03-02T00:00:00"), 600, 200, 300, 0, 101,
        List.of(line("P1", 1, 300, 300, 200), line("P2", 2, 800, 1000, 500),
          line("P3", 1, 1000, 1000, 1200))),
      order("A3", "S001", "收银机订单", at("2026-03-03T12:30:00"), 0, 0, 0, 0, 0,
        List.of(line("P2", 1, 1000, 1000, 400))),
      order("A4", "S001", "美团闪购", at("2026-03-04T00:00:00"), 0, 0, 0, 0, 0,
        List.of(line("P1", 10, 300, 300, 200))),
      order("B1", "S002", "美团闪购", at("2026-03-02T10:00:00"), 400, 100, 0, 200, 0,
        List.of(line("P1", 4, 300, 350, 200))),
      order("B2", "S002", "京东到家", at("2026-03-05T15:20:00"), 500, 120, 200, 0, 50,
        List.of(line("P2", 3, 900, 1000, 500), line("P1", 1, 300, 300, 200))),
      order("C1", "S004", "美团闪购", at("2026-04-01T09:00:00"), 0, 0, 0, 0, 0,
        List.of(d1(5), d2(5), d5(6))),
      order("C2", "S004", "饿了么", at("2026-04-02T12:00:00"), 0, 0, 0, 0, 0,
        List.of(d1(5), line("D3", 2, 2000, 2000, 800), d5(6))),
      order("C3", "S004", "京东到家", at("2026-04-03T18:00:00"), 0, 0, 0, 0, 0,
        List.of(d2(10), d4(1))),
      order("C4", "S004", "收银机订单", at("2026-04-08T10:00:00"), 0, 0, 0, 0, 0,
        List.of(d1(4), d2(5))),
      order("C5", "S004", "美团闪购", at("2026-04-10T20:00:00"), 0, 0, 0, 0, 0,
        List.of(d4(2), d5(4), d2(5))),
      order("C6", "S004", "饿了么", at("2026-04-14T23:30:00"), 0, 0, 0, 0, 0,
        List.of(d1(6), d2(5))));
    return Dataset.of(stores, products, orders);
  }

  /** The old layout's order: its platform fee goes on the first line (0.01 where it had none, so the order is valid). */
  private static OrderRecord order(String no, String store, String channel, LocalDateTime at, long delivery,
                                   long platformFee, long discount, long customerFee, long bag, List<LineRecord> lines) {
    List<LineRecord> withFee = new java.util.ArrayList<>(lines);
    LineRecord first = withFee.get(0);
    long fee = io.storedash.query.Channels.chargesByDefault(channel) ? Math.max(platformFee, 1) : platformFee;
    withFee.set(0, LineRecord.sold(first.sku(), first.quantity(), first.unitPrice(), first.salePrice(), first.listPrice(),
      first.cost(), fee, 0));
    return new OrderRecord(no, null, store, channel, at, null, null,
      new OrderRecord.Fees(delivery, 0, customerFee, 0, discount, 0, 0, 0, 0, 0, 0, bag), withFee);
  }

  private static LineRecord line(String sku, int quantity, long price, long listPrice, long unitCost) {
    return LineRecord.sold(sku, quantity, price, price, listPrice, unitCost * quantity, 0, 0);
  }

  private static LineRecord d1(int quantity) {
    return line("D1", quantity, 1000, 1000, 500);
  }

  private static LineRecord d2(int quantity) {
    return line("D2", quantity, 400, 400, 500);
  }

  private static LineRecord d4(int quantity) {
    return line("D4", quantity, 600, 1200, 500);
  }

  private static LineRecord d5(int quantity) {
    return line("D5", quantity, 800, 800, 400);
  }

  private static LocalDateTime at(String time) {
    return LocalDateTime.parse(time);
  }
}
