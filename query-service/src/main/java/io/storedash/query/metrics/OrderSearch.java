package io.storedash.query.metrics;

import io.storedash.common.DashboardQuery;
import io.storedash.common.QueryParams;

/**
 * The filters of an {@code orders} query (docs/DESIGN.md §13.2), each null when not asked.
 *
 * @param text      {@code q}: part of the order id (订单ID or 订单编号), or of a product's sku or name; plain text, matched
 *                  without regard to case, never as a pattern
 * @param channel   {@code channel}: the order's channel code
 * @param minCents  {@code min_amount} in cents: the order's revenue (商品实收额) at least this
 * @param maxCents  {@code max_amount} in cents: at most this
 * @param byOrder   {@code group=order}: orders with their lines and totals instead of lines
 */
public record OrderSearch(String text, String channel, Long minCents, Long maxCents, boolean byOrder) {

  public static OrderSearch of(DashboardQuery query) {
    String min = query.param("min_amount", null);
    String max = query.param("max_amount", null);
    return new OrderSearch(query.param("q", null), query.param("channel", null),
      min == null ? null : QueryParams.cents("min_amount", min), max == null ? null : QueryParams.cents("max_amount", max),
      "order".equals(query.param("group", null)));
  }

  /** Whether any filter narrows the lines (the grouping alone does not). */
  public boolean filters() {
    return text != null || channel != null || minCents != null || maxCents != null;
  }
}
