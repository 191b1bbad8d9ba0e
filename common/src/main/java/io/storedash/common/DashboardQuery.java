package io.storedash.common;

import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One dashboard question: {@code {kind, store, from, to, params}}. It travels as JSON on the event bus and has a
 * canonical string form from which cache keys are derived, so two equal questions always share one key.
 * {@code from}/{@code to} may be absent: query-service then answers for the last 30 days up to the newest day
 * with data.
 */
public final class DashboardQuery {

  /** The store value that means the whole chain. */
  public static final String ALL_STORES = "all";
  /** The first day a query may name. */
  public static final LocalDate FIRST_DAY = LocalDate.of(2000, 1, 1);
  /** The last day a query may name. */
  public static final LocalDate LAST_DAY = LocalDate.of(2100, 12, 31);
  /** The longest range a query may cover, in days (inclusive). */
  public static final int MAX_RANGE_DAYS = 366;

  private static final Pattern STORE_CODE = Pattern.compile("[A-Za-z0-9_-]{1,32}");
  private static final Pattern PARAM_NAME = Pattern.compile("[a-z_]{1,32}");
  private static final Pattern PARAM_VALUE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");

  private final QueryKind kind;
  private final String store;
  private final LocalDate from;
  private final LocalDate to;
  private final Map<String, String> params;

  private DashboardQuery(QueryKind kind, String store, LocalDate from, LocalDate to, Map<String, String> params) {
    this.kind = kind;
    this.store = store;
    this.from = from;
    this.to = to;
    this.params = params;
  }

  /**
   * A validated query.
   *
   * @throws IllegalArgumentException with a sentence naming the bad part
   */
  public static DashboardQuery of(QueryKind kind, String store, LocalDate from, LocalDate to, Map<String, String> params) {
    Objects.requireNonNull(kind, "kind");
    if (kind == QueryKind.STORES || kind == QueryKind.RANKING) {
      store = ALL_STORES;
    }
    checkStore(store);
    if (ALL_STORES.equals(store) && !kind.allowsAllStores()) {
      throw new IllegalArgumentException(kind.wireName() + " needs a single store, not 'all'");
    }
    if ((from == null) != (to == null)) {
      throw new IllegalArgumentException("from and to must be given together");
    }
    if (from != null) {
      if (from.isAfter(to)) {
        throw new IllegalArgumentException("from (" + from + ") is after to (" + to + ")");
      }
      long days = ChronoUnit.DAYS.between(from, to) + 1;
      if (days > MAX_RANGE_DAYS) {
        throw new IllegalArgumentException("the range covers " + days + " days, at most " + MAX_RANGE_DAYS + " are allowed");
      }
    }
    TreeMap<String, String> sorted = new TreeMap<>(kind.defaults());
    if (params != null) {
      params.forEach((name, value) -> {
        if (!PARAM_NAME.matcher(name).matches()) {
          throw new IllegalArgumentException("bad parameter name '" + shown(name) + "'");
        }
        if (value == null || !PARAM_VALUE.matcher(value).matches()) {
          throw new IllegalArgumentException("bad value for parameter " + name + ": '" + (value == null ? null : shown(value)) + "'");
        }
        sorted.put(name, value);
      });
    }
    QueryParams.validate(kind, sorted);
    return new DashboardQuery(kind, store, from, to, Collections.unmodifiableMap(sorted));
  }

  /**
   * A store code or {@code all}, as every query and admin command takes it.
   *
   * @throws IllegalArgumentException saying what a store code may contain
   */
  public static String checkStore(String store) {
    if (store == null || !(ALL_STORES.equals(store) || STORE_CODE.matcher(store).matches())) {
      throw new IllegalArgumentException("store must be a store code (letters, digits, _ or -, at most 32) or 'all', got '"
        + (store == null ? null : shown(store)) + "'");
    }
    return store;
  }

