package io.storedash.query.actions;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.LocalDate;

/**
 * One item of the 今日必做 list while it is assembled: found by its rule's statement, then given its 3-day trend and
 * channel split, which are read for every item of the list at once (docs/DESIGN.md §14.1).
 */
final class ActionItem {

  final ActionRule rule;
  final int storeId;
  /** {@code order}, {@code product} or {@code store}. */
  final String type;
  final String id;
  final String name;
  final JsonObject figures;
  /** What orders items of one rule and store: the larger, the earlier (a loss, an excess, a quantity). */
  final long weight;
  final JsonObject advice;
  final JsonObject drill;
  /** The product's id for a product item, else null. */
  final Integer productId;
  /** The day whose lines give a product item's channel split: the day it sold on that the rule is about. */
  final LocalDate channelDay;
  JsonArray trend = new JsonArray();
  JsonArray channels = new JsonArray();

  ActionItem(ActionRule rule, int storeId, String type, String id, String name, JsonObject figures, long weight,
             JsonObject advice, JsonObject drill, Integer productId, LocalDate channelDay) {
    this.rule = rule;
    this.storeId = storeId;
    this.type = type;
    this.id = id;
    this.name = name;
    this.figures = figures;
    this.weight = weight;
    this.advice = advice;
    this.drill = drill;
    this.productId = productId;
    this.channelDay = channelDay;
  }

  JsonObject toJson(String storeCode) {
    return new JsonObject()
      .put("rule", rule.code())
      .put("store", storeCode)
      .put("subject", new JsonObject().put("type", type).put("id", id).put("name", name))
      .put("figures", figures)
      .put("trend", trend)
      .put("channels", channels)
      .put("advice", advice)
      .put("drill", drill);
  }
}
