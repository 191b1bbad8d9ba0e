package io.storedash.common.client.impl;

import io.storedash.common.RequestHeaders;
import io.storedash.common.client.DownstreamFailure;
import io.storedash.common.client.ServiceRequests;
import io.storedash.common.security.MessageSignatures;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;

import java.time.Duration;

/** What every client does with a request: the send timeout, and no instance or no answer as a {@link DownstreamFailure}. */
final class Requests {

  private final ServiceRequests via;
  private final long timeoutMillis;

  Requests(ServiceRequests via, Duration timeout) {
    this.via = via;
    this.timeoutMillis = timeout.toMillis();
  }

  <T> Future<Message<T>> send(String address, Object body) {
    return send(address, body, timeoutMillis);
  }

  <T> Future<Message<T>> send(String address, Object body, long timeoutMillis) {
    return send(address, body, new DeliveryOptions().setSendTimeout(timeoutMillis));
  }

  /** Sends on behalf of {@code client} ({@link RequestHeaders#CLIENT}; null: no header). */
  <T> Future<Message<T>> sendAs(String address, Object body, String client) {
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(timeoutMillis);
    if (client != null) {
      options.addHeader(RequestHeaders.CLIENT, client);
    }
    return send(address, body, options);
  }

  /** Sends with this process's signature (docs/DESIGN.md §11.3): for the addresses that refuse unsigned messages. */
  <T> Future<Message<T>> sendSigned(String address, Object body, MessageSignatures signatures) {
    return send(address, body, signatures.sign(address, body, new DeliveryOptions().setSendTimeout(timeoutMillis)));
  }

  private <T> Future<Message<T>> send(String address, Object body, DeliveryOptions options) {
    return via.<T>request(address, body, options)
      .recover(e -> Future.failedFuture(DownstreamFailure.translate(via.service(), e, options.getSendTimeout())));
  }
}
