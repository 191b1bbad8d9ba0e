package io.storedash.query.ingest.csv;

import java.util.Locale;

/** The columns of an order export (docs/DESIGN.md §3.3), each known by its English or its Chinese header. */
public enum ImportColumn {
  ORDER_ID("order_id", "订单ID", Need.REQUIRED, true),
  STORE_CODE("store_code", "门店编码", Need.ONE_OF_STORE, true),
  STORE_NAME("store_name", "门店名称", Need.ONE_OF_STORE, true),
  CHANNEL("channel", "渠道", Need.REQUIRED, true),
  ORDERED_AT("ordered_at", "下单时间", Need.REQUIRED, true),
  SKU("sku", "商品编码", Need.OPTIONAL, false),
  PRODUCT_NAME("product_name", "商品名称", Need.REQUIRED, false),
  CATEGORY("category", "一级分类名", Need.OPTIONAL, false),
  QUANTITY("quantity", "销量", Need.REQUIRED, false),
  UNIT_PRICE("unit_price", "商品实售价", Need.REQUIRED, false),
  LIST_PRICE("list_price", "商品原价", Need.OPTIONAL, false),
  UNIT_COST("unit_cost", "成本", Need.REQUIRED, false),
  DELIVERY_COST("delivery_cost", "物流配送费", Need.OPTIONAL, true),
  PLATFORM_FEE("platform_fee", "平台服务费", Need.OPTIONAL, true),
  DISCOUNT("discount", "满减金额", Need.OPTIONAL, true),
  CUSTOMER_DELIVERY_FEE("customer_delivery_fee", "用户支付配送费", Need.OPTIONAL, true),
  PACKAGING_FEE("packaging_fee", "打包袋金额", Need.OPTIONAL, true);

  /** Whether a file must have the column. */
  public enum Need { REQUIRED, ONE_OF_STORE, OPTIONAL }

  private final String english;
  private final String chinese;
  private final Need need;
  private final boolean orderLevel;

  ImportColumn(String english, String chinese, Need need, boolean orderLevel) {
    this.english = english;
    this.chinese = chinese;
    this.need = need;
    this.orderLevel = orderLevel;
  }

  /** The English header, also the name reports use. */
  public String english() {
    return english;
  }

  public String chinese() {
    return chinese;
  }

  public Need need() {
    return need;
  }

  /** Whether the value belongs to the order and repeats on each of its lines. */
  public boolean orderLevel() {
    return orderLevel;
  }

  /** "订单ID / order_id", for messages. */
  public String bothNames() {
    return chinese + " / " + english;
  }

  /**
   * The column a header cell names, or null. English names match in any case and with spaces or hyphens for
   * underscores ("Order ID", "order-id"); Chinese names match exactly, surrounding spaces ignored.
   */
  public static ImportColumn ofHeader(String header) {
    String trimmed = header.strip();
    String english = trimmed.toLowerCase(Locale.ROOT).replace(' ', '_').replace('-', '_');
    for (ImportColumn column : values()) {
      if (column.english.equals(english) || column.chinese.equals(trimmed)) {
        return column;
      }
    }
    return null;
  }
}
