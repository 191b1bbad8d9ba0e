package io.storedash.common.client.impl;

import io.storedash.common.Addresses;
import io.storedash.common.DashboardQuery;
import io.storedash.common.DashboardReply;
import io.storedash.common.client.QueryClient;
import io.storedash.common.client.ServiceRequests;
import io.storedash.common.security.MessageSignatures;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

public final class QueryClientImpl implements QueryClient {

  private final Requests requests;
  private final MessageSignatures signatures;

  public QueryClientImpl(ServiceRequests via, MessageSignatures signatures, Duration timeout) {
    this.requests = new Requests(via, timeout);
    this.signatures = signatures;
  }

  @Override
  public Future<DashboardReply> compute(DashboardQuery query, String client) {
    return requests.<Buffer>sendAs(Addresses.DASHBOARD_COMPUTE, query.toJson(), client).map(DashboardReply::of);
  }

  @Override
  public Future<JsonObject> channels(JsonObject command) {
    return requests.<JsonObject>sendSigned(Addresses.CHANNELS, command, signatures).map(Message::body);
  }

  @Override
  public Future<JsonObject> actionSettings(JsonObject command) {
    return requests.<JsonObject>sendSigned(Addresses.ACTION_SETTINGS, command, signatures).map(Message::body);
  }

  @Override
  public Future<JsonObject> importHistory(JsonObject command) {
    return requests.<JsonObject>sendSigned(Addresses.IMPORT_HISTORY, command, signatures).map(Message::body);
  }

  @Override
  public Future<JsonObject> dataVersions() {
    return requests.<JsonObject>send(Addresses.DATA_VERSIONS, new JsonObject(), VERSIONS_TIMEOUT.toMillis())
      .map(Message::body);
  }
}