  /** Whether {@code code} has the form of a store code: letters, digits, _ or -, at most 32 (it may be {@code all}). */
  public static boolean isStoreCode(String code) {
    return code != null && STORE_CODE.matcher(code).matches();
  }

  public static DashboardQuery of(QueryKind kind, String store, LocalDate from, LocalDate to) {
    return of(kind, store, from, to, Map.of());
  }

  public QueryKind kind() {
    return kind;
  }

  public String store() {
    return store;
  }

  public boolean coversAllStores() {
    return ALL_STORES.equals(store);
  }

  /** Inclusive first day, or null for the default range. */
  public LocalDate from() {
    return from;
  }

  /** Inclusive last day, or null for the default range. */
  public LocalDate to() {
    return to;
  }

  /** Parameters in name order. */
  public Map<String, String> params() {
    return params;
  }

  public String param(String name, String fallback) {
    return params.getOrDefault(name, fallback);
  }

  /**
   * The canonical form: {@code kind|store|from|to|name=value&...} with parameters in name order and absent
   * dates written as {@code -}. Equal queries have equal canonical forms.
   */
  public String canonical() {
    StringBuilder sb = new StringBuilder(64)
      .append(kind.wireName()).append('|')
      .append(store).append('|')
      .append(from == null ? "-" : from.toString()).append('|')
      .append(to == null ? "-" : to.toString()).append('|');
    boolean first = true;
    for (Map.Entry<String, String> e : params.entrySet()) {
      if (!first) {
        sb.append('&');
      }
      sb.append(e.getKey()).append('=').append(e.getValue());
      first = false;
    }
    return sb.toString();
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
      .put("kind", kind.wireName())
      .put("store", store);
    if (from != null) {
      json.put("from", from.toString()).put("to", to.toString());
    }
    json.put("params", new JsonObject(new TreeMap<>(params)));
    return json;
  }

  /**
   * @throws IllegalArgumentException when the JSON is not a valid query
   */
  public static DashboardQuery fromJson(JsonObject json) {
    if (json == null) {
      throw new IllegalArgumentException("a dashboard query must be a JSON object");
    }
    TreeMap<String, String> params = new TreeMap<>();
    try {
      JsonObject p = json.getJsonObject("params");
      if (p != null) {
        p.forEach(e -> params.put(e.getKey(), e.getValue() == null ? null : String.valueOf(e.getValue())));
      }
      return of(QueryKind.fromWire(json.getString("kind")), json.getString("store"),
        parseDay("from", json.getString("from")), parseDay("to", json.getString("to")), params);
    } catch (ClassCastException e) {
      // A member of the wrong JSON type (a number for a string, a string for params): a bad request, not a bug.
      throw new IllegalArgumentException("a dashboard query has kind, store, from and to as strings and params as an "
        + "object of strings");
    }
  }

  /**
   * A day in ISO form ({@code 2026-10-01}), or null when absent.
   *
   * @throws IllegalArgumentException naming the parameter
   */
  public static LocalDate parseDay(String name, String value) {
    if (value == null || value.isEmpty()) {
      return null;
    }
    LocalDate day;
    try {
      day = LocalDate.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(name + " must be a date like 2026-10-01, got '" + shown(value) + "'");
    }
    // ISO dates may have years of up to nine digits; PostgreSQL's dates end in 5874897, and no order is older than
    // 2000 or later than 2100 (the import refuses those), so anything outside is a mistake, answered as one.
    if (day.isBefore(FIRST_DAY) || day.isAfter(LAST_DAY)) {
      throw new IllegalArgumentException(name + " must be a date from " + FIRST_DAY + " to " + LAST_DAY + ", got '" + value + "'");
    }
    return day;
  }

  /** A value quoted in a message: at most 40 characters. */
  private static String shown(String value) {
    return value.length() > 40 ? value.substring(0, 40) + "…" : value;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DashboardQuery other && canonical().equals(other.canonical());
  }

  @Override
  public int hashCode() {
    return canonical().hashCode();
  }

  @Override
  public String toString() {
    return canonical();
  }
}
