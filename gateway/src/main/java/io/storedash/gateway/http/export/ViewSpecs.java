package io.storedash.gateway.http.export;

import io.storedash.common.QueryKind;
import io.storedash.gateway.http.export.Column.Type;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.storedash.gateway.http.export.Column.labelled;
import static io.storedash.gateway.http.export.Column.of;
import static io.storedash.gateway.http.export.Column.ofPeriod;

/**
 * The column spec of every exportable view (docs/DESIGN.md §4.3, §13.1), in the page's words (its i18n.js): a new
 * kind of view is one more entry here. Columns name members of the view's JSON, so a member the view does not have
 * is an empty cell, and a member added later is exported once it is named here.
 */
final class ViewSpecs {

  /** The member of an overview figure's row that says how its values are shown. */
  static final String UNIT = "unit";
  /** The member of an overview figure's row that holds the figure's name. */
  static final String FIGURE = "figure";

  /** The overview's figures, by their JSON name: the page's names and how each is shown (§4.1, Kpi). */
  private static final Map<String, Figure> FIGURES = new LinkedHashMap<>();

  private record Figure(Label name, Cell.Shown shown) {
  }

  private static void figure(String name, String zh, String en, Cell.Shown shown) {
    FIGURES.put(name, new Figure(new Label(zh, en), shown));
  }

  static {
    figure("orders", "订单数", "Orders", Cell.Shown.COUNT);
    figure("invalid_orders", "无效订单", "Invalid orders", Cell.Shown.COUNT);
    figure("items", "销量", "Items sold", Cell.Shown.COUNT);
    figure("revenue", "商品实收额", "Revenue", Cell.Shown.MONEY);
    figure("gross_profit", "利润额", "Gross profit", Cell.Shown.MONEY);
    figure("profit", "订单实际利润", "Order profit", Cell.Shown.MONEY);
    figure("aov", "客单价", "Avg order value", Cell.Shown.MONEY);
    figure("profit_margin", "利润率", "Profit margin", Cell.Shown.PERCENT);
    figure("gmv", "GMV", "GMV", Cell.Shown.MONEY);
    figure("marketing_cost", "营销成本", "Marketing cost", Cell.Shown.MONEY);
    figure("marketing_rate", "营销成本率", "Marketing rate", Cell.Shown.PERCENT);
    figure("delivery_net_cost", "配送净成本", "Net delivery cost", Cell.Shown.MONEY);
    figure("service_fee", "平台服务费", "Platform service fee", Cell.Shown.MONEY);
    figure("profit_per_order", "单均利润", "Profit per order", Cell.Shown.MONEY);
    figure("marketing_per_order", "单均营销", "Marketing per order", Cell.Shown.MONEY);
    figure("delivery_per_order", "单均配送", "Delivery per order", Cell.Shown.MONEY);
    figure("cost", "成本", "Cost", Cell.Shown.MONEY);
    figure("rebate", "企客后返", "Corporate rebate", Cell.Shown.MONEY);
    figure("active_products", "动销商品数", "Products sold", Cell.Shown.COUNT);
  }

