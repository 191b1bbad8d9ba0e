package io.storedash.common.client;

import io.storedash.common.client.impl.EventBusRequests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;

/**
 * How a client reaches its service: straight over the event bus, or through the caller's circuit breaker to it (the
 * gateway's {@code Downstream}). A client puts the address, body and send timeout; this only sends.
 */
public interface ServiceRequests {

  /** Straight over the event bus, with no breaker. */
  static ServiceRequests eventBus(Vertx vertx, String service) {
    return new EventBusRequests(vertx, service);
  }

  /** The service's name, as failures name it. */
  String service();

  <T> Future<Message<T>> request(String address, Object body, DeliveryOptions options);
}
