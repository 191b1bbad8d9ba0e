package io.storedash.query.admission;

import io.storedash.common.DashboardQuery;
import io.storedash.common.QueryKind;

import java.time.temporal.ChronoUnit;

/**
 * What an uncached computation costs of an admission budget (docs/DESIGN.md §12.3), in units of one store's 30-day
 * view: the kind's weight times the range's. A cost is never above the smallest budget, so any one question can run
 * when nothing else does.
 */
public final class AdmissionCost {

  /** Diagnosis reads every product of the store over two periods. */
  public static final int DIAGNOSIS = 4;
  /**
   * {@code losing-products} aggregates every product of every store asked (the per-store product rollup: a
   * diagnosis's work per store), whatever the page.
   */
  public static final int LOSING_PRODUCTS = 4;
  /** The ranking computes every store's figures and the previous period's. */
  public static final int RANKING = 2;
  /**
   * The 今日必做 list runs ten rules over two weeks of the product rollup and the day's orders and lines: about a
   * diagnosis's work for one store (docs/DESIGN.md §14.1).
   */
  public static final int ACTIONS = 4;
  /** A view over {@code all} (the chain or a set of stores) rather than one store. */
  public static final int ALL_STORES = 2;
  /** A range of up to this many days weighs 1; up to {@link #LONG_DAYS} 2; longer 3. */
  public static final int SHORT_DAYS = 31;
  public static final int LONG_DAYS = 92;

  private AdmissionCost() {
  }

  /** The cost of {@code query}, at most {@code cap} (and at least 1). */
  public static int of(DashboardQuery query, int cap) {
    int kind = switch (query.kind()) {
      case DIAGNOSIS -> DIAGNOSIS;
      case LOSING_PRODUCTS -> LOSING_PRODUCTS;
      case RANKING -> RANKING;
      case STORES -> 1;
      case ACTIONS -> query.coversAllStores() ? ACTIONS * ALL_STORES : ACTIONS;
      default -> query.coversAllStores() ? ALL_STORES : 1;
    };
    return Math.max(1, Math.min(cap, kind * rangeWeight(query)));
  }

  /** 1 for the default range (30 days) and ranges up to a month, 2 up to a quarter, 3 beyond. */
  static int rangeWeight(DashboardQuery query) {
    if (query.from() == null || query.kind() == QueryKind.STORES) {
      return 1;
    }
    long days = ChronoUnit.DAYS.between(query.from(), query.to()) + 1;
    return days <= SHORT_DAYS ? 1 : days <= LONG_DAYS ? 2 : 3;
  }
}