  private static final Map<String, Label> VALIDITY = Map.of("true", new Label("有效", "valid"),
    "false", new Label("无效（取消/退款）", "invalid (cancelled/refunded)"));
  private static final Map<String, Label> YES_NO = Map.of("true", new Label("是", "yes"), "false", new Label("否", "no"));
  private static final Map<String, Label> QUADRANTS = Map.of("star", new Label("明星", "Star"),
    "traffic", new Label("引流", "Traffic builder"), "potential", new Label("潜力", "Potential"),
    "laggard", new Label("问题", "Laggard"));
  private static final Map<String, Label> FLAGS = Map.of("negative_margin", new Label("负毛利", "Negative margin"),
    "declining", new Label("销量下滑", "Declining"), "markdown_dependent", new Label("依赖折扣", "Markdown-dependent"),
    "slow_moving", new Label("滞销", "Slow-moving"));
  private static final Map<String, Label> ACTION_RULES = Map.of(
    "losing_order", new Label("亏损订单", "Money-losing order"), "delivery_cost", new Label("配送成本超标", "Delivery cost over limit"),
    "stock_out", new Label("疑似缺货", "Possible stock-out"), "below_cost", new Label("低于成本销售", "Sold below cost"),
    "falling", new Label("销量下滑", "Falling sales"), "unsold", new Label("有库存未动销", "In stock, not selling"),
    "new_product", new Label("新品", "New product"), "margin_falling", new Label("利润率下滑", "Margin falling"),
    "top_seller", new Label("畅销", "Top seller"), "top_profit", new Label("利润贡献", "Top profit maker"));
  private static final Map<String, Label> RATINGS = Map.of("excellent", new Label("优秀", "Excellent"),
    "good", new Label("良好", "Good"), "improve", new Label("需改进", "Needs work"));
  private static final Map<String, Label> DAY_PARTS = Map.of("清晨", new Label("清晨", "Early morning"),
    "上午", new Label("上午", "Morning"), "正午", new Label("正午", "Midday"), "下午", new Label("下午", "Afternoon"),
    "傍晚", new Label("傍晚", "Evening"), "晚间", new Label("晚间", "Night"), "深夜", new Label("深夜", "Late night"),
    "凌晨", new Label("凌晨", "Small hours"));

  private static final Map<QueryKind, ViewSpec> SPECS = new EnumMap<>(QueryKind.class);
  /** Orders grouped by order ({@code group=order}): one row per order with its totals. */
  private static final ViewSpec ORDERS_BY_ORDER = ViewSpec.of(QueryKind.ORDERS, "订单", "orders",
    Table.list("orders", "订单", "Orders",
      of("order_id", "订单ID", "Order", Type.TEXT),
      of("ordered_at", "下单时间", "Ordered at", Type.TEXT),
      of("channel", "渠道", "Channel", Type.TEXT),
      labelled("valid_order", "订单状态", "Order status", Type.LABEL, VALIDITY),
      of("totals.items", "销量", "Items", Type.COUNT),
      of("totals.revenue", "商品实收额", "Revenue", Type.MONEY),
      of("totals.cost", "成本", "Cost", Type.MONEY),
      of("totals.gross_profit", "利润额", "Gross profit", Type.MONEY),
      of("totals.profit", "订单实际利润", "Order profit", Type.MONEY),
      of("totals.delivery_net_cost", "配送净成本", "Net delivery cost", Type.MONEY)));

  private static void spec(ViewSpec spec) {
    SPECS.put(spec.kind(), spec);
  }

