package io.storedash.common;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The parameters each kind of query takes and the values they allow, checked by {@link DashboardQuery} so that the
 * gateway, cache-service and query-service all refuse the same input with the same sentence.
 */
public final class QueryParams {

  /** Columns the product table sorts by, descending. */
  public static final List<String> PRODUCT_SORTS = List.of("revenue", "quantity", "gross_profit", "gross_margin", "orders");
  /** What stores are ranked by. */
  public static final List<String> RANKING_METRICS = List.of("revenue", "profit", "orders", "profit_margin", "growth");
  /** The quadrants a diagnosis may be narrowed to (docs/DESIGN.md §4.4). */
  public static final List<String> DIAGNOSIS_QUADRANTS = List.of("star", "traffic", "potential", "laggard");
  /** The flags a diagnosis may be narrowed to (docs/DESIGN.md §4.4). */
  public static final List<String> DIAGNOSIS_FLAGS = List.of("negative_margin", "declining", "markdown_dependent",
    "slow_moving");
  public static final int MAX_PAGE = 10_000;
  public static final int MAX_PRODUCT_PAGE_SIZE = 200;
  public static final int MAX_ORDER_PAGE_SIZE = 500;
  /** Products per page of a diagnosis: every list is paged, so no answer grows with the store (§12.4). */
  public static final int MAX_DIAGNOSIS_PAGE_SIZE = 500;
  /** Stores per page of the ranking. */
  public static final int MAX_RANKING_PAGE_SIZE = 1_000;

  private QueryParams() {
  }

  /** The parameter names a kind takes. */
  public static Set<String> namesOf(QueryKind kind) {
    return switch (kind) {
      case PRODUCTS -> Set.of("sort", "page", "size");
      case ORDERS -> Set.of("page", "size");
      case RANKING -> Set.of("metric", "page", "size");
      case DIAGNOSIS -> Set.of("page", "size", "quadrant", "flag");
      case ACTIONS -> Set.of("day");
      default -> Set.of();
    };
  }

  /**
   * @throws IllegalArgumentException naming the parameter and what it allows
   */
  static void validate(QueryKind kind, Map<String, String> params) {
    for (Map.Entry<String, String> e : params.entrySet()) {
      String name = e.getKey();
      String value = e.getValue();
      if (!namesOf(kind).contains(name)) {
        throw new IllegalArgumentException(kind.wireName() + " takes no parameter '" + name + "'"
          + (namesOf(kind).isEmpty() ? "" : " (it takes " + namesOf(kind).stream().sorted().toList() + ")"));
      }
      switch (name) {
        case "sort" -> oneOf(name, value, PRODUCT_SORTS);
        case "metric" -> oneOf(name, value, RANKING_METRICS);
        case "quadrant" -> oneOf(name, value, DIAGNOSIS_QUADRANTS);
        case "flag" -> oneOf(name, value, DIAGNOSIS_FLAGS);
        case "page" -> wholeNumber(name, value, MAX_PAGE);
        case "size" -> wholeNumber(name, value, maxPageSize(kind));
        case "day" -> DashboardQuery.parseDay(name, value);
        default -> throw new IllegalStateException("unchecked parameter " + name);
      }
    }
  }

  /** The largest page a paged kind serves. */
  public static int maxPageSize(QueryKind kind) {
    return switch (kind) {
      case ORDERS -> MAX_ORDER_PAGE_SIZE;
      case DIAGNOSIS -> MAX_DIAGNOSIS_PAGE_SIZE;
      case RANKING -> MAX_RANKING_PAGE_SIZE;
      default -> MAX_PRODUCT_PAGE_SIZE;
    };
  }

  private static void oneOf(String name, String value, List<String> allowed) {
    if (!allowed.contains(value)) {
      throw new IllegalArgumentException(name + " must be one of " + allowed + ", got '" + value + "'");
    }
  }

  private static void wholeNumber(String name, String value, int max) {
    int n;
    try {
      n = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be a whole number from 1 to " + max + ", got '" + value + "'");
    }
    if (n < 1 || n > max) {
      throw new IllegalArgumentException(name + " must be a whole number from 1 to " + max + ", got " + n);
    }
  }
}
