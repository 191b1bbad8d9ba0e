package io.storedash.query.actions;

import io.storedash.query.ingest.Dataset;
import io.storedash.query.ingest.LineRecord;
import io.storedash.query.ingest.OrderRecord;
import io.storedash.query.ingest.ProductRecord;
import io.storedash.query.ingest.StoreRecord;

import java.time.LocalDateTime;
import java.util.List;

/**
 * A store in which every 今日必做 rule fires exactly once on D = 2026-05-20 (with top_count 1 and stock_out_top 1), its
 * figures worked out by hand in {@link ActionsTest}. The before-week is 05-07..05-13, the week 05-14..05-20. Every
 * order but O1 (美团闪购, fee 0.50) and O2 (饿了么, fee 1.00) is a till order (收银机订单: no fee, always valid).
 * "@" is 实收价格 a unit, "cost" the line's 成本. 剩余库存 is not carried by the bulk loader: the test writes U1's.
 * <pre>
 * 05-08 P1  F1×20 @4.00 cost 40.00                      利润额 40.00  revenue 80.00
 * 05-10 P2  A1×5 @3.00 cost 5.00                        10.00          15.00
 * 05-11 P3  A2×1 @50.00 cost 20.00                      30.00          50.00
 * 05-12 P4  S1×3 @6.00 cost 9.00, B1×1 @4.00 cost 3.00  10.00          22.00
 * 05-13 P5  U1×2 @20.00 cost 24.00 (stock 5 left)       16.00          40.00
 * 05-18 P6  F1×10 @4.00 cost 20.00                      20.00          40.00
 * 05-19 P7  S1×6 @6.00 cost 18.00                       18.00          36.00
 * 05-20 O1  美团闪购 B1×3 @2.00 cost 9.00, A1×1 @3.00 cost 1.00; fee 0.50, delivery 3.00
 *           利润额 −1.00, profit −1.00 − 0.50 − 3.00 = −4.50, revenue 9.00, delivery net 3.00
 * 05-20 O2  饿了么 A2×2 @50.00 cost 40.00; fee 1.00, delivery 10.00, user delivery fee 2.00
 *           利润额 60.00, profit 49.00, revenue 100.00, delivery net 8.00 (2.00 over 6.00)
 * 05-20 O3  收银机订单 A1×7 @3.00 cost 7.00, N1×1 @5.00 cost 3.00: 利润额 16.00, revenue 26.00
 * </pre>
 * A second store, T002, has one profitable till order on D and nothing else: it fires only the highlights.
 */
final class ActionFixture {

  static final String DAY = "2026-05-20";
  private static final String MEITUAN = "美团闪购";
  private static final String ELEME = "饿了么";
  private static final String TILL = "收银机订单";

  private ActionFixture() {
  }

  static Dataset dataset() {
    List<StoreRecord> stores = List.of(
      new StoreRecord("T001", "长江路店", "南京", null),
      new StoreRecord("T002", "黄河路店", "郑州", null));
    List<ProductRecord> products = List.of(
      new ProductRecord("A1", "矿泉水 550ml", "饮料"),
      new ProductRecord("A2", "坚果礼盒", "零食"),
      new ProductRecord("S1", "原味酸奶", "乳制品"),
      new ProductRecord("B1", "苏打饼干", "零食"),
      new ProductRecord("F1", "全麦面包", "烘焙"),
      new ProductRecord("U1", "洗衣液 2L", "日化"),
      new ProductRecord("N1", "新品果汁", "饮料"));
    List<OrderRecord> orders = List.of(
      order("P1", "T001", TILL, "2026-05-08T10:00:00", OrderRecord.Fees.NONE, line("F1", 20, 400, 4000, 0)),
      order("P2", "T001", TILL, "2026-05-10T10:00:00", OrderRecord.Fees.NONE, line("A1", 5, 300, 500, 0)),
      order("P3", "T001", TILL, "2026-05-11T10:00:00", OrderRecord.Fees.NONE, line("A2", 1, 5000, 2000, 0)),
      order("P4", "T001", TILL, "2026-05-12T10:00:00", OrderRecord.Fees.NONE,
        line("S1", 3, 600, 900, 0), line("B1", 1, 400, 300, 0)),
      order("P5", "T001", TILL, "2026-05-13T10:00:00", OrderRecord.Fees.NONE, line("U1", 2, 2000, 2400, 0)),
      order("P6", "T001", TILL, "2026-05-18T10:00:00", OrderRecord.Fees.NONE, line("F1", 10, 400, 2000, 0)),
      order("P7", "T001", TILL, "2026-05-19T10:00:00", OrderRecord.Fees.NONE, line("S1", 6, 600, 1800, 0)),
      order("O1", "T001", MEITUAN, "2026-05-20T11:00:00", delivery(300, 0),
        line("B1", 3, 200, 900, 50), line("A1", 1, 300, 100, 0)),
      order("O2", "T001", ELEME, "2026-05-20T12:00:00", delivery(1000, 200), line("A2", 2, 5000, 4000, 100)),
      order("O3", "T001", TILL, "2026-05-20T13:00:00", OrderRecord.Fees.NONE,
        line("A1", 7, 300, 700, 0), line("N1", 1, 500, 300, 0)),
      order("Q1", "T002", TILL, "2026-05-20T09:00:00", OrderRecord.Fees.NONE, line("A1", 4, 300, 400, 0)));
    return Dataset.of(stores, products, orders);
  }

  private static OrderRecord order(String orderNo, String store, String channel, String time, OrderRecord.Fees fees,
                                   LineRecord... lines) {
    return new OrderRecord(orderNo, null, store, channel, LocalDateTime.parse(time), null, null, fees, List.of(lines));
  }

  /** 物流配送费 and 用户支付配送费, in cents. */
  private static OrderRecord.Fees delivery(long deliveryCost, long customerDeliveryFee) {
    return new OrderRecord.Fees(deliveryCost, 0, customerDeliveryFee, 0, 0, 0, 0, 0, 0, 0, 0, 0);
  }

  /** A sold line at {@code unitPrice} (also 商品实售价 and 商品原价) with the line's {@code cost} and service fee. */
  private static LineRecord line(String sku, int quantity, long unitPrice, long cost, long serviceFee) {
    return LineRecord.sold(sku, quantity, unitPrice, unitPrice, unitPrice, cost, serviceFee, 0);
  }
}