  static {
    spec(ViewSpec.of(QueryKind.OVERVIEW, "核心指标", "key-figures",
      Table.figures("kpis", "核心指标", "Key figures",
        of(FIGURE, "指标", "Figure", Type.TEXT),
        of("kpis", "本期", "Current", Type.FIGURE),
        ofPeriod("previous", "上期", "Previous", Type.FIGURE, "previous"),
        ofPeriod("change", "环比", "vs previous", Type.CHANGE, "previous"),
        ofPeriod("previous_year", "去年同期", "Same days last year", Type.FIGURE, "previous_year"),
        ofPeriod("change_year", "同比", "vs last year", Type.CHANGE, "previous_year"))));
    spec(ViewSpec.of(QueryKind.TREND, "每日趋势", "trend",
      Table.list("days", "每日趋势", "Daily trend",
        of("day", "日期", "Day", Type.TEXT),
        of("orders", "订单数", "Orders", Type.COUNT),
        of("invalid_orders", "无效订单", "Invalid orders", Type.COUNT),
        of("items", "销量", "Items sold", Type.COUNT),
        of("revenue", "商品实收额", "Revenue", Type.MONEY),
        of("gross_profit", "利润额", "Gross profit", Type.MONEY),
        of("profit", "订单实际利润", "Order profit", Type.MONEY),
        of("aov", "客单价", "Avg order value", Type.MONEY),
        of("profit_margin", "利润率", "Profit margin", Type.PERCENT),
        of("gmv", "GMV", "GMV", Type.MONEY),
        of("marketing_cost", "营销成本", "Marketing cost", Type.MONEY),
        of("marketing_rate", "营销成本率", "Marketing rate", Type.PERCENT),
        of("delivery_net_cost", "配送净成本", "Net delivery cost", Type.MONEY),
        of("service_fee", "平台服务费", "Platform service fee", Type.MONEY))));
    spec(ViewSpec.of(QueryKind.CHANNELS, "渠道分析", "channels",
      Table.list("channels", "渠道分析", "Channels",
        of("channel", "渠道编码", "Channel code", Type.TEXT),
        of("name", "渠道", "Channel", Type.TEXT),
        labelled("charges_fee", "收取平台服务费", "Charges a service fee", Type.LABEL, YES_NO),
        of("orders", "订单数", "Orders", Type.COUNT),
        of("invalid_orders", "无效订单", "Invalid orders", Type.COUNT),
        of("items", "销量", "Items sold", Type.COUNT),
        of("revenue", "商品实收额", "Revenue", Type.MONEY),
        of("gross_profit", "利润额", "Gross profit", Type.MONEY),
        of("profit", "订单实际利润", "Order profit", Type.MONEY),
        of("aov", "客单价", "Avg order value", Type.MONEY),
        of("profit_margin", "利润率", "Profit margin", Type.PERCENT),
        of("gmv", "GMV", "GMV", Type.MONEY),
        of("marketing_cost", "营销成本", "Marketing cost", Type.MONEY),
        of("marketing_rate", "营销成本率", "Marketing rate", Type.PERCENT),
        of("delivery_net_cost", "配送净成本", "Net delivery cost", Type.MONEY),
        of("service_fee", "平台服务费", "Platform service fee", Type.MONEY),
        of("profit_per_order", "单均利润", "Profit per order", Type.MONEY),
        of("marketing_per_order", "单均营销", "Marketing per order", Type.MONEY),
        of("delivery_per_order", "单均配送", "Delivery per order", Type.MONEY),
        of("cost", "成本", "Cost", Type.MONEY),
        of("rebate", "企客后返", "Corporate rebate", Type.MONEY),
        of("revenue_share", "收入占比", "Revenue share", Type.PERCENT),
        of("order_share", "订单占比", "Order share", Type.PERCENT),
        of("cost_structure.product_cost", "商品成本占比", "Product cost share", Type.PERCENT),
        of("cost_structure.consumables_cost", "耗材占比", "Consumables share", Type.PERCENT),
        of("cost_structure.product_discount", "商品减免占比", "Product discounts share", Type.PERCENT),
        of("cost_structure.other_marketing", "其他营销占比", "Other marketing share", Type.PERCENT),
        of("cost_structure.delivery_cost", "配送占比", "Delivery share", Type.PERCENT),
        of("cost_structure.service_fee", "平台服务费占比", "Service fee share", Type.PERCENT),
        of("previous.revenue", "上期商品实收额", "Previous revenue", Type.MONEY),
        of("change.revenue", "商品实收额环比", "Revenue vs previous", Type.CHANGE),
        of("previous.profit", "上期订单实际利润", "Previous order profit", Type.MONEY),
        of("change.profit", "订单实际利润环比", "Order profit vs previous", Type.CHANGE),
        of("previous.orders", "上期订单数", "Previous orders", Type.COUNT),
        of("change.orders", "订单数环比", "Orders vs previous", Type.CHANGE),
        labelled("rating", "评级", "Rating", Type.LABEL, RATINGS))));
    spec(ViewSpec.of(QueryKind.CATEGORIES, "品类销售", "categories",
      Table.list("categories", "品类销售", "Categories",
        of("category", "品类", "Category", Type.TEXT),
        of("quantity", "销量", "Qty", Type.COUNT),
        of("revenue", "商品实收额", "Revenue", Type.MONEY),
        of("gross_profit", "利润额", "Gross profit", Type.MONEY),
        of("gross_margin", "毛利率", "Gross margin", Type.PERCENT),
        of("revenue_share", "收入占比", "Revenue share", Type.PERCENT),
        of("products", "商品数", "Products", Type.COUNT))));
    spec(ViewSpec.of(QueryKind.HOURS, "时段与配送距离", "hours",
      Table.list("hours", "各小时", "Hours",
        of("hour", "小时", "Hour", Type.COUNT),
        of("orders", "订单数", "Orders", Type.COUNT),
        of("items", "销量", "Items sold", Type.COUNT),
        of("revenue", "商品实收额", "Revenue", Type.MONEY),
        of("profit", "订单实际利润", "Order profit", Type.MONEY)),
      Table.list("day_parts", "时段", "Day parts",
        labelled("name", "时段", "Day part", Type.LABEL, DAY_PARTS),
        of("from", "开始（时）", "From (h)", Type.COUNT),
        of("to", "结束（时）", "To (h)", Type.COUNT),
        of("orders", "订单数", "Orders", Type.COUNT),
        of("items", "销量", "Items sold", Type.COUNT),
        of("revenue", "商品实收额", "Revenue", Type.MONEY),
        of("profit", "订单实际利润", "Order profit", Type.MONEY),
        of("order_share", "订单占比", "Order share", Type.PERCENT),
        of("aov", "客单价", "Avg order value", Type.MONEY),
        of("profit_per_order", "单均利润", "Profit per order", Type.MONEY)),
      Table.list("distance_bands", "配送距离", "Delivery distance",
        of("band", "配送距离", "Distance", Type.TEXT),
        of("from_km", "起（公里）", "From (km)", Type.COUNT),
        of("to_km", "止（公里）", "To (km)", Type.COUNT),
        of("orders", "订单数", "Orders", Type.COUNT),
        of("revenue", "商品实收额", "Revenue", Type.MONEY),
        of("profit", "订单实际利润", "Order profit", Type.MONEY),
        of("order_share", "订单占比", "Order share", Type.PERCENT),
        of("aov", "客单价", "Avg order value", Type.MONEY),
        of("profit_per_order", "单均利润", "Profit per order", Type.MONEY),
        of("delivery_per_order", "单均配送", "Delivery per order", Type.MONEY))));
    spec(ViewSpec.of(QueryKind.PRODUCTS, "商品明细", "products",
      Table.list("products", "商品明细", "Products",
        of("sku", "商品编码", "SKU", Type.TEXT),
        of("name", "商品", "Product", Type.TEXT),
        of("category", "品类", "Category", Type.TEXT),
        of("quantity", "销量", "Qty", Type.COUNT),
        of("orders", "订单行数", "Order lines", Type.COUNT),
        of("revenue", "商品实收额", "Revenue", Type.MONEY),
        of("gross_profit", "利润额", "Gross profit", Type.MONEY),
        of("gross_margin", "毛利率", "Gross margin", Type.PERCENT),
        of("markdown_rate", "折扣率", "Markdown rate", Type.PERCENT),
        of("revenue_share", "收入占比", "Revenue share", Type.PERCENT))));
    spec(ViewSpec.of(QueryKind.RANKING, "门店排行", "ranking",
      Table.list("stores", "门店排行", "Store ranking",
        of("rank", "排名", "#", Type.COUNT),
        of("code", "门店编码", "Store code", Type.TEXT),
        of("name", "门店", "Store", Type.TEXT),
        of("city", "城市", "City", Type.TEXT),
        of("revenue", "商品实收额", "Revenue", Type.MONEY),
        of("profit", "订单实际利润", "Order profit", Type.MONEY),
        of("orders", "订单数", "Orders", Type.COUNT),
        of("profit_margin", "利润率", "Profit margin", Type.PERCENT),
        of("growth", "收入增长", "Revenue growth", Type.PERCENT),
        of("gmv", "GMV", "GMV", Type.MONEY),
        of("marketing_rate", "营销成本率", "Marketing rate", Type.PERCENT),
        of("delivery_net_cost", "配送净成本", "Net delivery cost", Type.MONEY),
        of("previous.revenue", "上期商品实收额", "Previous revenue", Type.MONEY),
        of("previous.profit", "上期订单实际利润", "Previous order profit", Type.MONEY),
        of("previous.orders", "上期订单数", "Previous orders", Type.COUNT),
        of("previous.profit_margin", "上期利润率", "Previous profit margin", Type.PERCENT))));
    spec(ViewSpec.of(QueryKind.ORDERS, "订单明细", "order-lines",
      Table.list("lines", "订单明细", "Order lines",
        of("order_id", "订单ID", "Order", Type.TEXT),
        of("ordered_at", "下单时间", "Ordered at", Type.TEXT),
        of("channel", "渠道", "Channel", Type.TEXT),
        of("sku", "商品编码", "SKU", Type.TEXT),
        of("product_name", "商品", "Product", Type.TEXT),
        of("quantity", "销量", "Qty", Type.COUNT),
        of("unit_price", "实收价格", "Unit price", Type.MONEY),
        of("list_price", "商品原价", "List price", Type.MONEY),
        of("revenue", "商品实收额", "Revenue", Type.MONEY),
        of("cost", "成本", "Cost", Type.MONEY),
        of("gross_profit", "利润额", "Gross profit", Type.MONEY),
        of("service_fee", "平台服务费", "Service fee", Type.MONEY),
        labelled("valid_order", "订单状态", "Order status", Type.LABEL, VALIDITY))));
    spec(ViewSpec.of(QueryKind.DIAGNOSIS, "商品健康诊断", "product-health",
      Table.list("products", "商品健康诊断", "Product health",
        of("sku", "商品编码", "SKU", Type.TEXT),
        of("name", "商品", "Product", Type.TEXT),
        of("category", "品类", "Category", Type.TEXT),
        labelled("quadrant", "象限", "Quadrant", Type.LABEL, QUADRANTS),
        of("score", "健康分", "Score", Type.COUNT),
        labelled("flags", "问题", "Issues", Type.LABELS, FLAGS),
        of("flags", "建议", "Advice", Type.ADVICE),
        of("quantity", "销量", "Qty", Type.COUNT),
        of("orders", "订单行数", "Order lines", Type.COUNT),
        of("revenue", "商品实收额", "Revenue", Type.MONEY),
        of("gross_profit", "利润额", "Gross profit", Type.MONEY),
        of("gross_margin", "毛利率", "Gross margin", Type.PERCENT),
        of("markdown_rate", "折扣率", "Markdown rate", Type.PERCENT),
        of("revenue_share", "收入占比", "Revenue share", Type.PERCENT),
        of("first_half_quantity", "前半段销量", "First-half qty", Type.COUNT),
        of("second_half_quantity", "后半段销量", "Second-half qty", Type.COUNT),
        of("trend", "销量变化", "Qty trend", Type.PERCENT),
        of("last_sale_day", "最近售出日", "Last sale", Type.TEXT),
        of("days_since_last_sale", "未售天数", "Days since last sale", Type.COUNT))));
  }

