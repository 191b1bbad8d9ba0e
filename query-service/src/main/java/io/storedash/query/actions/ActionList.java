package io.storedash.query.actions;

import io.storedash.common.ActionThresholds;
import io.storedash.common.DashboardQuery;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The answer of {@code actions} (docs/DESIGN.md §14.1): {@code {"store", "day", "thresholds", "revision", "counts",
 * "urgent", "watch", "highlights"}}, and {@code "stores"} with each store's counts for {@code all}. Items are grouped
 * by store (in code order), then by rule (in {@link ActionRule} order), then by weight, largest first; each rule lists
 * at most {@code max_items} per store, while the counts count every item found.
 */
final class ActionList {

  private ActionList() {
  }

  static JsonObject of(String store, LocalDate day, ActionSettings.Current settings,
                       List<ActionsQuery.StoreRef> stores, List<ActionItem> items) {
    ActionThresholds limits = settings.thresholds();
    Map<Integer, Integer> order = new HashMap<>();
    for (ActionsQuery.StoreRef ref : stores) {
      order.put(ref.id(), order.size());
    }
    List<ActionItem> sorted = new ArrayList<>(items);
    sorted.sort(Comparator.<ActionItem>comparingInt(i -> order.get(i.storeId))
      .thenComparing(i -> i.rule)
      .thenComparing(Comparator.<ActionItem>comparingLong(i -> i.weight).reversed())
      .thenComparing(i -> i.id));
    Map<ActionRule.Section, JsonArray> sections = new EnumMap<>(ActionRule.Section.class);
    Map<Integer, int[]> perStore = new HashMap<>();
    Map<String, Integer> listed = new HashMap<>();
    int[] total = new int[ActionRule.Section.values().length];
    for (ActionRule.Section section : ActionRule.Section.values()) {
      sections.put(section, new JsonArray());
    }
    Map<Integer, String> codes = new HashMap<>();
    stores.forEach(ref -> codes.put(ref.id(), ref.code()));
    for (ActionItem item : sorted) {
      int section = item.rule.section().ordinal();
      total[section]++;
      perStore.computeIfAbsent(item.storeId, k -> new int[total.length])[section]++;
      int shown = listed.merge(item.storeId + "|" + item.rule, 1, Integer::sum);
      if (shown <= limits.maxItems()) {
        sections.get(item.rule.section()).add(item.toJson(codes.get(item.storeId)));
      }
    }
    JsonObject answer = new JsonObject().put("store", store).put("day", day.toString())
      .put("thresholds", limits.toJson()).put("revision", settings.revision()).put("counts", counts(total));
    sections.forEach((section, list) -> answer.put(section.wireName(), list));
    if (DashboardQuery.ALL_STORES.equals(store)) {
      JsonArray byStore = new JsonArray();
      for (ActionsQuery.StoreRef ref : stores) {
        byStore.add(new JsonObject().put("code", ref.code()).put("name", ref.name())
          .put("counts", counts(perStore.getOrDefault(ref.id(), new int[total.length]))));
      }
      answer.put("stores", byStore);
    }
    return answer;
  }

  private static JsonObject counts(int[] bySection) {
    JsonObject counts = new JsonObject();
    for (ActionRule.Section section : ActionRule.Section.values()) {
      counts.put(section.wireName(), bySection[section.ordinal()]);
    }
    return counts;
  }
}
