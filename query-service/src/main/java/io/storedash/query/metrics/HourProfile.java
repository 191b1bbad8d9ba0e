package io.storedash.query.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Valid orders, items, revenue and order profit per store-local hour of the day, summed over the range: always 24
 * buckets, 0 to 23, and the same in the chain's eight day parts. With delivery distances (配送距离), the orders per
 * distance band too. An order belongs to the hour it was placed in; its items, revenue and profit to the same hour.
 */
public final class HourProfile {

  public static final int HOURS = 24;

  /** The chain's day parts: name, first hour, hour after the last. */
  public record DayPart(String name, int from, int to) {
  }

  public static final List<DayPart> DAY_PARTS = List.of(new DayPart("清晨", 6, 9), new DayPart("上午", 9, 12),
    new DayPart("正午", 12, 14), new DayPart("下午", 14, 18), new DayPart("傍晚", 18, 21), new DayPart("晚间", 21, 24),
    new DayPart("深夜", 0, 3), new DayPart("凌晨", 3, 6));

  /** Distance bands by whole kilometre: 0 = 0–1 km, ..., 6 = 6 km and more. */
  public static final int BANDS = 7;

  private final String store;
  private final DayRange range;
  private final long[] orders = new long[HOURS];
  private final long[] items = new long[HOURS];
  private final long[] revenue = new long[HOURS];
  private final long[] profit = new long[HOURS];
  private final long[][] bands = new long[BANDS][4];
  private boolean distances;

  public HourProfile(String store, DayRange range) {
    this.store = store;
    this.range = range;
  }

  /** Adds sums to an hour's bucket; money in cents. */
  public HourProfile add(int hour, long orderCount, long itemCount, long revenueCents, long profitCents) {
    if (hour < 0 || hour >= HOURS) {
      throw new IllegalArgumentException("hour must be 0 to 23, got " + hour);
    }
    orders[hour] += orderCount;
    items[hour] += itemCount;
    revenue[hour] += revenueCents;
    profit[hour] += profitCents;
    return this;
  }

  /** Adds sums to a distance band (0–6); money in cents. */
  public HourProfile addBand(int band, long orderCount, long revenueCents, long profitCents, long deliveryNetCents) {
    if (band < 0 || band >= BANDS) {
      throw new IllegalArgumentException("band must be 0 to 6, got " + band);
    }
    distances = true;
    bands[band][0] += orderCount;
    bands[band][1] += revenueCents;
    bands[band][2] += profitCents;
    bands[band][3] += deliveryNetCents;
    return this;
  }

  /**
   * {@code {"store", "from", "to", "hours": [{"hour", "orders", "items", "revenue", "profit"} × 24], "day_parts":
   * [{"name", "from", "to", "orders", "items", "revenue", "profit", "order_share", "aov", "profit_per_order"} × 8],
   * "distance_bands": [{"band", "from_km", "to_km", "orders", "revenue", "profit", "order_share", "aov",
   * "profit_per_order", "delivery_per_order"} × 7] or null without distances}}
   */
  public Map<String, Object> toMap() {
    long totalOrders = 0;
    List<Map<String, Object>> buckets = new ArrayList<>(HOURS);
    for (int h = 0; h < HOURS; h++) {
      totalOrders += orders[h];
      Map<String, Object> bucket = new LinkedHashMap<>();
      bucket.put("hour", h);
      bucket.put("orders", orders[h]);
      bucket.put("items", items[h]);
      bucket.put("revenue", Figures.money(revenue[h]));
      bucket.put("profit", Figures.money(profit[h]));
      buckets.add(bucket);
    }
    List<Map<String, Object>> parts = new ArrayList<>(DAY_PARTS.size());
    for (DayPart part : DAY_PARTS) {
      long o = 0;
      long i = 0;
      long r = 0;
      long p = 0;
      for (int h = part.from(); h < part.to(); h++) {
        o += orders[h];
        i += items[h];
        r += revenue[h];
        p += profit[h];
      }
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", part.name());
      entry.put("from", part.from());
      entry.put("to", part.to());
      entry.put("orders", o);
      entry.put("items", i);
      entry.put("revenue", Figures.money(r));
      entry.put("profit", Figures.money(p));
      entry.put("order_share", Figures.ratio(o, totalOrders));
      entry.put("aov", perOrder(r, o));
      entry.put("profit_per_order", perOrder(p, o));
      parts.add(entry);
    }
    List<Map<String, Object>> distanceBands = null;
    if (distances) {
      long banded = 0;
      for (long[] band : bands) {
        banded += band[0];
      }
      distanceBands = new ArrayList<>(BANDS);
      for (int b = 0; b < BANDS; b++) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("band", b == BANDS - 1 ? b + "km+" : b + "-" + (b + 1) + "km");
        entry.put("from_km", b);
        entry.put("to_km", b == BANDS - 1 ? null : b + 1);
        entry.put("orders", bands[b][0]);
        entry.put("revenue", Figures.money(bands[b][1]));
        entry.put("profit", Figures.money(bands[b][2]));
        entry.put("order_share", Figures.ratio(bands[b][0], banded));
        entry.put("aov", perOrder(bands[b][1], bands[b][0]));
        entry.put("profit_per_order", perOrder(bands[b][2], bands[b][0]));
        entry.put("delivery_per_order", perOrder(bands[b][3], bands[b][0]));
        distanceBands.add(entry);
      }
    }
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("store", store);
    map.put("from", range.from().toString());
    map.put("to", range.to().toString());
    map.put("hours", buckets);
    map.put("day_parts", parts);
    map.put("distance_bands", distanceBands);
    return map;
  }

  /** Cents per order as yuan with 2 decimals, null without orders. */
  private static Object perOrder(long cents, long orderCount) {
    return orderCount == 0 ? null : Kpi.written(Kpi.Unit.MONEY, Kpi.ratio(cents, orderCount * 100));
  }
}
