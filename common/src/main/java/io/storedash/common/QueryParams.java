package io.storedash.common;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

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
  /** Products per page of {@code losing-products}; each carries the stores it loses money in. */
  public static final int MAX_LOSING_PAGE_SIZE = 200;
  /** The longest order search ({@code q}), in characters: an order id, a sku or part of a product name is shorter. */
  public static final int MAX_SEARCH_LENGTH = 64;
  /** {@code day=latest}: the newest day with data of what the query covers (昨日 on the page). */
  public static final String LATEST_DAY = "latest";
  /** The one grouping of the order lines: by order, with the order's totals. */
  public static final List<String> ORDER_GROUPS = List.of("order");
  /** A channel code as {@code channels.code} has them. */
  private static final Pattern CHANNEL_CODE = Pattern.compile("[A-Za-z0-9_-]{1,40}");
  /**
   * Text a person types: 1 to 64 characters (code points), not only spaces, no control characters. The order search
   * ({@code q}) and the gateway's {@code city} are such text; the OpenAPI document gives this very pattern.
   */
  public static final String TEXT_PATTERN = "(?=.*\\S)[^\\x00-\\x1F\\x7F-\\x9F]{1,64}";
  private static final Pattern TEXT = Pattern.compile(TEXT_PATTERN);
  /** Yuan with at most 2 decimals, at most 999,999,999.99 either way: an order's revenue, in cents, fits easily. */
  private static final Pattern AMOUNT = Pattern.compile("-?[0-9]{1,9}(\\.[0-9]{1,2})?");

  private QueryParams() {
  }

  /** The parameter names a kind takes. */
  public static Set<String> namesOf(QueryKind kind) {
    return switch (kind) {
      case PRODUCTS -> Set.of("sort", "page", "size");
      case ORDERS -> Set.of("page", "size", "q", "channel", "min_amount", "max_amount", "day", "group");
      case LOSING_PRODUCTS -> Set.of("page", "size");
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
        case "q" -> searchText(value);
        case "channel" -> matches(name, value, CHANNEL_CODE, "a channel code (letters, digits, _ or -, at most 40)");
        case "min_amount", "max_amount" -> cents(name, value);
        // The action list's day is a date (absent: the newest day); the orders' may also be 'latest'.
        case "day" -> {
          if (kind == QueryKind.ACTIONS) {
            DashboardQuery.parseDay(name, value);
          } else {
            day(value);
          }
        }
        case "group" -> oneOf(name, value, ORDER_GROUPS);
        default -> throw new IllegalStateException("unchecked parameter " + name);
      }
    }
    String min = params.get("min_amount");
    String max = params.get("max_amount");
    if (min != null && max != null && cents("min_amount", min) > cents("max_amount", max)) {
      throw new IllegalArgumentException("max_amount (" + max + ") is below min_amount (" + min + ")");
    }
  }

  /**
   * An amount in yuan with at most 2 decimals, in cents.
   *
   * @throws IllegalArgumentException naming the parameter
   */
  public static long cents(String name, String value) {
    if (value == null || !AMOUNT.matcher(value).matches()) {
      throw new IllegalArgumentException(name + " must be an amount in yuan with at most 2 decimals, like 25 or -3.50, got '"
        + shown(value) + "'");
    }
    return new java.math.BigDecimal(value).movePointRight(2).longValueExact();
  }

  /**
   * The order search: any text of 1 to {@value #MAX_SEARCH_LENGTH} characters without control characters. It is
   * matched as plain text (query-service never builds a pattern of it), so % _ \ and quotes are only characters.
   *
   * @throws IllegalArgumentException naming {@code q}
   */
  public static void searchText(String value) {
    if (!isText(value)) {
      throw new IllegalArgumentException("q must be the text to search for (an order id, a sku or part of a product "
        + "name): 1 to " + MAX_SEARCH_LENGTH + " characters, not only spaces, no control characters");
    }
  }

  /** Whether {@code value} is text a person types ({@link #TEXT_PATTERN}). */
  public static boolean isText(String value) {
    return value != null && TEXT.matcher(value).matches();
  }

  private static void day(String value) {
    if (!LATEST_DAY.equals(value)) {
      try {
        DashboardQuery.parseDay("day", value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("day must be a date like 2026-10-01 or 'latest', got '" + shown(value) + "'");
      }
    }
  }

  private static void matches(String name, String value, Pattern pattern, String what) {
    if (!pattern.matcher(value).matches()) {
      throw new IllegalArgumentException(name + " must be " + what + ", got '" + shown(value) + "'");
    }
  }

  private static String shown(String value) {
    return value == null ? null : value.length() > 40 ? value.substring(0, 40) + "…" : value;
  }

  /** The largest page a paged kind serves. */
  public static int maxPageSize(QueryKind kind) {
    return switch (kind) {
      case ORDERS -> MAX_ORDER_PAGE_SIZE;
      case DIAGNOSIS -> MAX_DIAGNOSIS_PAGE_SIZE;
      case RANKING -> MAX_RANKING_PAGE_SIZE;
      case LOSING_PRODUCTS -> MAX_LOSING_PAGE_SIZE;
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
