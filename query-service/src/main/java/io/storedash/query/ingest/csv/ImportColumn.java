package io.storedash.query.ingest.csv;

import java.util.List;
import java.util.Locale;

/**
 * The columns of an import (docs/DESIGN.md §3.3): the platforms' order-detail export (订单明细数据导出汇总), known by
 * its Chinese headers, and StoreDash's own layout, known by the English ones. Each column is read at one level: a
 * LINE value is summed over the lines of an order; an ORDER value repeats on every line of the order and counts once.
 */
public enum ImportColumn {
  // Order level: who, when, where.
  ORDER_ID(Level.ORDER, Kind.TEXT, Need.REQUIRED, "order_id", "订单ID"),
  ORDER_CODE(Level.ORDER, Kind.TEXT, Need.OPTIONAL, "order_code", "订单编号"),
  ORDERED_AT(Level.ORDER, Kind.TIME, Need.REQUIRED, "ordered_at", "下单时间"),
  STORE_CODE(Level.ORDER, Kind.TEXT, Need.ONE_OF_STORE, "store_code", "门店编码"),
  STORE_ID(Level.ORDER, Kind.TEXT, Need.ONE_OF_STORE, "store_id", "门店ID"),
  STORE_NAME(Level.ORDER, Kind.TEXT, Need.ONE_OF_STORE, "store_name", "门店名称"),
  CITY(Level.ORDER, Kind.TEXT, Need.OPTIONAL, "city", "城市名称"),
  CHANNEL(Level.ORDER, Kind.TEXT, Need.REQUIRED, "channel", "渠道"),
  DISTANCE(Level.ORDER, Kind.COUNT, Need.OPTIONAL, "distance_m", "配送距离"),
  DELIVERY_PLATFORM(Level.ORDER, Kind.TEXT, Need.OPTIONAL, "delivery_platform", "配送平台"),
  // Order level: money, once per order.
  DELIVERY_COST(Level.ORDER, Kind.MONEY, Need.OPTIONAL, "delivery_cost", "物流配送费"),
  COMMISSION(Level.ORDER, Kind.MONEY, Need.OPTIONAL, "commission", "平台佣金"),
  CUSTOMER_DELIVERY_FEE(Level.ORDER, Kind.MONEY, Need.OPTIONAL, "customer_delivery_fee", "用户支付配送费"),
  DELIVERY_FEE_DISCOUNT(Level.ORDER, Kind.MONEY, Need.OPTIONAL, "delivery_fee_discount", "配送费减免金额"),
  FULL_REDUCTION(Level.ORDER, Kind.MONEY, Need.OPTIONAL, "discount", "满减金额"),
  PRODUCT_DISCOUNT(Level.ORDER, Kind.MONEY, Need.OPTIONAL, "product_discount", "商品减免金额"),
  NEW_CUSTOMER_DISCOUNT(Level.ORDER, Kind.MONEY, Need.OPTIONAL, "new_customer_discount", "新客减免金额"),
  MERCHANT_VOUCHER(Level.ORDER, Kind.MONEY, Need.OPTIONAL, "merchant_voucher", "商家代金券"),
  MERCHANT_COUPON(Level.ORDER, Kind.MONEY, Need.OPTIONAL, "merchant_coupon", "商家承担部分券"),
  GIFT_AMOUNT(Level.ORDER, Kind.MONEY, Need.OPTIONAL, "gift_amount", "满赠金额"),
  OTHER_DISCOUNT(Level.ORDER, Kind.MONEY, Need.OPTIONAL, "other_discount", "商家其他优惠"),
  PACKAGING_FEE(Level.ORDER, Kind.MONEY, Need.OPTIONAL, "packaging_fee", "打包袋金额"),
  /** StoreDash's layout: the order's service fee, repeated on every line (the export has 平台服务费 per line). */
  ORDER_SERVICE_FEE(Level.ORDER, Kind.MONEY, Need.OPTIONAL, "platform_fee", null),
  // Line level.
  PRODUCT_NAME(Level.LINE, Kind.TEXT, Need.REQUIRED, "product_name", "商品名称"),
  SKU(Level.LINE, Kind.TEXT, Need.OPTIONAL, "sku", "商品编码"),
  BARCODE(Level.LINE, Kind.TEXT, Need.OPTIONAL, "barcode", "条码"),
  IN_STORE_CODE(Level.LINE, Kind.TEXT, Need.OPTIONAL, "in_store_code", "店内码"),
  CATEGORY(Level.LINE, Kind.TEXT, Need.OPTIONAL, "category", "一级分类名"),
  SUBCATEGORY(Level.LINE, Kind.TEXT, Need.OPTIONAL, "subcategory", "三级分类名"),
  QUANTITY(Level.LINE, Kind.QUANTITY, Need.REQUIRED, "quantity", "销量"),
  REFUND_QUANTITY(Level.LINE, Kind.QUANTITY, Need.OPTIONAL, "refund_quantity", "退款数量"),
  STOCK(Level.LINE, Kind.QUANTITY, Need.OPTIONAL, "stock", "剩余库存"),
  UNIT_PRICE(Level.LINE, Kind.PRICE, Need.REQUIRED, "unit_price", "实收价格"),
  SALE_PRICE(Level.LINE, Kind.PRICE, Need.OPTIONAL, "sale_price", "商品实售价"),
  LIST_PRICE(Level.LINE, Kind.PRICE, Need.OPTIONAL, "list_price", "商品原价"),
  COST(Level.LINE, Kind.MONEY, Need.ONE_OF_COST, "cost", "成本"),
  /** StoreDash's layout: cost per unit; the line's cost is this × 销量. */
  UNIT_COST(Level.LINE, Kind.MONEY, Need.ONE_OF_COST, "unit_cost", null),
  GROSS_PROFIT(Level.LINE, Kind.MONEY, Need.OPTIONAL, "gross_profit", "利润额"),
  SERVICE_FEE(Level.LINE, Kind.MONEY, Need.OPTIONAL, "service_fee", "平台服务费"),
  EXPECTED_INCOME(Level.LINE, Kind.MONEY, Need.OPTIONAL, "expected_income", "预计订单收入"),
  REBATE(Level.LINE, Kind.MONEY, Need.OPTIONAL, "rebate", "企客后返"),
  // Personal data: recognised so that the report says it was not stored.
  ADDRESS(Level.ORDER, Kind.PERSONAL, Need.OPTIONAL, null, "收货地址"),
  USER_ID(Level.ORDER, Kind.PERSONAL, Need.OPTIONAL, null, "用户ID"),
  USER_PAID(Level.ORDER, Kind.PERSONAL, Need.OPTIONAL, null, "用户支付金额");