  static {
    // 今日必做 (§14.1): one sheet per section; each rule's figures differ, so the columns are the figures the rules
    // share by name (an item without one leaves its cell empty) and the advice, which states the rest.
    spec(ViewSpec.of(QueryKind.ACTIONS, "今日必做", "actions",
      actionsTable("urgent", "紧急", "Urgent"), actionsTable("watch", "关注", "Watch"),
      actionsTable("highlights", "亮点", "Highlights")));
  }

  static {
    // The chain's money-losing products (§13.2): one row per product, the stores it loses money in joined in a cell.
    spec(ViewSpec.of(QueryKind.LOSING_PRODUCTS, "亏损商品", "losing-products",
      Table.list("products", "亏损商品", "Money-losing products",
        of("sku", "商品编码", "SKU", Type.TEXT),
        of("name", "商品", "Product", Type.TEXT),
        of("category", "品类", "Category", Type.TEXT),
        of("quantity", "销量", "Qty", Type.COUNT),
        of("revenue", "商品实收额", "Revenue", Type.MONEY),
        of("gross_profit", "利润额", "Gross profit", Type.MONEY),
        of("gross_margin", "毛利率", "Gross margin", Type.PERCENT),
        labelled("stores", "亏损门店", "Stores losing money", Type.LABELS, Map.of()))));
  }

