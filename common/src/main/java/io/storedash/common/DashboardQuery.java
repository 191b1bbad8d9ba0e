package io.storedash.common;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * One dashboard question: {@code {kind, store, from, to, params}}, and for a caller who may see only some stores,
 * {@code stores}: the set {@code all} then means. It travels as JSON on the event bus and has a canonical string
 * form from which cache keys are derived, so two equal questions always share one key.
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
  /** The most stores a restricted query may name ({@link #restrictedTo}). */
  public static final int MAX_SET_STORES = 10_000;

  private static final Pattern STORE_CODE = Pattern.compile("[A-Za-z0-9_-]{1,32}");
  private static final Pattern PARAM_NAME = Pattern.compile("[a-z_]{1,32}");
  private static final Pattern PARAM_VALUE = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
  /** The one parameter of free text: the order search (QueryParams#searchText). */
  private static final String SEARCH = "q";

  private final QueryKind kind;
  private final String store;
  private final LocalDate from;
  private final LocalDate to;
  private final Map<String, String> params;
  /** The stores {@code all} stands for, or null for the whole chain. */
  private final SortedSet<String> stores;
  /** Computed once: every cache lookup and equals asks for it, and a set's part costs a hash. */
  private final String canonical;

  private DashboardQuery(QueryKind kind, String store, LocalDate from, LocalDate to, Map<String, String> params,
                         SortedSet<String> stores) {
    this.kind = kind;
    this.store = store;
    this.from = from;
    this.to = to;
    this.params = params;
    this.stores = stores;
    this.canonical = canonicalForm();
  }

  /**
   * A validated query.
   *
   * @throws IllegalArgumentException with a sentence naming the bad part
   */
  public static DashboardQuery of(QueryKind kind, String store, LocalDate from, LocalDate to, Map<String, String> params) {
    store = checkStoreOf(kind, store);
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
    if (kind == QueryKind.ACTIONS && from != null) {
      // The list is of one day: a range would be a second name for the same answer, or a question it cannot answer.
      throw new IllegalArgumentException("actions takes day (one day, default the newest with data), not from and to");
    }
    TreeMap<String, String> sorted = new TreeMap<>(kind.defaults());
    if (params != null) {
      params.forEach((name, value) -> {
        checkParamForm(name, value);
        sorted.put(name, value);
      });
    }
    QueryParams.validate(kind, sorted);
    // The orders' day is a range of one day; the action list's is its own parameter (it takes no range).
    String day = kind == QueryKind.ORDERS ? sorted.get("day") : null;
    if (day != null) {
      if (from != null) {
        throw new IllegalArgumentException("day replaces from and to: give day, or from and to");
      }
      // One day is the range from it to it: the same question, so the same canonical form and cache entry.
      if (!QueryParams.LATEST_DAY.equals(day)) {
        sorted.remove("day");
        return of(kind, store, parseDay("day", day), parseDay("day", day), sorted);
      }
    }
    return new DashboardQuery(kind, store, from, to, Collections.unmodifiableMap(sorted), null);
  }

  /**
   * The store a query of {@code kind} asks for: {@code all} for the kinds over the whole chain, else {@code store}
   * checked as {@link #of} checks it — without building a query, for a caller that validates part by part.
   *
   * @throws IllegalArgumentException as {@link #of} does for the store
   */
  public static String checkStoreOf(QueryKind kind, String store) {
    Objects.requireNonNull(kind, "kind");
    if (kind == QueryKind.STORES || kind == QueryKind.RANKING) {
      store = ALL_STORES;
    }
    checkStore(store);
    if (ALL_STORES.equals(store) && !kind.allowsAllStores()) {
      throw new IllegalArgumentException(kind.wireName() + " needs a single store, not 'all'");
    }
    return store;
  }

  /**
   * One parameter of a query of {@code kind}, checked as {@link #of} checks it (its form, then its value with the
   * kind's defaults for the others) — without building a query.
   *
   * @throws IllegalArgumentException as {@link #of} does for this parameter
   */
  public static void checkParam(QueryKind kind, String name, String value) {
    checkParamForm(name, value);
    TreeMap<String, String> alone = new TreeMap<>(kind.defaults());
    alone.put(name, value);
    QueryParams.validate(kind, alone);
  }

  private static void checkParamForm(String name, String value) {
    if (!PARAM_NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("bad parameter name '" + shown(name) + "'");
    }
    if (SEARCH.equals(name)) {
      // Free text: checked as text, and written into the canonical form only as hex (canonicalForm).
      QueryParams.searchText(value);
      return;
    }
    if (value == null || !PARAM_VALUE.matcher(value).matches()) {
      throw new IllegalArgumentException("bad value for parameter " + name + ": '" + (value == null ? null : shown(value)) + "'");
    }
  }

  /**
   * This query over only {@code codes}: {@code all} then means those stores, for a caller who may see no others. The
   * codes are kept sorted and distinct; codes of stores that do not exist are simply absent from the answer, and an
   * empty set answers zeros and empty lists.
   *
   * @throws IllegalArgumentException when the query is for one store (only a query over {@code all} can be
   *                                  restricted), when a code is not a store code, or when there are more than
   *                                  {@link #MAX_SET_STORES}
   */
  public DashboardQuery restrictedTo(Collection<String> codes) {
    if (!coversAllStores()) {
      throw new IllegalArgumentException(kind.wireName() + " of store " + store + " cannot be restricted to a set of "
        + "stores: only a query over 'all' can");
    }
    Objects.requireNonNull(codes, "codes");
    TreeSet<String> set = new TreeSet<>();
    for (String code : codes) {
      if (!isStoreCode(code) || ALL_STORES.equals(code)) {
        throw new IllegalArgumentException("stores must hold store codes (letters, digits, _ or -, at most 32), got '"
          + (code == null ? null : shown(code)) + "'");
      }
      set.add(code);
      if (set.size() > MAX_SET_STORES) {
        throw new IllegalArgumentException("stores may hold at most " + MAX_SET_STORES + " store codes");
      }
    }
    return new DashboardQuery(kind, store, from, to, params, Collections.unmodifiableSortedSet(set));
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

  /** Whether the query is over {@code all}: the whole chain, or the set {@link #stores()} when restricted. */
  public boolean coversAllStores() {
    return ALL_STORES.equals(store);
  }

  /** The stores {@code all} stands for, sorted; null when unrestricted (the whole chain). */
  public SortedSet<String> stores() {
    return stores;
  }

  /** Whether the query is over a set of stores rather than the whole chain ({@link #restrictedTo}). */
  public boolean restricted() {
    return stores != null;
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
   * dates written as {@code -}. Equal queries have equal canonical forms. For a set of stores the store part is
   * {@code all~<n>.<32 hex digits of SHA-256 of the codes joined by ','>}: the set decides the key, and the part has
   * no character that a Redis SCAN pattern would read as a glob.
   */
  public String canonical() {
    return canonical;
  }

  private String canonicalForm() {
    StringBuilder sb = new StringBuilder(64)
      .append(kind.wireName()).append('|')
      .append(stores == null ? store : setPart(stores)).append('|')
      .append(from == null ? "-" : from.toString()).append('|')
      .append(to == null ? "-" : to.toString()).append('|');
    boolean first = true;
    for (Map.Entry<String, String> e : params.entrySet()) {
      if (!first) {
        sb.append('&');
      }
      sb.append(e.getKey()).append('=').append(SEARCH.equals(e.getKey()) ? searchPart(e.getValue()) : e.getValue());
      first = false;
    }
    return sb.toString();
  }

  /**
   * The search text in the canonical form: hex of its UTF-8 bytes, so that no character of it (| & = * ? [ ] or a
   * space) can change the form's parts or reach a Redis SCAN pattern as a glob.
   */
  private static String searchPart(String text) {
    return "x" + HexFormat.of().formatHex(text.getBytes(StandardCharsets.UTF_8));
  }

  private static String setPart(SortedSet<String> codes) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(String.join(",", codes).getBytes(StandardCharsets.UTF_8));
      return ALL_STORES + "~" + codes.size() + "." + HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject()
      .put("kind", kind.wireName())
      .put("store", store);
    if (from != null) {
      json.put("from", from.toString()).put("to", to.toString());
    }
    json.put("params", new JsonObject(new TreeMap<>(params)));
    if (stores != null) {
      json.put("stores", new JsonArray(new ArrayList<>(stores)));
    }
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
      DashboardQuery query = of(QueryKind.fromWire(json.getString("kind")), json.getString("store"),
        parseDay("from", json.getString("from")), parseDay("to", json.getString("to")), params);
      JsonArray stores = json.getJsonArray("stores");
      if (stores == null) {
        return query;
      }
      // Checked before the codes are copied: a huge array is refused without building a set of it.
      if (stores.size() > MAX_SET_STORES) {
        throw new IllegalArgumentException("stores may hold at most " + MAX_SET_STORES + " store codes");
      }
      List<String> codes = new ArrayList<>(stores.size());
      for (Object code : stores) {
        if (!(code instanceof String text)) {
          throw new IllegalArgumentException("stores must be an array of store codes (strings), got " + code);
        }
        codes.add(text);
      }
      return query.restrictedTo(codes);
    } catch (ClassCastException e) {
      // A member of the wrong JSON type (a number for a string, a string for params): a bad request, not a bug.
      throw new IllegalArgumentException("a dashboard query has kind, store, from and to as strings, params as an "
        + "object of strings and stores as an array of strings");
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
