package io.storedash.common.client.impl;

import io.storedash.common.Addresses;
import io.storedash.common.DashboardQuery;
import io.storedash.common.DashboardReply;
import io.storedash.common.QueryKind;
import io.storedash.common.client.CacheClient;
import io.storedash.common.client.ServiceRequests;
import io.storedash.common.security.MessageSignatures;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

public final class CacheClientImpl implements CacheClient {

  private final Requests requests;
  private final MessageSignatures signatures;

  public CacheClientImpl(ServiceRequests via, MessageSignatures signatures, Duration timeout) {
    this.requests = new Requests(via, timeout);
    this.signatures = signatures;
  }

  @Override
  public Future<DashboardReply> query(DashboardQuery query, String client) {
    return requests.<Buffer>sendAs(Addresses.DASHBOARD_QUERY, query.toJson(), client).map(DashboardReply::of);
  }

  @Override
  public Future<JsonObject> warm(JsonArray stores) {
    JsonObject command = new JsonObject().put("action", "warm");
    if (stores != null) {
      command.put("stores", stores);
    }
    return admin(command);
  }

  @Override
  public Future<JsonObject> flush(String tier, String store) {
    return admin(new JsonObject().put("action", "flush").put("tier", tier).put("store", store));
  }

  @Override
  public Future<JsonObject> flushKind(QueryKind kind) {
    return admin(new JsonObject().put("action", "flush").put("kind", kind.wireName()));
  }

  @Override
  public Future<JsonObject> stats() {
    return admin(new JsonObject().put("action", "stats"));
  }

  private Future<JsonObject> admin(JsonObject command) {
    return requests.<JsonObject>sendSigned(Addresses.CACHE_ADMIN, command, signatures).map(Message::body);
  }
}