  private static Table actionsTable(String section, String zh, String en) {
    return Table.list(section, zh, en,
      labelled("rule", "事项", "Rule", Type.LABEL, ACTION_RULES),
      of("store", "门店", "Store", Type.TEXT),
      of("subject.id", "订单/商品编码", "Order / SKU", Type.TEXT),
      of("subject.name", "名称", "Name", Type.TEXT),
      of("figures.quantity", "销量", "Qty", Type.COUNT),
      of("figures.previous_quantity", "上期销量", "Previous qty", Type.COUNT),
      of("figures.revenue", "商品实收额", "Revenue", Type.MONEY),
      of("figures.gross_profit", "利润额", "Gross profit", Type.MONEY),
      of("figures.profit", "订单实际利润", "Order profit", Type.MONEY),
      of("figures.loss", "亏损额", "Loss", Type.MONEY),
      of("figures.delivery_net_cost", "配送净成本", "Net delivery cost", Type.MONEY),
      of("figures.excess", "超出", "Excess", Type.MONEY),
      of("figures.change", "变化", "Change", Type.PERCENT),
      of("figures.change_points", "变化（百分点）", "Change (points)", Type.POINTS),
      of("figures.days_without_sale", "未售天数", "Days without sale", Type.COUNT),
      of("figures.stock", "剩余库存", "Stock", Type.COUNT),
      of("advice", "建议", "Advice", Type.LOCALISED));
  }

