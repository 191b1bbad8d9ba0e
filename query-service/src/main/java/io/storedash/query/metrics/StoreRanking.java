package io.storedash.query.metrics;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * Every store ranked by one metric over a range, with the same figures for the previous range of equal length.
 * Highest first; a store whose value does not exist (a margin without revenue, growth without previous revenue) comes
 * last; ties go by store code, so the order is stable. Ranks are positions: 1, 2, 3, ... Every store is ranked,
 * one page of them is written ({@code page}, 1-based, of {@code size}), with the number of stores ranked.
 */
public record StoreRanking(DayRange range, Metric metric, List<StoreFigures> stores, int page, int size) {

  /** One store's sums for the range and for the previous range. */
  public record StoreFigures(String code, String name, String city, KpiTotals current, KpiTotals previous) {
  }

  /** What stores are ranked by; {@link #exact} is the unrounded value, null when it does not exist. */
  public enum Metric {
    REVENUE(t -> Figures.money(t.current().revenue())),
    PROFIT(t -> Figures.money(t.current().profit())),
    ORDERS(t -> BigDecimal.valueOf(t.current().orders())),
    PROFIT_MARGIN(t -> Figures.exactRatio(t.current().profit(), t.current().revenue())),
    /** Revenue change against the previous range. */
    GROWTH(t -> Figures.exactRatio(t.current().revenue() - t.previous().revenue(), t.previous().revenue()));

    private final Function<StoreFigures, BigDecimal> exact;

    Metric(Function<StoreFigures, BigDecimal> exact) {
      this.exact = exact;
    }

    public BigDecimal exact(StoreFigures store) {
      return exact.apply(store);
    }

    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    public static Metric fromWire(String name) {
      return valueOf(name.toUpperCase(Locale.ROOT));
    }
  }

  /**
   * {@code {"from", "to", "metric", "previous": {"from", "to"}, "stores": [{"rank", "code", "name", "city", "value",
   * "previous_value", "change", "revenue", "profit", "orders", "profit_margin", "growth",
   * "previous": {"revenue", "profit", "orders", "profit_margin"}}], "page", "size", "total"}} with "page", "size"
   * and "total" before "stores"
   */
  public Map<String, Object> toMap() {
    List<StoreFigures> sorted = new ArrayList<>(stores);
    sorted.sort(Comparator.comparing((StoreFigures s) -> metric.exact(s), Comparator.nullsLast(Comparator.reverseOrder()))
      .thenComparing(StoreFigures::code));
    int from = (int) Math.min((long) (page - 1) * size, sorted.size());
    int to = (int) Math.min((long) from + size, sorted.size());
    List<Map<String, Object>> rows = new ArrayList<>(to - from);
    int rank = from;
    for (StoreFigures s : sorted.subList(from, to)) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("rank", ++rank);
      row.put("code", s.code());
      row.put("name", s.name());
      row.put("city", s.city());
      row.put("value", written(metric, metric.exact(s)));
      BigDecimal previous = metric == Metric.GROWTH ? null : metric.exact(new StoreFigures(s.code(), s.name(), s.city(),
        s.previous(), KpiTotals.ZERO));
      row.put("previous_value", written(metric, previous));
      row.put("change", metric == Metric.GROWTH ? null : Kpi.change(metric == Metric.PROFIT_MARGIN ? Kpi.Unit.RATIO
        : Kpi.Unit.MONEY, metric.exact(s), previous));
      row.put("revenue", Figures.money(s.current().revenue()));
      row.put("profit", Figures.money(s.current().profit()));
      row.put("orders", s.current().orders());
      row.put("profit_margin", Figures.ratio(s.current().profit(), s.current().revenue()));
      row.put("growth", Figures.asRatio(Metric.GROWTH.exact(s)));
      row.put("gmv", Figures.money(s.current().gmv()));
      row.put("marketing_rate", Figures.ratio(s.current().marketing(), s.current().gmv()));
      row.put("delivery_net_cost", Figures.money(s.current().deliveryNetCost()));
      Map<String, Object> before = new LinkedHashMap<>();
      before.put("revenue", Figures.money(s.previous().revenue()));
      before.put("profit", Figures.money(s.previous().profit()));
      before.put("orders", s.previous().orders());
      before.put("profit_margin", Figures.ratio(s.previous().profit(), s.previous().revenue()));
      row.put("previous", before);
      rows.add(row);
    }
    DayRange before = range.previous();
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("from", range.from().toString());
    map.put("to", range.to().toString());
    map.put("metric", metric.wireName());
    Map<String, Object> previousRange = new LinkedHashMap<>();
    previousRange.put("from", before.from().toString());
    previousRange.put("to", before.to().toString());
    map.put("previous", previousRange);
    map.put("page", page);
    map.put("size", size);
    map.put("total", sorted.size());
    map.put("stores", rows);
    return map;
  }

  private static Object written(Metric metric, BigDecimal exact) {
    if (exact == null) {
      return null;
    }
    return switch (metric) {
      case ORDERS -> exact.longValueExact();
      case REVENUE, PROFIT -> exact;
      case PROFIT_MARGIN, GROWTH -> Figures.asRatio(exact);
    };
  }
}
