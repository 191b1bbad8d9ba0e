package io.storedash.common.client.impl;

import io.storedash.common.Addresses;
import io.storedash.common.client.MonitorClient;
import io.storedash.common.client.ServiceRequests;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

public final class MonitorClientImpl implements MonitorClient {

  private final Requests requests;

  public MonitorClientImpl(ServiceRequests via, Duration timeout) {
    this.requests = new Requests(via, timeout);
  }

  @Override
  public Future<JsonObject> snapshot() {
    return requests.<JsonObject>send(Addresses.MONITOR_SNAPSHOT, new JsonObject()).map(Message::body);
  }
}