  private ViewSpecs() {
  }

  /** The kinds that export. */
  static boolean exports(QueryKind kind) {
    return SPECS.containsKey(kind);
  }

  /** The spec of a kind's export, as its parameters shape the view ({@code group=order} lists orders, not lines). */
  static ViewSpec forView(QueryKind kind, Map<String, String> params) {
    if (kind == QueryKind.ORDERS && "order".equals(params.get("group"))) {
      return ORDERS_BY_ORDER;
    }
    ViewSpec spec = SPECS.get(kind);
    if (spec == null) {
      throw new IllegalArgumentException(kind.wireName() + " does not export");
    }
    return spec;
  }

  /**
   * One figure of the overview as a row: its name and unit, then its value in every member of the view that holds
   * figures by name ({@code kpis}, {@code previous}, {@code change}, and {@code previous_year}, {@code change_year}
   * where the view has them).
   */
  static Map<String, Object> figureRow(String name, Map<String, Object> view) {
    Figure figure = FIGURES.get(name);
    Map<String, Object> row = new LinkedHashMap<>();
    row.put(FIGURE, figure == null ? new Label(name, name) : figure.name());
    row.put(UNIT, figure == null ? Cell.Shown.DECIMAL : figure.shown());
    view.forEach((member, value) -> {
      if (value instanceof Map<?, ?> figures && figures.containsKey(name)) {
        row.put(member, figures.get(name));
      }
    });
    return row;
  }
}
