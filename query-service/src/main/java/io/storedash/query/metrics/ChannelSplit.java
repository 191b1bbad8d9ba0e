package io.storedash.query.metrics;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The chain's figures of a store (or the chain) per sales channel, for a range and the previous range of equal
 * length: every channel with orders in either range, by revenue (highest first, then by code), each with its shares
 * of revenue and orders, its cost structure as rates of 商品实收额, its changes and its rating (docs/DESIGN.md §4.1).
 */
public record ChannelSplit(String store, DayRange range, List<ChannelFigures> channels) {

  /** One channel's sums for the range and the previous range. */
  public record ChannelFigures(String code, String name, boolean chargesFee, KpiTotals current, KpiTotals previous) {
  }

  /** A channel's rating: 优秀, 良好 or 需改进. */
  public enum Rating {
    EXCELLENT("优秀"), GOOD("良好"), IMPROVE("需改进");

    private final String label;

    Rating(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  private static final BigDecimal EXCELLENT_MARGIN = new BigDecimal("0.15");
  private static final BigDecimal GOOD_MARGIN = new BigDecimal("0.10");
  private static final BigDecimal GOOD_REVENUE_FALL = new BigDecimal("-0.10");

  /**
   * 优秀 when 利润率 > 15 % and revenue or profit grew; 良好 when 利润率 > 10 % and revenue fell by less than 10 % (or
   * there was none before); else 需改进. Null for a channel without valid orders in the range.
   */
  public static Rating rating(KpiTotals current, KpiTotals previous) {
    if (current.orders() == 0) {
      return null;
    }
    BigDecimal margin = Kpi.PROFIT_MARGIN.exact(current);
    if (margin == null) {
      return Rating.IMPROVE;
    }
    boolean revenueGrew = current.revenue() > previous.revenue();
    boolean profitGrew = current.profit() > previous.profit();
    if (margin.compareTo(EXCELLENT_MARGIN) > 0 && (revenueGrew || profitGrew)) {
      return Rating.EXCELLENT;
    }
    boolean fellLittle = previous.revenue() <= 0 || Kpi.ratio(current.revenue() - previous.revenue(), previous.revenue())
      .compareTo(GOOD_REVENUE_FALL) > 0;
    if (margin.compareTo(GOOD_MARGIN) > 0 && fellLittle) {
      return Rating.GOOD;
    }
    return Rating.IMPROVE;
  }

  /** The cost structure: each cost as a rate of 商品实收额 (4 decimals; null without revenue). */
  public static Map<String, Object> costStructure(KpiTotals t) {
    Map<String, Object> rates = new LinkedHashMap<>();
    rates.put("product_cost", rate(t.productCost(), t.revenue()));
    rates.put("consumables_cost", rate(t.consumablesCost(), t.revenue()));
    rates.put("product_discount", rate(t.productDiscount(), t.revenue()));
    rates.put("other_marketing", rate(t.otherMarketing(), t.revenue()));
    rates.put("delivery_cost", rate(t.deliveryNetCost(), t.revenue()));
    rates.put("service_fee", rate(t.serviceFee(), t.revenue()));
    return rates;
  }

  /**
   * {@code {"store", "from", "to", "previous": {"from", "to"}, "channels": [{"channel", "name", "charges_fee",
   * <every figure of overview>, "revenue_share", "order_share", "cost_structure", "previous": {...}, "change",
   * "rating", "rating_label"}]}}
   */
  public Map<String, Object> toMap() {
    long totalRevenue = channels.stream().mapToLong(c -> c.current().revenue()).sum();
    long totalOrders = channels.stream().mapToLong(c -> c.current().orders()).sum();
    List<ChannelFigures> order = new ArrayList<>(channels);
    order.sort(Comparator.comparingLong((ChannelFigures c) -> -c.current().revenue()).thenComparing(ChannelFigures::code));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (ChannelFigures channel : order) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("channel", channel.code());
      row.put("name", channel.name());
      row.put("charges_fee", channel.chargesFee());
      row.putAll(Overview.kpis(channel.current()));
      row.put("revenue_share", rate(channel.current().revenue(), totalRevenue));
      row.put("order_share", rate(channel.current().orders(), totalOrders));
      row.put("cost_structure", costStructure(channel.current()));
      row.put("previous", Overview.kpis(channel.previous()));
      row.put("change", Overview.changes(channel.current(), channel.previous()));
      Rating rating = rating(channel.current(), channel.previous());
      row.put("rating", rating == null ? null : rating.name().toLowerCase(Locale.ROOT));
      row.put("rating_label", rating == null ? null : rating.label());
      rows.add(row);
    }
    DayRange before = range.previous();
    Map<String, Object> previousRange = new LinkedHashMap<>();
    previousRange.put("from", before.from().toString());
    previousRange.put("to", before.to().toString());
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("store", store);
    map.put("from", range.from().toString());
    map.put("to", range.to().toString());
    map.put("previous", previousRange);
    map.put("channels", rows);
    return map;
  }

  private static BigDecimal rate(long numerator, long denominator) {
    return Figures.ratio(numerator, denominator);
  }
}
