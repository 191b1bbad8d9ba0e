package io.storedash.common;

import java.util.Arrays;
import java.util.Locale;

/** The questions a dashboard can ask; each is one kind of {@link DashboardQuery}. */
public enum QueryKind {
  STORES(true),
  OVERVIEW(true),
  TREND(true),
  CHANNELS(true),
  CATEGORIES(true),
  HOURS(true),
  PRODUCTS(false),
  RANKING(true),
  ORDERS(false),
  DIAGNOSIS(false);

  private final boolean allowsAllStores;

  QueryKind(boolean allowsAllStores) {
    this.allowsAllStores = allowsAllStores;
  }

  /** Whether {@code store = all} (the whole chain) is meaningful for this kind. */
  public boolean allowsAllStores() {
    return allowsAllStores;
  }

  /** The lower-case name used on the wire and in cache keys. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
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
