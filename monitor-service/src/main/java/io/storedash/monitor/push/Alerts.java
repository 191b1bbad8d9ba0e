package io.storedash.monitor.push;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The immediate alerts: a store's money-losing orders above a subscription's number after its data changed, and the
 * monitor's status turning red (for ops and hq). Each fires once per key — store and day, or the quarter hour the
 * status turned red in — however many instances see the same change: the delivery's key is claimed in PostgreSQL.
 */
final class Alerts {

  static final String LOSING_ORDER = "losing_order";
  static final String MONITOR_RED = "monitor_red";
  static final Set<String> RULES = Set.of(LOSING_ORDER, MONITOR_RED);
  /** A red status alerts at most once in this many minutes per subscription. */
  static final int RED_WINDOW_MINUTES = 15;

  private final Subscriptions subscriptions;
  private final Deliveries deliveries;
  private final Deliverer deliverer;
  private final ActionsSource actions;
  private final Clock clock;
  private final int maxAttempts;
  private String lastStatus = "unknown";

  Alerts(Subscriptions subscriptions, Deliveries deliveries, Deliverer deliverer, ActionsSource actions, Clock clock,
         int maxAttempts) {
    this.subscriptions = subscriptions;
    this.deliveries = deliveries;
    this.deliverer = deliverer;
    this.actions = actions;
    this.clock = clock;
    this.maxAttempts = maxAttempts;
  }

  /** After data changed for {@code stores}: each losing-order subscription over them checks its count. */
  Future<Void> dataChanged(List<String> stores) {
    return subscriptions.alerting().compose(list -> {
      List<Future<?>> checks = new ArrayList<>();
      for (Subscription subscription : list) {
        JsonObject rule = subscription.alert(LOSING_ORDER);
        if (rule != null) {
          checks.add(deliverer.digestStores(subscription).compose(allowed -> {
            List<Future<?>> perStore = new ArrayList<>();
            for (String store : new TreeSet<>(stores)) {
              if (allowed == null || allowed.contains(store)) {
                perStore.add(checkLosingOrders(subscription, store, rule.getInteger("above", 0)));
              }
            }
            return Future.join(perStore);
          }));
        }
      }
      return Future.join(checks).mapEmpty();
    });
  }

  private Future<Void> checkLosingOrders(Subscription subscription, String store, int above) {
    return actions.actions(Set.of(store)).compose(answer -> {
      int count = count(answer.getJsonArray("urgent", new JsonArray()), LOSING_ORDER);
      if (count <= above) {
        return Future.succeededFuture();
      }
      String day = answer.getString("day", "");
      JsonObject facts = new JsonObject().put("rule", LOSING_ORDER).put("store", store).put("day", day)
        .put("count", count).put("above", above);
      return fire(subscription, subscription.id() + ":alert:" + LOSING_ORDER + ":" + store + ":" + day, facts);
    });
  }

  /** A monitor snapshot: when its status turns red, the monitor-red subscriptions hear of it. */
  Future<Void> monitorStatus(JsonObject snapshot) {
    String status = snapshot.getString("status", "unknown");
    boolean turnedRed = status.equals("red") && !lastStatus.equals("red");
    lastStatus = status;
    if (!turnedRed) {
      return Future.succeededFuture();
    }
    long window = clock.instant().getEpochSecond() / (RED_WINDOW_MINUTES * 60L);
    JsonObject facts = new JsonObject().put("rule", MONITOR_RED).put("status", status)
      .put("generated_at", snapshot.getValue("generated_at")).put("at", clock.instant().toString());
    return subscriptions.alerting().compose(list -> Future.join(list.stream()
      .filter(s -> s.alert(MONITOR_RED) != null)
      .map(s -> fire(s, s.id() + ":alert:" + MONITOR_RED + ":" + window, facts)).toList()).mapEmpty());
  }

  private Future<Void> fire(Subscription subscription, String key, JsonObject facts) {
    Instant now = clock.instant();
    return deliveries.claim(subscription.id(), key, "alert", facts, Messages.alert(facts, subscription.lang()).toJson(),
        maxAttempts, now)
      .compose(claimed -> claimed.isEmpty() ? Future.succeededFuture() : deliverer.sendNow(claimed.get()).mapEmpty());
  }

  private static int count(JsonArray items, String rule) {
    int count = 0;
    for (int i = 0; i < items.size(); i++) {
      if (rule.equals(items.getJsonObject(i).getString("rule"))) {
        count++;
      }
    }
    return count;
  }
}
