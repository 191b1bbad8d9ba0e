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
 * S003  no orders
 * </pre>
 */
final class HandMadeSales {

  private HandMadeSales() {
  }

  static Dataset dataset() {
    List<StoreRecord> stores = List.of(
      new StoreRecord("S001", "和兴路店", "北京", null),
      new StoreRecord("S002", "中山路店", "上海", null),
      new StoreRecord("S003", "人民路店", "广州", null));
    List<ProductRecord> products = List.of(
      new ProductRecord("P1", "可口可乐 330ml", "饮料"),
      new ProductRecord("P2", "乐事薯片原味 75g", "零食"),
      new ProductRecord("P3", "新鲜鸡蛋 10枚", null));
    List<OrderRecord> orders = List.of(
      new OrderRecord("A5", "S001", Channel.MEITUAN, at("2026-02-27T23:59:59"), 0, 0, 0, 0, 0,
        List.of(new LineRecord("P1", 5, 300, 300, 200))),
      new OrderRecord("A1", "S001", Channel.MEITUAN, at("2026-03-01T23:59:59"), 500, 48, 0, 300, 100,
        List.of(new LineRecord("P1", 2, 300, 300, 200))),
      new OrderRecord("A2", "S001", Channel.ELEME, at("2026-03-02T00:00:00"), 600, 200, 300, 0, 101,
        List.of(new LineRecord("P1", 1, 300, 300, 200), new LineRecord("P2", 2, 800, 1000, 500),
          new LineRecord("P3", 1, 1000, 1000, 1200))),
      new OrderRecord("A3", "S001", Channel.OFFLINE, at("2026-03-03T12:30:00"), 0, 0, 0, 0, 0,
        List.of(new LineRecord("P2", 1, 1000, 1000, 400))),
      new OrderRecord("A4", "S001", Channel.MEITUAN, at("2026-03-04T00:00:00"), 0, 0, 0, 0, 0,
        List.of(new LineRecord("P1", 10, 300, 300, 200))),
      new OrderRecord("B1", "S002", Channel.MEITUAN, at("2026-03-02T10:00:00"), 400, 100, 0, 200, 0,
        List.of(new LineRecord("P1", 4, 300, 350, 200))));
    return Dataset.of(stores, products, orders);
  }

  private static LocalDateTime at(String time) {
    return LocalDateTime.parse(time);
  }
}
