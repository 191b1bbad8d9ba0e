package io.storedash.query.actions;

import io.storedash.common.ActionThresholds;
import io.storedash.query.compute.StoreScope;
import io.storedash.query.metrics.Figures;
import io.storedash.query.storage.Rollups;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The rules of the 今日必做 list over a set of stores and one day D (docs/DESIGN.md §14.1). Every statement takes $1
 * the stores' ids and $2 the day. Products are read from the per-store product rollup ({@code daily_store_product})
 * over at most the 14 days before D (the longest unsold threshold, or {@link #NEW_PRODUCT_LOOKBACK} for a new
 * product); orders from {@code orders} over D−2..D; lines only of D (below cost) and, for the items found, of the days
 * their channel split and stock are about — never a month of lines.
 */
final class ActionRules {

  /** A product is new on D when the store sold it on none of this many days before D (and had data before D). */
  static final int NEW_PRODUCT_LOOKBACK = 90;
  /** Days of a trend: D−2, D−1, D. */
  static final int TREND_DAYS = 3;
  private static final String PRODUCT_NOT_CONSUMABLE = StoreScope.NOT_CONSUMABLE;
  private static final String IN_STORES = " = ANY($1::int4[])";
  private static final String LOSING = "(" + Rollups.ORDER_PROFIT + " < 0 AND gross_profit <> 0)";

  /** Valid orders of D−2..D that lose money or cost too much to deliver ($3: the limit in cents). */
  private static final String ORDERS = "SELECT o.id, o.store_id, o.local_day, o.order_no, c.code, c.name_zh, o.revenue, "
    + "o.gross_profit, o.service_fee, o.delivery_cost, o.rebate, o.customer_delivery_fee, o.delivery_fee_discount, "
    + "o.distance_m, " + LOSING + ", " + Rollups.ORDER_DELIVERY_NET + " > $3 "
    + "FROM orders o JOIN channels c ON c.id = o.channel "
    + "WHERE o.store_id" + IN_STORES + " AND o.local_day BETWEEN $2::date - 2 AND $2::date AND o.valid "
    + "AND (" + LOSING + " OR " + Rollups.ORDER_DELIVERY_NET + " > $3)";
  private static final String ORDER_LINES = "SELECT l.order_id, p.sku, p.name, l.quantity, l.unit_price, "
    + "l.quantity::int8 * l.unit_price, l.cost, l.gross_profit, l.service_fee FROM order_lines l "
    + "JOIN products p ON p.id = l.product_id WHERE l.order_id = ANY($1::int8[]) ORDER BY l.order_id, l.line_no";
  /** Yesterday's best sellers ($3 of them per store) without a sale on D. */
  private static final String STOCK_OUT = "SELECT y.store_id, y.product_id, p.sku, p.name, y.quantity, y.rank FROM ("
    + "SELECT d.store_id, d.product_id, d.quantity, row_number() OVER (PARTITION BY d.store_id "
    + "ORDER BY d.quantity DESC, x.sku) AS rank FROM daily_store_product d JOIN products x ON x.id = d.product_id "
    + "WHERE d.store_id" + IN_STORES + " AND d.day = $2::date - 1 AND d.quantity > 0 AND " + PRODUCT_NOT_CONSUMABLE
    + ") y JOIN products p ON p.id = y.product_id WHERE y.rank <= $3 AND NOT EXISTS (SELECT 1 FROM daily_store_product t "
    + "WHERE t.store_id = y.store_id AND t.day = $2 AND t.product_id = y.product_id AND t.quantity > 0)";
  /** Lines of D sold below their unit cost: 实收价格 < 成本 / 销量, that is 实收价格 × 销量 < 成本. */
  private static final String BELOW_COST = "SELECT l.store_id, l.product_id, p.sku, p.name, count(*), "
    + "sum(l.quantity)::int8, sum(l.quantity::int8 * l.unit_price)::int8, sum(l.cost)::int8 "
    + "FROM order_lines l JOIN products p ON p.id = l.product_id WHERE l.store_id" + IN_STORES + " AND l.local_day = $2 "
    + "AND l.valid AND l.quantity > 0 AND l.quantity::int8 * l.unit_price < l.cost AND " + PRODUCT_NOT_CONSUMABLE
    + " GROUP BY l.store_id, l.product_id, p.sku, p.name";
  /** Quantity of D−6..D against D−13..D−7: fell by more than $4 (a share), from at least $3 units. */
  private static final String FALLING = "SELECT d.store_id, d.product_id, p.sku, p.name, "
    + "coalesce(sum(d.quantity) FILTER (WHERE d.day > $2::date - 7), 0)::int8 AS now, "
    + "coalesce(sum(d.quantity) FILTER (WHERE d.day <= $2::date - 7), 0)::int8 AS before "
    + "FROM daily_store_product d JOIN products p ON p.id = d.product_id WHERE d.store_id" + IN_STORES
    + " AND d.day BETWEEN $2::date - 13 AND $2 AND " + PRODUCT_NOT_CONSUMABLE + " GROUP BY d.store_id, d.product_id, p.sku, p.name "
    + "HAVING coalesce(sum(d.quantity) FILTER (WHERE d.day <= $2::date - 7), 0) >= $3 "
    + "AND coalesce(sum(d.quantity) FILTER (WHERE d.day > $2::date - 7), 0) "
    + "< (1 - $4::numeric) * sum(d.quantity) FILTER (WHERE d.day <= $2::date - 7)";
  /** Products whose last sale was exactly one of $4 (days) before D, looking back $3 days. */
  private static final String UNSOLD = "SELECT d.store_id, d.product_id, p.sku, p.name, max(d.day) "
    + "FROM daily_store_product d JOIN products p ON p.id = d.product_id WHERE d.store_id" + IN_STORES
    + " AND d.day BETWEEN $2::date - $3::int AND $2 AND d.quantity > 0 AND " + PRODUCT_NOT_CONSUMABLE
    + " GROUP BY d.store_id, d.product_id, p.sku, p.name HAVING ($2::date - max(d.day)) = ANY($4::int4[])";
  /** 剩余库存 of each product's last sold line on its last sale day ($3 the days, $4 the products). */
  private static final String STOCK = "SELECT DISTINCT ON (l.store_id, l.product_id) l.store_id, l.product_id, l.stock "
    + "FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE l.store_id" + IN_STORES
    + " AND l.local_day = ANY($2::date[]) AND l.product_id = ANY($3::int4[]) AND l.quantity > 0 AND l.valid "
    + "ORDER BY l.store_id, l.product_id, o.ordered_at DESC, l.line_no DESC";
  /** Products sold on D and on none of the lookback's days before, in a store with data before D. */
  private static final String NEW_PRODUCT = "SELECT d.store_id, d.product_id, p.sku, p.name, d.quantity, d.revenue, "
    + "d.gross_profit FROM daily_store_product d JOIN products p ON p.id = d.product_id WHERE d.store_id" + IN_STORES
    + " AND d.day = $2 AND d.quantity > 0 AND " + PRODUCT_NOT_CONSUMABLE
    + " AND d.store_id IN (SELECT id FROM stores WHERE first_day < $2) AND NOT EXISTS (SELECT 1 FROM daily_store_product e "
    + "WHERE e.store_id = d.store_id AND e.product_id = d.product_id AND e.day BETWEEN $2::date - " + NEW_PRODUCT_LOOKBACK
    + " AND $2::date - 1 AND e.quantity > 0)";
  /** Each store's profit and revenue over D−6..D and D−13..D−7. */
  private static final String MARGINS = "SELECT store_id, "
    + "coalesce(sum(" + Rollups.ORDER_PROFIT + ") FILTER (WHERE day > $2::date - 7), 0)::int8, "
    + "coalesce(sum(revenue) FILTER (WHERE day > $2::date - 7), 0)::int8, "
    + "coalesce(sum(" + Rollups.ORDER_PROFIT + ") FILTER (WHERE day <= $2::date - 7), 0)::int8, "
    + "coalesce(sum(revenue) FILTER (WHERE day <= $2::date - 7), 0)::int8 "
    + "FROM daily_store WHERE store_id" + IN_STORES + " AND day BETWEEN $2::date - 13 AND $2 GROUP BY store_id";
  /** The best $3 products of D by quantity and by gross profit, per store. */
  private static final String TOP = "SELECT store_id, product_id, sku, name, quantity, revenue, gross_profit, by_quantity, "
    + "by_profit FROM (SELECT d.store_id, d.product_id, p.sku, p.name, d.quantity, d.revenue, d.gross_profit, "
    + "row_number() OVER (PARTITION BY d.store_id ORDER BY d.quantity DESC, p.sku) AS by_quantity, "
    + "row_number() OVER (PARTITION BY d.store_id ORDER BY d.gross_profit DESC, p.sku) AS by_profit "
    + "FROM daily_store_product d JOIN products p ON p.id = d.product_id WHERE d.store_id" + IN_STORES
    + " AND d.day = $2 AND d.quantity > 0 AND " + PRODUCT_NOT_CONSUMABLE + ") t "
    + "WHERE by_quantity <= $3 OR (by_profit <= $3 AND gross_profit > 0)";
  private static final String PRODUCT_TREND = "SELECT store_id, product_id, day, quantity, gross_profit "
    + "FROM daily_store_product WHERE store_id" + IN_STORES + " AND day BETWEEN $2::date - 2 AND $2 "
    + "AND product_id = ANY($3::int4[])";
  private static final String PRODUCT_CHANNELS = "SELECT l.store_id, l.local_day, l.product_id, c.code, c.name_zh, "
    + "sum(l.quantity)::int8 AS quantity FROM order_lines l JOIN channels c ON c.id = l.channel WHERE l.store_id" + IN_STORES
    + " AND l.local_day = ANY($2::date[]) AND l.product_id = ANY($3::int4[]) AND l.valid AND l.quantity > 0 "
    + "GROUP BY l.store_id, l.local_day, l.product_id, c.code, c.name_zh ORDER BY quantity DESC, c.code";
  private static final String STORE_TREND = "SELECT store_id, day, " + Rollups.ORDER_PROFIT + ", revenue FROM daily_store "
    + "WHERE store_id" + IN_STORES + " AND day BETWEEN $2::date - 2 AND $2";
  private static final String STORE_CHANNELS = "SELECT d.store_id, c.code, c.name_zh, "
    + "sum(d.gross_profit - d.service_fee - d.delivery_cost + d.rebate)::int8, sum(d.revenue)::int8 AS revenue FROM daily_store_channel d "
    + "JOIN channels c ON c.id = d.channel WHERE d.store_id" + IN_STORES + " AND d.day BETWEEN $2::date - 6 AND $2 "
    + "GROUP BY d.store_id, c.code, c.name_zh ORDER BY revenue DESC, c.code";

  private final SqlClient client;
  private final Map<Integer, ActionsQuery.StoreRef> stores = new HashMap<>();
  private final Tuple scope;
  private final LocalDate day;
  private final ActionThresholds limits;

  ActionRules(SqlClient client, List<ActionsQuery.StoreRef> stores, LocalDate day, ActionThresholds limits) {
    this.client = client;
    stores.forEach(store -> this.stores.put(store.id(), store));
    this.scope = Tuple.tuple().addArrayOfInteger(stores.stream().map(ActionsQuery.StoreRef::id).toArray(Integer[]::new))
      .addLocalDate(day);
    this.day = day;
    this.limits = limits;
  }

  /** Every item of every rule, with its trend and channel split. */
  Future<List<ActionItem>> items() {
    if (stores.isEmpty()) {
      return Future.succeededFuture(List.of());
    }
    List<Future<List<ActionItem>>> rules = List.of(orders(), stockOut(), belowCost(), falling(), unsold(), newProducts(),
      margins(), top());
    return Future.all(rules).compose(done -> {
      List<ActionItem> items = new ArrayList<>();
      rules.forEach(rule -> items.addAll(rule.result()));
      return Future.all(productTrends(items), productChannels(items), storeTrends(items)).map(items);
    });
  }

  private Future<RowSet<Row>> run(String sql, Object... more) {
    Tuple args = Tuple.tuple().addValue(scope.getValue(0)).addValue(scope.getValue(1));
    for (Object value : more) {
      args.addValue(value);
    }
    return client.preparedQuery(sql).execute(args);
  }

  // --- urgent: orders ---

  private Future<List<ActionItem>> orders() {
    return run(ORDERS, limits.deliveryCostMaxCents()).compose(rows -> {
      Map<String, long[]> perDay = new HashMap<>();
      List<Row> today = new ArrayList<>();
      for (Row row : rows) {
        LocalDate orderDay = row.getLocalDate(2);
        long[] counts = perDay.computeIfAbsent(row.getInteger(1) + "|" + orderDay, k -> new long[2]);
        counts[0] += row.getBoolean(14) ? 1 : 0;
        counts[1] += row.getBoolean(15) ? 1 : 0;
        if (orderDay.equals(day)) {
          today.add(row);
        }
      }
      Long[] losing = today.stream().filter(row -> row.getBoolean(14)).map(row -> row.getLong(0)).toArray(Long[]::new);
      Future<Map<Long, JsonArray>> lines = losing.length == 0 ? Future.succeededFuture(Map.of())
        : client.preparedQuery(ORDER_LINES).execute(Tuple.tuple().addArrayOfLong(losing)).map(ActionRules::linesByOrder);
      return lines.map(byOrder -> {
        List<ActionItem> items = new ArrayList<>();
        for (Row row : today) {
          if (row.getBoolean(14)) {
            items.add(withOrderTrend(losingOrder(row, byOrder.get(row.getLong(0))), perDay, 0));
          }
          if (row.getBoolean(15)) {
            items.add(withOrderTrend(deliveryCost(row), perDay, 1));
          }
        }
        return items;
      });
    });
  }

  private static Map<Long, JsonArray> linesByOrder(RowSet<Row> rows) {
    Map<Long, JsonArray> byOrder = new HashMap<>();
    for (Row row : rows) {
      byOrder.computeIfAbsent(row.getLong(0), k -> new JsonArray()).add(new JsonObject()
        .put("sku", row.getString(1)).put("name", row.getString(2)).put("quantity", row.getInteger(3))
        .put("unit_price", Figures.money(row.getLong(4))).put("revenue", Figures.money(row.getLong(5)))
        .put("cost", Figures.money(row.getLong(6))).put("gross_profit", Figures.money(row.getLong(7)))
        .put("service_fee", Figures.money(row.getLong(8))));
    }
    return byOrder;
  }

  private ActionItem losingOrder(Row row, JsonArray lines) {
    long grossProfit = row.getLong(7);
    long fee = row.getLong(8);
    long delivery = row.getLong(9);
    long rebate = row.getLong(10);
    long profit = grossProfit - fee - delivery + rebate;
    String orderNo = row.getString(3);
    JsonObject figures = new JsonObject().put("order_id", orderNo).put("profit", Figures.money(profit))
      .put("revenue", Figures.money(row.getLong(6))).put("gross_profit", Figures.money(grossProfit))
      .put("service_fee", Figures.money(fee)).put("delivery_cost", Figures.money(delivery))
      .put("rebate", Figures.money(rebate)).put("lines", lines == null ? new JsonArray() : lines);
    ActionRule rule = ActionRule.LOSING_ORDER;
    Object[] args = {orderNo, Figures.money(-profit), Figures.money(grossProfit), Figures.money(fee), Figures.money(delivery)};
    ActionItem item = new ActionItem(rule, row.getInteger(1), "order", orderNo, orderNo, figures, -profit,
      advice(rule, args), drill("orders", row.getInteger(1), day, orderNo), null, null);
    item.channels.add(channel(row.getString(4), row.getString(5), Figures.money(profit)));
    return item;
  }

  private ActionItem deliveryCost(Row row) {
    long net = row.getLong(9) - (row.getLong(11) - row.getLong(12)) - row.getLong(10);
    long excess = net - limits.deliveryCostMaxCents();
    String orderNo = row.getString(3);
    Integer distance = row.getInteger(13);
    JsonObject figures = new JsonObject().put("order_id", orderNo).put("delivery_net_cost", Figures.money(net))
      .put("limit", Figures.money(limits.deliveryCostMaxCents())).put("excess", Figures.money(excess))
      .put("delivery_cost", Figures.money(row.getLong(9))).put("customer_delivery_fee", Figures.money(row.getLong(11)))
      .put("delivery_fee_discount", Figures.money(row.getLong(12))).put("rebate", Figures.money(row.getLong(10)))
      .put("distance_km", distance == null ? null : BigDecimal.valueOf(distance, 3).setScale(1, RoundingMode.HALF_UP));
    ActionRule rule = ActionRule.DELIVERY_COST;
    ActionItem item = new ActionItem(rule, row.getInteger(1), "order", orderNo, orderNo, figures, excess,
      advice(rule, orderNo, Figures.money(net), Figures.money(excess)), drill("orders", row.getInteger(1), day, orderNo),
      null, null);
    item.channels.add(channel(row.getString(4), row.getString(5), Figures.money(net)));
    return item;
  }

  /** An order item's trend: how many of the store's orders the rule found on each of D−2..D. */
  private ActionItem withOrderTrend(ActionItem item, Map<String, long[]> perDay, int rule) {
    for (int back = TREND_DAYS - 1; back >= 0; back--) {
      LocalDate d = day.minusDays(back);
      long[] counts = perDay.get(item.storeId + "|" + d);
      item.trend.add(point(d, counts == null ? 0 : counts[rule]));
    }
    return item;
  }

  // --- urgent: products ---

  private Future<List<ActionItem>> stockOut() {
    return run(STOCK_OUT, limits.stockOutTop()).map(rows -> {
      List<ActionItem> items = new ArrayList<>();
      for (Row row : rows) {
        long sold = row.getLong(4);
        int rank = row.getLong(5).intValue();
        JsonObject figures = new JsonObject().put("sku", row.getString(2)).put("quantity", 0)
          .put("yesterday_quantity", sold).put("yesterday_rank", rank);
        items.add(product(ActionRule.STOCK_OUT, row, figures, sold, day.minusDays(1), rank, sold));
      }
      return items;
    });
  }

  private Future<List<ActionItem>> belowCost() {
    return run(BELOW_COST).map(rows -> {
      List<ActionItem> items = new ArrayList<>();
      for (Row row : rows) {
        long quantity = row.getLong(5);
        long revenue = row.getLong(6);
        long cost = row.getLong(7);
        BigDecimal unitPrice = perUnit(revenue, quantity);
        BigDecimal unitCost = perUnit(cost, quantity);
        JsonObject figures = new JsonObject().put("sku", row.getString(2)).put("lines", row.getLong(4))
          .put("quantity", quantity).put("unit_price", unitPrice).put("unit_cost", unitCost)
          .put("revenue", Figures.money(revenue)).put("cost", Figures.money(cost)).put("loss", Figures.money(cost - revenue));
        items.add(product(ActionRule.BELOW_COST, row, figures, cost - revenue, day, unitPrice, unitCost,
          Figures.money(cost - revenue)));
      }
      return items;
    });
  }

  // --- watch ---

  private Future<List<ActionItem>> falling() {
    return run(FALLING, limits.fallingMinQuantity(), limits.fallingDrop().doubleValue()).map(rows -> {
      List<ActionItem> items = new ArrayList<>();
      for (Row row : rows) {
        long now = row.getLong(4);
        long before = row.getLong(5);
        BigDecimal change = Figures.ratio(now - before, before);
        JsonObject figures = new JsonObject().put("sku", row.getString(2)).put("quantity", now)
          .put("previous_quantity", before).put("change", change)
          .put("from", day.minusDays(6).toString()).put("previous_from", day.minusDays(13).toString());
        ActionItem item = product(ActionRule.FALLING, row, figures, before - now, day, now, before,
          change.negate().movePointRight(2).setScale(1, RoundingMode.HALF_UP));
        item.drill.getJsonObject("params").remove("day");
        item.drill.getJsonObject("params").put("from", day.minusDays(13).toString()).put("to", day.toString());
        items.add(item);
      }
      return items;
    });
  }

  private Future<List<ActionItem>> unsold() {
    return run(UNSOLD, limits.longestUnsold(), limits.unsoldDays().toArray(Integer[]::new)).compose(rows -> {
      if (rows.size() == 0) {
        return Future.succeededFuture(List.of());
      }
      Set<LocalDate> lastDays = new LinkedHashSet<>();
      Set<Integer> products = new LinkedHashSet<>();
      rows.forEach(row -> {
        lastDays.add(row.getLocalDate(4));
        products.add(row.getInteger(1));
      });
      Tuple args = Tuple.tuple().addValue(scope.getValue(0)).addArrayOfLocalDate(lastDays.toArray(LocalDate[]::new))
        .addArrayOfInteger(products.toArray(Integer[]::new));
      return client.preparedQuery(STOCK).execute(args).map(stock -> {
        Map<String, Integer> stockOf = new HashMap<>();
        stock.forEach(s -> stockOf.put(s.getInteger(0) + "|" + s.getInteger(1), s.getInteger(2)));
        List<ActionItem> items = new ArrayList<>();
        for (Row row : rows) {
          Integer left = stockOf.get(row.getInteger(0) + "|" + row.getInteger(1));
          if (left == null || left <= 0) {
            continue;
          }
          LocalDate last = row.getLocalDate(4);
          long days = ChronoUnit.DAYS.between(last, day);
          JsonObject figures = new JsonObject().put("sku", row.getString(2)).put("days_without_sale", days)
            .put("last_sale_day", last.toString()).put("stock", left);
          items.add(product(ActionRule.UNSOLD, row, figures, days * 1_000_000L + left, last, days, left));
        }
        return items;
      });
    });
  }

  private Future<List<ActionItem>> newProducts() {
    return run(NEW_PRODUCT).map(rows -> {
      List<ActionItem> items = new ArrayList<>();
      for (Row row : rows) {
        long quantity = row.getLong(4);
        JsonObject figures = new JsonObject().put("sku", row.getString(2)).put("quantity", quantity)
          .put("revenue", Figures.money(row.getLong(5))).put("gross_profit", Figures.money(row.getLong(6)));
        items.add(product(ActionRule.NEW_PRODUCT, row, figures, quantity, day, quantity));
      }
      return items;
    });
  }

  private Future<List<ActionItem>> margins() {
    return run(MARGINS).map(rows -> {
      List<ActionItem> items = new ArrayList<>();
      for (Row row : rows) {
        BigDecimal now = Figures.exactRatio(row.getLong(1), row.getLong(2));
        BigDecimal before = Figures.exactRatio(row.getLong(3), row.getLong(4));
        if (now == null || before == null) {
          continue;
        }
        BigDecimal points = now.subtract(before).movePointRight(2);
        if (points.negate().compareTo(limits.marginDropPoints()) <= 0) {
          continue;
        }
        ActionsQuery.StoreRef store = stores.get(row.getInteger(0));
        BigDecimal written = points.setScale(2, RoundingMode.HALF_UP);
        JsonObject figures = new JsonObject().put("profit_margin", Figures.asRatio(now))
          .put("previous_margin", Figures.asRatio(before)).put("change_points", written)
          .put("profit", Figures.money(row.getLong(1))).put("revenue", Figures.money(row.getLong(2)))
          .put("from", day.minusDays(6).toString()).put("previous_from", day.minusDays(13).toString());
        ActionRule rule = ActionRule.MARGIN_FALLING;
        JsonObject drill = new JsonObject().put("view", "overview").put("params", new JsonObject()
          .put("store", store.code()).put("from", day.minusDays(6).toString()).put("to", day.toString()));
        items.add(new ActionItem(rule, store.id(), "store", store.code(), store.name(), figures,
          written.negate().movePointRight(2).longValue(),
          advice(rule, percent(now), percent(before), written.negate()), drill, null, null));
      }
      return items;
    });
  }

  // --- highlights ---

  private Future<List<ActionItem>> top() {
    return run(TOP, limits.topCount()).map(rows -> {
      List<ActionItem> items = new ArrayList<>();
      for (Row row : rows) {
        long quantity = row.getLong(4);
        long grossProfit = row.getLong(6);
        int byQuantity = row.getLong(7).intValue();
        int byProfit = row.getLong(8).intValue();
        if (byQuantity <= limits.topCount()) {
          JsonObject figures = new JsonObject().put("sku", row.getString(2)).put("rank", byQuantity)
            .put("quantity", quantity).put("revenue", Figures.money(row.getLong(5)));
          items.add(product(ActionRule.TOP_SELLER, row, figures, -byQuantity, day, byQuantity, quantity));
        }
        if (byProfit <= limits.topCount() && grossProfit > 0) {
          JsonObject figures = new JsonObject().put("sku", row.getString(2)).put("rank", byProfit)
            .put("gross_profit", Figures.money(grossProfit)).put("revenue", Figures.money(row.getLong(5)))
            .put("gross_margin", Figures.ratio(grossProfit, row.getLong(5)));
          items.add(product(ActionRule.TOP_PROFIT, row, figures, -byProfit, day, byProfit, Figures.money(grossProfit)));
        }
      }
      return items;
    });
  }

  // --- trends and channel splits, for every item at once ---

  /** A product item's trend: its quantity on D−2..D (gross profit for a top profit maker). */
  private Future<Void> productTrends(List<ActionItem> items) {
    Integer[] products = productIds(items);
    if (products.length == 0) {
      return Future.succeededFuture();
    }
    return run(PRODUCT_TREND, (Object) products).map(rows -> {
      Map<String, Row> byKey = new HashMap<>();
      rows.forEach(row -> byKey.put(row.getInteger(0) + "|" + row.getInteger(1) + "|" + row.getLocalDate(2), row));
      for (ActionItem item : items) {
        if (item.productId == null) {
          continue;
        }
        for (int back = TREND_DAYS - 1; back >= 0; back--) {
          LocalDate d = day.minusDays(back);
          Row row = byKey.get(item.storeId + "|" + item.productId + "|" + d);
          Object value = item.rule == ActionRule.TOP_PROFIT ? Figures.money(row == null ? 0 : row.getLong(4))
            : row == null ? 0L : row.getLong(3);
          item.trend.add(point(d, value));
        }
      }
      return null;
    });
  }

  /** A product item's channels: its quantity per channel on the day the rule is about (D, D−1, its last sale). */
  private Future<Void> productChannels(List<ActionItem> items) {
    Integer[] products = productIds(items);
    if (products.length == 0) {
      return Future.succeededFuture();
    }
    LocalDate[] days = items.stream().filter(i -> i.channelDay != null).map(i -> i.channelDay).distinct()
      .toArray(LocalDate[]::new);
    Tuple args = Tuple.tuple().addValue(scope.getValue(0)).addArrayOfLocalDate(days).addArrayOfInteger(products);
    return client.preparedQuery(PRODUCT_CHANNELS).execute(args).map(rows -> {
      Map<String, JsonArray> byKey = new HashMap<>();
      rows.forEach(row -> byKey.computeIfAbsent(row.getInteger(0) + "|" + row.getLocalDate(1) + "|" + row.getInteger(2),
        k -> new JsonArray()).add(channel(row.getString(3), row.getString(4), row.getLong(5))));
      for (ActionItem item : items) {
        if (item.productId != null) {
          item.channels = byKey.getOrDefault(item.storeId + "|" + item.channelDay + "|" + item.productId, new JsonArray()).copy();
        }
      }
      return null;
    });
  }

  /** A store item's trend (its profit margin on D−2..D) and channels (each channel's margin over D−6..D). */
  private Future<Void> storeTrends(List<ActionItem> items) {
    if (items.stream().noneMatch(i -> i.type.equals("store"))) {
      return Future.succeededFuture();
    }
    return Future.all(run(STORE_TREND), run(STORE_CHANNELS)).map(done -> {
      Map<String, Row> days = new HashMap<>();
      done.<RowSet<Row>>resultAt(0).forEach(row -> days.put(row.getInteger(0) + "|" + row.getLocalDate(1), row));
      Map<Integer, JsonArray> channels = new HashMap<>();
      done.<RowSet<Row>>resultAt(1).forEach(row -> channels.computeIfAbsent(row.getInteger(0), k -> new JsonArray())
        .add(channel(row.getString(1), row.getString(2), Figures.ratio(row.getLong(3), row.getLong(4)))));
      for (ActionItem item : items) {
        if (!item.type.equals("store")) {
          continue;
        }
        for (int back = TREND_DAYS - 1; back >= 0; back--) {
          LocalDate d = day.minusDays(back);
          Row row = days.get(item.storeId + "|" + d);
          item.trend.add(point(d, row == null ? null : Figures.ratio(row.getLong(2), row.getLong(3))));
        }
        item.channels = channels.getOrDefault(item.storeId, new JsonArray());
      }
      return null;
    });
  }

  // --- helpers ---

  /** A product item; its advice takes {@code args}, its drill-down is the product's lines on {@code channelDay}. */
  private ActionItem product(ActionRule rule, Row row, JsonObject figures, long weight, LocalDate channelDay,
                             Object... args) {
    int storeId = row.getInteger(0);
    return new ActionItem(rule, storeId, "product", row.getString(2), row.getString(3), figures, weight,
      advice(rule, args), drill("orders", storeId, channelDay, row.getString(2)), row.getInteger(1), channelDay);
  }

  private JsonObject drill(String view, int storeId, LocalDate on, String q) {
    return new JsonObject().put("view", view).put("params", new JsonObject()
      .put("store", stores.get(storeId).code()).put("day", on.toString()).put("q", q));
  }

  private static JsonObject advice(ActionRule rule, Object... args) {
    return new JsonObject().put("zh", rule.adviceZh(args)).put("en", rule.adviceEn(args));
  }

  private static JsonObject channel(String code, String name, Object value) {
    return new JsonObject().put("channel", code).put("name", name).put("value", value);
  }

  private static JsonObject point(LocalDate d, Object value) {
    return new JsonObject().put("day", d.toString()).put("value", value);
  }

  private static Integer[] productIds(List<ActionItem> items) {
    return items.stream().filter(i -> i.productId != null).map(i -> i.productId).distinct().toArray(Integer[]::new);
  }

  /** Money per unit in yuan, 2 decimals. */
  private static BigDecimal perUnit(long cents, long quantity) {
    return BigDecimal.valueOf(cents).divide(BigDecimal.valueOf(quantity * 100), Figures.MONEY_SCALE, RoundingMode.HALF_UP);
  }

  /** A ratio as a percentage with 2 decimals, for advice. */
  private static BigDecimal percent(BigDecimal ratio) {
    return ratio.movePointRight(2).setScale(2, RoundingMode.HALF_UP);
  }
}
