package io.storedash.monitor.push;

import io.storedash.common.Addresses;
import io.storedash.common.Gzip;
import io.storedash.common.ReplyHeaders;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.Set;

/**
 * The {@code actions} view (docs/DESIGN.md §14.1), asked over the event bus like any view: through cache-service,
 * or from query-service directly when no cache-service runs (as the gateway does). The digest and the losing-order
 * alert read it; nothing here computes a figure.
 */
class ActionsSource {

  static final String KIND = "actions";

  private final Vertx vertx;
  private final Duration timeout;

  ActionsSource(Vertx vertx, Duration timeout) {
    this.vertx = vertx;
    this.timeout = timeout;
  }

  /**
   * @param stores null for the whole chain; else the stores to cover (one store is asked as that store)
   */
  Future<JsonObject> actions(Set<String> stores) {
    JsonObject query = new JsonObject().put("kind", KIND).put("params", new JsonObject());
    if (stores == null) {
      query.put("store", Subscription.ALL);
    } else if (stores.size() == 1) {
      query.put("store", stores.iterator().next());
    } else {
      query.put("store", Subscription.ALL).put("stores", new JsonArray(stores.stream().sorted().toList()));
    }
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeout.toMillis());
    return vertx.eventBus().<Buffer>request(Addresses.DASHBOARD_QUERY, query, options)
      .recover(e -> e instanceof ReplyException reply && reply.failureType() == ReplyFailure.NO_HANDLERS
        ? vertx.eventBus().request(Addresses.DASHBOARD_COMPUTE, query, options) : Future.failedFuture(e))
      .map(ActionsSource::decode);
  }

  private static JsonObject decode(Message<Buffer> reply) {
    Buffer body = reply.body();
    boolean gzip = "gzip".equals(reply.headers().get(ReplyHeaders.ENCODING));
    return new JsonObject(gzip ? Buffer.buffer(Gzip.decompress(body.getBytes())) : body);
  }
}
