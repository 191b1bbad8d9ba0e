package io.storedash.query.metrics;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * The figures of the chain's calculation standard, in the order they appear in JSON, with their definitions
 * (docs/DESIGN.md §4.1) and the chain's names for them. Values are computed exactly and rounded half-up only when they
 * are written: money to 2 decimals of a yuan, ratios to 4 decimals. A ratio over a zero denominator has no value (null).
 * 动销商品数 is not here: it counts distinct products, which no sum gives ({@link Overview}).
 */
public enum Kpi {
  ORDERS("orders", "订单数", Unit.COUNT, t -> BigDecimal.valueOf(t.orders())),
  INVALID_ORDERS("invalid_orders", "无效订单", Unit.COUNT, t -> BigDecimal.valueOf(t.invalidOrders())),
  ITEMS("items", "销量", Unit.COUNT, t -> BigDecimal.valueOf(t.items())),
  REVENUE("revenue", "商品实收额", Unit.MONEY, t -> yuan(t.revenue())),
  GROSS_PROFIT("gross_profit", "利润额", Unit.MONEY, t -> yuan(t.grossProfit())),
  PROFIT("profit", "订单实际利润", Unit.MONEY, t -> yuan(t.profit())),
  AOV("aov", "客单价", Unit.MONEY, t -> ratio(t.revenue(), t.orders() * 100)),
  PROFIT_MARGIN("profit_margin", "利润率", Unit.RATIO, t -> ratio(t.profit(), t.revenue())),
  GMV("gmv", "GMV", Unit.MONEY, t -> yuan(t.gmv())),
  MARKETING_COST("marketing_cost", "营销成本", Unit.MONEY, t -> yuan(t.marketing())),
  MARKETING_RATE("marketing_rate", "营销成本率", Unit.RATIO, t -> ratio(t.marketing(), t.gmv())),
  DELIVERY_NET_COST("delivery_net_cost", "配送净成本", Unit.MONEY, t -> yuan(t.deliveryNetCost())),
  SERVICE_FEE("service_fee", "平台服务费", Unit.MONEY, t -> yuan(t.serviceFee())),
  PROFIT_PER_ORDER("profit_per_order", "单均利润", Unit.MONEY, t -> ratio(t.profit(), t.orders() * 100)),
  MARKETING_PER_ORDER("marketing_per_order", "单均营销", Unit.MONEY, t -> ratio(t.marketing(), t.orders() * 100)),
  DELIVERY_PER_ORDER("delivery_per_order", "单均配送", Unit.MONEY, t -> ratio(t.deliveryNetCost(), t.orders() * 100)),
  COST("cost", "成本", Unit.MONEY, t -> yuan(t.cost())),
  REBATE("rebate", "企客后返", Unit.MONEY, t -> yuan(t.rebate()));

  /** How a value is written: whole numbers, yuan with 2 decimals, or ratios with 4. */
  public enum Unit {
    COUNT(0), MONEY(2), RATIO(4);

    private final int scale;

    Unit(int scale) {
      this.scale = scale;
    }

    public int scale() {
      return scale;
    }
  }

  // Enough digits that rounding to 4 decimals afterwards never depends on the intermediate precision.
  private static final MathContext EXACT = MathContext.DECIMAL128;

  private final String wireName;
  private final String label;
  private final Unit unit;
  private final Function<KpiTotals, BigDecimal> value;

  Kpi(String wireName, String label, Unit unit, Function<KpiTotals, BigDecimal> value) {
    this.wireName = wireName;
    this.label = label;
    this.unit = unit;
    this.value = value;
  }

  public String wireName() {
    return wireName;
  }

  /** The chain's name for the figure, as the page shows it. */
  public String label() {
    return label;
  }

  public Unit unit() {
    return unit;
  }

  /** The unrounded value (money in yuan), or null when it is a ratio over zero. */
  public BigDecimal exact(KpiTotals totals) {
    return value.apply(totals);
  }

  /** The value as it is written: a {@link Long} for counts, a {@link BigDecimal} of the unit's scale, or null. */
  public Number written(KpiTotals totals) {
    return written(unit, exact(totals));
  }

  static Number written(Unit unit, BigDecimal exact) {
    if (exact == null) {
      return null;
    }
    return unit == Unit.COUNT ? exact.longValueExact() : exact.setScale(unit.scale(), RoundingMode.HALF_UP);
  }

  /** The change of this figure from {@code previous} to {@code current}: {@link #change(Unit, BigDecimal, BigDecimal)}. */
  public Map<String, Object> change(KpiTotals current, KpiTotals previous) {
    return change(unit, exact(current), exact(previous));
  }

  /**
   * 环比 as JSON: money and counts as a relative change, {@code {"relative": (current − previous) / previous}} (4
   * decimals; null when the previous value is 0 or either does not exist); ratios as a difference in percentage
   * points, {@code {"points": (current − previous) × 100}} (2 decimals; null when either does not exist).
   */
  public static Map<String, Object> change(Unit unit, BigDecimal current, BigDecimal previous) {
    Map<String, Object> change = new LinkedHashMap<>();
    if (unit == Unit.RATIO) {
      change.put("points", current == null || previous == null ? null
        : current.subtract(previous).movePointRight(2).setScale(2, RoundingMode.HALF_UP));
    } else {
      change.put("relative", relative(current, previous));
    }
    return change;
  }

  /** (current − previous) / previous as a 4-decimal ratio; null when the previous value is 0 or either is missing. */
  public static BigDecimal relative(BigDecimal current, BigDecimal previous) {
    if (current == null || previous == null || previous.signum() == 0) {
      return null;
    }
    return current.subtract(previous).divide(previous.abs(), EXACT).setScale(Unit.RATIO.scale(), RoundingMode.HALF_UP);
  }

  private static BigDecimal yuan(long cents) {
    return BigDecimal.valueOf(cents, 2);
  }

  static BigDecimal ratio(long numerator, long denominator) {
    return denominator == 0 ? null : BigDecimal.valueOf(numerator).divide(BigDecimal.valueOf(denominator), EXACT);
  }
}