  /** Whether a value belongs to a line (summed over the order) or to the order (repeated on its lines, counted once). */
  public enum Level { LINE, ORDER }

  /** How a cell is read. PRICE is money that must not be negative; PERSONAL is never read. */
  public enum Kind { TEXT, TIME, MONEY, PRICE, QUANTITY, COUNT, PERSONAL }

  /** Whether a file must have the column: always, one of the store columns, one of the two costs, or not at all. */
  public enum Need { REQUIRED, ONE_OF_STORE, ONE_OF_COST, OPTIONAL }

  /** The order-level money columns, in the order they are staged and stored. */
  public static final List<ImportColumn> ORDER_MONEY = List.of(DELIVERY_COST, COMMISSION, CUSTOMER_DELIVERY_FEE,
    DELIVERY_FEE_DISCOUNT, FULL_REDUCTION, PRODUCT_DISCOUNT, NEW_CUSTOMER_DISCOUNT, MERCHANT_VOUCHER, MERCHANT_COUPON,
    GIFT_AMOUNT, OTHER_DISCOUNT, PACKAGING_FEE, ORDER_SERVICE_FEE);

  private final Level level;
  private final Kind kind;
  private final Need need;
  private final String english;
  private final List<String> chinese;

  ImportColumn(Level level, Kind kind, Need need, String english, String... chinese) {
    this.level = level;
    this.kind = kind;
    this.need = need;
    this.english = english;
    this.chinese = chinese == null ? List.of() : List.of(chinese);
  }

  /** The English header, also the name reports use (the Chinese one for personal columns, which have none). */
  public String english() {
    return english != null ? english : chinese.get(0);
  }

  /** The export's header, or the English one for columns only StoreDash's layout has. */
  public String chinese() {
    return chinese.isEmpty() ? english : chinese.get(0);
  }

  public Level level() {
    return level;
  }

  public Kind kind() {
    return kind;
  }

  public Need need() {
    return need;
  }

  /** Whether the value belongs to the order and repeats on each of its lines. */
  public boolean orderLevel() {
    return level == Level.ORDER;
  }

  /** "订单ID / order_id", for messages. */
  public String bothNames() {
    if (chinese.isEmpty()) {
      return english;
    }
    return english == null ? chinese.get(0) : chinese.get(0) + " / " + english;
  }

  /**
   * The column a header cell names, or null. English names match in any case and with spaces or hyphens for
   * underscores ("Order ID", "order-id"); Chinese names match exactly, surrounding spaces ignored.
   */
  public static ImportColumn ofHeader(String header) {
    String trimmed = header.strip();
    if (!trimmed.isEmpty() && trimmed.charAt(0) == '\uFEFF') {
      trimmed = trimmed.substring(1).strip();
    }
    String english = trimmed.toLowerCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
    for (ImportColumn column : values()) {
      if (english.equals(column.english) || column.chinese.contains(trimmed)) {
        return column;
      }
    }
    return null;
  }
}
