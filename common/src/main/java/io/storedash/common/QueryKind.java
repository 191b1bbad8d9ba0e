package io.storedash.common;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/** The questions a dashboard can ask; each is one kind of {@link DashboardQuery}. */
public enum QueryKind {
  STORES(true, Map.of()),
  OVERVIEW(true, Map.of()),
  TREND(true, Map.of()),
  CHANNELS(true, Map.of()),
  CATEGORIES(true, Map.of()),
  HOURS(true, Map.of()),
  PRODUCTS(false, Map.of("sort", "revenue", "page", "1", "size", "20")),
  RANKING(true, Map.of("metric", "revenue", "page", "1", "size", "100")),
  ORDERS(false, Map.of("page", "1", "size", "50")),
  DIAGNOSIS(false, Map.of("page", "1", "size", "50")),
  /** 今日必做: the day's action list (docs/DESIGN.md §14.1); one day, {@code day}, never a range. */
  ACTIONS(true, Map.of()),
  /** Products with a gross loss over the range, with the stores they lose money in (docs/DESIGN.md §13.2). */
  LOSING_PRODUCTS(true, Map.of("page", "1", "size", "50"));

  private final boolean allowsAllStores;
  private final Map<String, String> defaults;

  QueryKind(boolean allowsAllStores, Map<String, String> defaults) {
    this.allowsAllStores = allowsAllStores;
    this.defaults = defaults;
  }

  /**
   * Parameters a query of this kind always has; {@link DashboardQuery} fills in those the request left out, so a
   * page asked for with and without its default parameters shares one cache entry.
   */
  public Map<String, String> defaults() {
    return defaults;
  }

  /** Whether {@code store = all} (the whole chain) is meaningful for this kind. */
  public boolean allowsAllStores() {
    return allowsAllStores;
  }

  /** The lower-case name used on the wire, in routes and in cache keys ({@code losing-products}: a URL's word). */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  public static QueryKind fromWire(String name) {
    if (name != null) {
      for (QueryKind kind : values()) {
        if (kind.wireName().equals(name)) {
          return kind;
        }
      }
    }
    throw new IllegalArgumentException("unknown query kind '" + name + "', expected one of "
      + Arrays.stream(values()).map(QueryKind::wireName).toList());
  }
}
