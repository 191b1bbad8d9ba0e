package io.storedash.query.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Orders, items and revenue per store-local hour of the day, summed over the range: always 24 buckets, 0 to 23.
 * An order belongs to the hour it was placed in; its items and revenue to the same hour.
 */
public final class HourProfile {

  public static final int HOURS = 24;

  private final String store;
  private final DayRange range;
  private final long[] orders = new long[HOURS];
  private final long[] items = new long[HOURS];
  private final long[] revenue = new long[HOURS];

  public HourProfile(String store, DayRange range) {
    this.store = store;
    this.range = range;
  }

  /** Adds sums to an hour's bucket; revenue in cents. */
  public HourProfile add(int hour, long orderCount, long itemCount, long revenueCents) {
    if (hour < 0 || hour >= HOURS) {
      throw new IllegalArgumentException("hour must be 0 to 23, got " + hour);
    }
    orders[hour] += orderCount;
    items[hour] += itemCount;
    revenue[hour] += revenueCents;
    return this;
  }

  /** {@code {"store", "from", "to", "hours": [{"hour", "orders", "items", "revenue"} × 24]}} */
  public Map<String, Object> toMap() {
    List<Map<String, Object>> buckets = new ArrayList<>(HOURS);
    for (int h = 0; h < HOURS; h++) {
      Map<String, Object> bucket = new LinkedHashMap<>();
      bucket.put("hour", h);
      bucket.put("orders", orders[h]);
      bucket.put("items", items[h]);
      bucket.put("revenue", Figures.money(revenue[h]));
      buckets.add(bucket);
    }
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("store", store);
    map.put("from", range.from().toString());
    map.put("to", range.to().toString());
    map.put("hours", buckets);
    return map;
  }
}
