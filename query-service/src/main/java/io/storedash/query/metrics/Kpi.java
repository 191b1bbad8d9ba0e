package io.storedash.query.metrics;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.function.Function;

/**
 * The KPIs of an overview, in the order they appear in JSON, with their exact definitions (docs/DESIGN.md §4.1).
 * Values are computed exactly and rounded half-up only when they are written: money to 2 decimals of a yuan,
 * ratios to 4 decimals. A ratio over a zero denominator has no value (null).
 */
public enum Kpi {
  ORDERS("orders", Unit.COUNT, t -> BigDecimal.valueOf(t.orders())),
  ITEMS("items", Unit.COUNT, t -> BigDecimal.valueOf(t.items())),
  REVENUE("revenue", Unit.MONEY, t -> yuan(t.revenue())),
  GROSS_PROFIT("gross_profit", Unit.MONEY, t -> yuan(t.grossProfit())),
  DISCOUNT("discount", Unit.MONEY, t -> yuan(t.discount())),
  DELIVERY_COST("delivery_cost", Unit.MONEY, t -> yuan(t.deliveryCost())),
  PLATFORM_FEE("platform_fee", Unit.MONEY, t -> yuan(t.platformFee())),
  CUSTOMER_DELIVERY_FEE("customer_delivery_fee", Unit.MONEY, t -> yuan(t.customerDeliveryFee())),
  PACKAGING_FEE("packaging_fee", Unit.MONEY, t -> yuan(t.packagingFee())),
  NET_REVENUE("net_revenue", Unit.MONEY, t -> yuan(t.netRevenue())),
  PROFIT("profit", Unit.MONEY, t -> yuan(t.profit())),
  AOV("aov", Unit.MONEY, t -> ratio(t.netRevenue(), t.orders() * 100)),
  GROSS_MARGIN("gross_margin", Unit.RATIO, t -> ratio(t.grossProfit(), t.revenue())),
  PROFIT_MARGIN("profit_margin", Unit.RATIO, t -> ratio(t.profit(), t.revenue())),
  DISCOUNT_RATE("discount_rate", Unit.RATIO, t -> ratio(t.discount(), t.revenue())),
  DELIVERY_COST_RATIO("delivery_cost_ratio", Unit.RATIO, t -> ratio(t.deliveryCost(), t.revenue()));

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
  private final Unit unit;
  private final Function<KpiTotals, BigDecimal> value;

  Kpi(String wireName, Unit unit, Function<KpiTotals, BigDecimal> value) {
    this.wireName = wireName;
    this.unit = unit;
    this.value = value;
  }

  public String wireName() {
    return wireName;
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
    BigDecimal exact = exact(totals);
    if (exact == null) {
      return null;
    }
    return unit == Unit.COUNT ? exact.longValueExact() : exact.setScale(unit.scale(), RoundingMode.HALF_UP);
  }

  /**
   * (current − previous) / previous of the exact values, as a 4-decimal ratio; null when the previous value is
   * zero or either value does not exist.
   */
  public BigDecimal change(KpiTotals current, KpiTotals previous) {
    return change(exact(current), exact(previous));
  }

  public static BigDecimal change(BigDecimal current, BigDecimal previous) {
    if (current == null || previous == null || previous.signum() == 0) {
      return null;
    }
    return current.subtract(previous).divide(previous, EXACT).setScale(Unit.RATIO.scale(), RoundingMode.HALF_UP);
  }

  private static BigDecimal yuan(long cents) {
    return BigDecimal.valueOf(cents, 2);
  }

  private static BigDecimal ratio(long numerator, long denominator) {
    return denominator == 0 ? null : BigDecimal.valueOf(numerator).divide(BigDecimal.valueOf(denominator), EXACT);
  }
}
