package io.storedash.query.diagnosis;

import java.util.Locale;

/** A product-health problem (docs/DESIGN.md §4.4), the points it costs, and what to do about it in Chinese and English. */
public enum HealthFlag {
  NEGATIVE_MARGIN("负毛利", 40,
    "售价低于进货成本，每卖一件都在亏钱：核对进价和售价；若作引流品，请限时限量并搭配高毛利商品，否则调价或停售。",
    "Sold below its purchase cost, so every unit loses money: check the cost and the price; keep it as a loss leader "
      + "only for a limited time and quantity next to high-margin products, otherwise raise the price or delist it."),
  DECLINING("销量下滑", 20,
    "后半段销量比前半段下降 30% 以上：检查是否缺货、陈列位置和竞品价格，可尝试组合促销，并相应减少补货。",
    "Sales in the second half of the period fell by 30 % or more against the first: check for stock-outs, shelf "
      + "placement and competitors' prices, try a bundle promotion, and order less until demand recovers."),
  MARKDOWN_DEPENDENT("依赖折扣", 15,
    "实售价比原价低 40% 以上，销量靠折扣撑起：逐步收窄折扣或下调原价，观察无折扣时的真实需求，避免长期让利。",
    "Sells at 40 % or more below its list price, so its sales rest on markdowns: narrow the discount step by step or "
      + "lower the list price, and measure demand without the discount before it becomes permanent."),
  SLOW_MOVING("滞销", 15,
    "已 7 天以上没有销售：确认库存和上架状态（是否缺货或下架），临期或积压库存尽快清理，长期无销量可考虑淘汰。",
    "No sale for 7 days or more: check stock and that it is listed on every channel, clear aged stock quickly, and "
      + "consider delisting it if it still does not sell.");

  private final String nameZh;
  private final int penalty;
  private final String adviceZh;
  private final String adviceEn;

  HealthFlag(String nameZh, int penalty, String adviceZh, String adviceEn) {
    this.nameZh = nameZh;
    this.penalty = penalty;
    this.adviceZh = adviceZh;
    this.adviceEn = adviceEn;
  }

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public String nameZh() {
    return nameZh;
  }

  /** Points this flag takes off the product's score. */
  public int penalty() {
    return penalty;
  }

  public String adviceZh() {
    return adviceZh;
  }

  public String adviceEn() {
    return adviceEn;
  }
}
