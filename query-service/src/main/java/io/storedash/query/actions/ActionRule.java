package io.storedash.query.actions;

import java.util.Locale;

/**
 * The rules of the 今日必做 list (docs/DESIGN.md §14.1), in the order the list shows them, each with its section and
 * its advice in Chinese and English. An advice template takes the item's own figures ({@link String#format} with
 * {@link Locale#ROOT}).
 */
public enum ActionRule {
  LOSING_ORDER(Section.URGENT,
    "订单 %s 亏损 %s 元（利润额 %s，平台服务费 %s，配送 %s）：核对商品定价、优惠叠加与配送费设置。",
    "Order %s lost %s yuan (gross profit %s, service fee %s, delivery %s): check the prices, stacked discounts and the delivery fee."),
  DELIVERY_COST(Section.URGENT,
    "订单 %s 配送净成本 %s 元，超出 %s 元：检查配送范围、起送价和用户配送费，远单考虑提高配送费或起送价。",
    "Order %s cost %s yuan of net delivery, %s above the limit: check the delivery radius, minimum order and delivery fee."),
  STOCK_OUT(Section.URGENT,
    "昨日畅销第 %d 名（售出 %d 件）今日零销量：立即查库存与上架状态，缺货马上补货。",
    "Yesterday's number %d seller (%d sold) sold nothing today: check its stock and listing now, and restock if it ran out."),
  BELOW_COST(Section.URGENT,
    "实收单价 %s 元低于单位成本 %s 元，共亏 %s 元：检查折扣与活动价，调整售价或停止该活动。",
    "Sold at %s yuan a unit, below its unit cost of %s, losing %s: check its discounts and promotion price, then reprice or stop the promotion."),
  FALLING(Section.WATCH,
    "近 7 天销量 %d，较前 7 天 %d 下降 %s%%：检查缺货、价格与竞品，考虑促销拉动。",
    "%d sold in the last 7 days against %d the 7 before, down %s %%: look for stock-outs, price changes and competitors; consider a promotion."),
  UNSOLD(Section.WATCH,
    "已连续 %d 天无销售，仍有库存 %d：检查陈列与各渠道上架，考虑打折清库存。",
    "No sale for %d days with %d in stock: check its display and listing on every channel, and consider a markdown to clear it."),
  NEW_PRODUCT(Section.WATCH,
    "新品首日售出 %d 件：跟踪后续三天销量，决定是否加大陈列与备货。",
    "A new product sold %d on its first day: follow the next three days and decide on more display and stock."),
  MARGIN_FALLING(Section.WATCH,
    "近 7 天利润率 %s%%，较前 7 天 %s%% 下降 %s 个百分点：检查营销投入、配送成本与亏损订单。",
    "Profit margin %s %% over the last 7 days against %s %% the 7 before, down %s points: check marketing spend, delivery cost and losing orders."),
  TOP_SELLER(Section.HIGHLIGHTS,
    "今日销量第 %d 名，售出 %d 件：保证库存充足，可作为引流主推。",
    "Number %d seller today with %d sold: keep it in stock and feature it to draw orders."),
  TOP_PROFIT(Section.HIGHLIGHTS,
    "今日利润第 %d 名，利润额 %s 元：保持价格与陈列，可做组合搭售。",
    "Number %d profit maker today with %s yuan of gross profit: keep its price and display, and bundle it.");

  /** The list's three sections. */
  public enum Section {
    URGENT, WATCH, HIGHLIGHTS;

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Section section;
  private final String zh;
  private final String en;

  ActionRule(Section section, String zh, String en) {
    this.section = section;
    this.zh = zh;
    this.en = en;
  }

  public Section section() {
    return section;
  }

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public String adviceZh(Object... figures) {
    return String.format(Locale.ROOT, zh, figures);
  }

  public String adviceEn(Object... figures) {
    return String.format(Locale.ROOT, en, figures);
  }
}
