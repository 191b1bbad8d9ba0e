package io.storedash.cache;

import io.storedash.common.Addresses;
import io.storedash.common.DashboardQuery;
import io.storedash.common.ReplyHeaders;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stand-in for query-service on the event bus that counts every computation per query and can be told to be slow
 * or to fail like a query-service whose PostgreSQL is down. (Redis itself is real in these tests.)
 */
final class FakeQueryService {

  final AtomicInteger computations = new AtomicInteger();
  final Map<String, AtomicInteger> perQuery = new ConcurrentHashMap<>();
  volatile long delayMillis;
  /** When set, every computation waits until it completes. */
  volatile Future<?> heldUntil;
  volatile boolean failing;
  /** When set, every computation fails with this code (and a sentence naming it). */
  volatile int failWith;
  /** The client header of every computation asked, in order (null when none was sent). */
  final List<String> clients = new java.util.concurrent.CopyOnWriteArrayList<>();
  /** Refuses queries of the default range, as the warm-up asks them: then only the test's own entries are cached. */
  volatile boolean refuseDefaultRange;
  volatile long version = 1;
  /** The stores whose data versions it reports. */
  volatile List<String> stores = List.of("S001", "S002");

  FakeQueryService(Vertx vertx) {
    vertx.eventBus().<JsonObject>consumer(Addresses.DATA_VERSIONS, msg -> {
      JsonObject versions = new JsonObject();
      stores.forEach(store -> versions.put(store, version));
      msg.reply(new JsonObject().put("version", version).put("stores", versions));
    }).completion().await();
    vertx.eventBus().<JsonObject>consumer(Addresses.DASHBOARD_COMPUTE, msg -> {
      Future<?> held = heldUntil;
      if (held != null) {
        held.onComplete(ar -> compute(msg));
      } else if (delayMillis > 0) {
        vertx.setTimer(delayMillis, t -> compute(msg));
      } else {
        compute(msg);
      }
    }).completion().await();
  }

  private void compute(Message<JsonObject> message) {
    DashboardQuery query = DashboardQuery.fromJson(message.body());
    int n = computations.incrementAndGet();
    perQuery.computeIfAbsent(query.canonical(), k -> new AtomicInteger()).incrementAndGet();
    clients.add(message.headers().get(io.storedash.common.RequestHeaders.CLIENT));
    if (failWith != 0) {
      message.fail(failWith, "failed with " + failWith);
      return;
    }
    if (failing || (refuseDefaultRange && query.from() == null)) {
      message.fail(503, "PostgreSQL is unreachable");
      return;
    }
    if ("S404".equals(query.store())) {
      message.fail(404, "unknown store 'S404'");
      return;
    }
    message.reply(Buffer.buffer(new JsonObject().put("store", query.store()).put("kind", query.kind().wireName())
        .put("n", n).encode()),
      new DeliveryOptions().addHeader(ReplyHeaders.COMPUTE_MS, "3"));
  }

  int computationsOf(DashboardQuery query) {
    AtomicInteger n = perQuery.get(query.canonical());
    return n == null ? 0 : n.get();
  }
}
