package io.storedash.common.client.impl;

import io.storedash.common.client.ServiceRequests;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;

/** Requests sent straight over the event bus. */
public final class EventBusRequests implements ServiceRequests {

  private final Vertx vertx;
  private final String service;

  public EventBusRequests(Vertx vertx, String service) {
    this.vertx = vertx;
    this.service = service;
  }

  @Override
  public String service() {
    return service;
  }

  @Override
  public <T> Future<Message<T>> request(String address, Object body, DeliveryOptions options) {
    return vertx.eventBus().request(address, body, options);
  }
}
