package io.storedash.common;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * HQ's thresholds of the 今日必做 rules (docs/DESIGN.md §14.1), with the defaults. Checked here, so that the
 * gateway refuses a bad value with a 400 naming the field and query-service never stores one.
 *
 * @param deliveryCostMaxCents an order whose 配送净成本 is above this is urgent (default 6 元)
 * @param stockOutTop          yesterday's best sellers (by quantity) that sold nothing on the day: how many are checked
 * @param fallingDrop          a product's quantity fell by more than this share, last 7 days against the 7 before
 * @param fallingMinQuantity   ... counting only products that sold at least this many units in the 7 days before
 * @param unsoldDays           days without a sale, for a product with stock, reported on the day each is reached
 * @param marginDropPoints     the store's profit margin fell by more than this many points, week on week
 * @param topCount             top sellers and top profit makers listed as highlights
 * @param maxItems             items listed per rule and store (the counts count them all)
 */
public record ActionThresholds(long deliveryCostMaxCents, int stockOutTop, BigDecimal fallingDrop, int fallingMinQuantity,
                               List<Integer> unsoldDays, BigDecimal marginDropPoints, int topCount, int maxItems) {

  public static final ActionThresholds DEFAULTS = new ActionThresholds(600, 10, new BigDecimal("0.30"), 10,
    List.of(3, 7, 15), new BigDecimal("2.00"), 3, 20);

  /** The JSON member names, in the order they are written. */
  public static final List<String> FIELDS = List.of("delivery_cost_max", "stock_out_top", "falling_drop",
    "falling_min_quantity", "unsold_days", "margin_drop_points", "top_count", "max_items");
  /** The longest run of days without a sale a rule may wait for: the rollups it reads go this far back. */
  public static final int MAX_UNSOLD_DAYS = 60;

  /** A value refused, with the member it belongs to. */
  public static final class Invalid extends IllegalArgumentException {
    private final String field;

    Invalid(String field, String message) {
      super(field + ": " + message);
      this.field = field;
    }

    public String field() {
      return field;
    }
  }

  public ActionThresholds {
    unsoldDays = List.copyOf(unsoldDays);
  }

  /**
   * These thresholds with the members of {@code change} in place of theirs: a change names only what it changes.
   *
   * @throws Invalid naming the first member that is unknown or out of its range
   */
  public ActionThresholds with(JsonObject change) {
    for (String name : change.fieldNames()) {
      if (!FIELDS.contains(name)) {
        throw new Invalid(name, "unknown threshold; the thresholds are " + FIELDS);
      }
    }
    return new ActionThresholds(
      change.containsKey("delivery_cost_max") ? cents(change.getValue("delivery_cost_max")) : deliveryCostMaxCents,
      change.containsKey("stock_out_top") ? whole("stock_out_top", change.getValue("stock_out_top"), 1, 100) : stockOutTop,
      change.containsKey("falling_drop") ? decimal("falling_drop", change.getValue("falling_drop"), "0.01", "1", 2) : fallingDrop,
      change.containsKey("falling_min_quantity")
        ? whole("falling_min_quantity", change.getValue("falling_min_quantity"), 1, 1_000_000) : fallingMinQuantity,
      change.containsKey("unsold_days") ? days(change.getValue("unsold_days")) : unsoldDays,
      change.containsKey("margin_drop_points")
        ? decimal("margin_drop_points", change.getValue("margin_drop_points"), "0.01", "100", 2) : marginDropPoints,
      change.containsKey("top_count") ? whole("top_count", change.getValue("top_count"), 1, 50) : topCount,
      change.containsKey("max_items") ? whole("max_items", change.getValue("max_items"), 1, 200) : maxItems);
  }

  /** Thresholds as stored: any member absent takes its default, so a release that adds one reads older rows. */
  public static ActionThresholds fromJson(JsonObject json) {
    return json == null ? DEFAULTS : DEFAULTS.with(json);
  }

  public JsonObject toJson() {
    return new JsonObject()
      .put("delivery_cost_max", BigDecimal.valueOf(deliveryCostMaxCents, 2))
      .put("stock_out_top", stockOutTop)
      .put("falling_drop", fallingDrop)
      .put("falling_min_quantity", fallingMinQuantity)
      .put("unsold_days", new JsonArray(new ArrayList<>(unsoldDays)))
      .put("margin_drop_points", marginDropPoints)
      .put("top_count", topCount)
      .put("max_items", maxItems);
  }

  /** The longest of {@link #unsoldDays}. */
  public int longestUnsold() {
    return unsoldDays.get(unsoldDays.size() - 1);
  }

  private static long cents(Object value) {
    return decimal("delivery_cost_max", value, "0", "1000", 2).movePointRight(2).longValueExact();
  }

  private static int whole(String field, Object value, int min, int max) {
    if (!(value instanceof Number n) || new BigDecimal(n.toString()).stripTrailingZeros().scale() > 0) {
      throw new Invalid(field, "must be a whole number from " + min + " to " + max + ", got " + shown(value));
    }
    long v = n.longValue();
    if (v < min || v > max) {
      throw new Invalid(field, "must be a whole number from " + min + " to " + max + ", got " + v);
    }
    return (int) v;
  }

  private static BigDecimal decimal(String field, Object value, String min, String max, int scale) {
    BigDecimal v;
    try {
      v = value instanceof Number n ? new BigDecimal(n.toString()) : null;
    } catch (NumberFormatException e) {
      v = null;
    }
    if (v == null || v.compareTo(new BigDecimal(min)) < 0 || v.compareTo(new BigDecimal(max)) > 0) {
      throw new Invalid(field, "must be a number from " + min + " to " + max + ", got " + shown(value));
    }
    if (v.stripTrailingZeros().scale() > scale) {
      throw new Invalid(field, "takes at most " + scale + " decimals, got " + shown(value));
    }
    return v.setScale(scale, RoundingMode.UNNECESSARY);
  }

  private static List<Integer> days(Object value) {
    String rule = "must be 1 to 5 whole numbers of days from 1 to " + MAX_UNSOLD_DAYS + ", ascending, like [3, 7, 15]";
    if (!(value instanceof JsonArray array) || array.isEmpty() || array.size() > 5) {
      throw new Invalid("unsold_days", rule + ", got " + shown(value));
    }
    List<Integer> days = new ArrayList<>();
    for (Object day : array) {
      int d = whole("unsold_days", day, 1, MAX_UNSOLD_DAYS);
      if (!days.isEmpty() && d <= days.get(days.size() - 1)) {
        throw new Invalid("unsold_days", rule + ", got " + shown(value));
      }
      days.add(d);
    }
    return days;
  }

  private static String shown(Object value) {
    String text = String.valueOf(value);
    return text.length() > 40 ? text.substring(0, 40) + "…" : text;
  }
}
