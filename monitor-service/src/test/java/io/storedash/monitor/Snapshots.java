package io.storedash.monitor;

import io.storedash.common.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;

/** Asks monitor-service for its snapshot, as the gateway does, until it shows what a test waits for. */
final class Snapshots {

  private static final long POLL_MS = 100;

  private Snapshots() {
  }

  static Future<JsonObject> current(Vertx vertx) {
    return vertx.eventBus().<JsonObject>request(Addresses.MONITOR_SNAPSHOT, null).map(reply -> reply.body());
  }

  /** The first snapshot that satisfies {@code condition}; fails with the last one seen when {@code within} passes. */
  static Future<JsonObject> when(Vertx vertx, String what, Duration within, Predicate<JsonObject> condition) {
    Promise<JsonObject> promise = Promise.promise();
    long deadline = System.nanoTime() + within.toNanos();
    AtomicReference<JsonObject> last = new AtomicReference<>();
    poll(vertx, what, within, condition, deadline, last, promise);
    return promise.future();
  }

  private static void poll(Vertx vertx, String what, Duration within, Predicate<JsonObject> condition, long deadline,
                           AtomicReference<JsonObject> last, Promise<JsonObject> promise) {
    current(vertx).onComplete(ar -> {
      if (ar.succeeded()) {
        last.set(ar.result());
        if (condition.test(ar.result())) {
          promise.complete(ar.result());
          return;
        }
      }
      if (System.nanoTime() > deadline) {
        promise.fail(new AssertionError("no snapshot showed " + what + " within " + within.toMillis() + " ms; last: "
          + (last.get() == null ? String.valueOf(ar.cause()) : last.get().encodePrettily())));
      } else {
        vertx.setTimer(POLL_MS, t -> poll(vertx, what, within, condition, deadline, last, promise));
      }
    });
  }

  static JsonObject instance(JsonObject snapshot, String service, String node) {
    var instances = snapshot.getJsonObject("cluster").getJsonObject("services").getJsonArray(service);
    if (instances == null) {
      return null;
    }
    for (int i = 0; i < instances.size(); i++) {
      if (node.equals(instances.getJsonObject(i).getString("node"))) {
        return instances.getJsonObject(i);
      }
    }
    return null;
  }

  /** The state of an instance ({@code live}, {@code draining}, {@code gone}), or null when the snapshot lacks it. */
  static String state(JsonObject snapshot, String service, String node) {
    JsonObject instance = instance(snapshot, service, node);
    return instance == null ? null : instance.getString("state");
  }

  static boolean live(JsonObject snapshot, String service, String node) {
    return "live".equals(state(snapshot, service, node));
  }
}
