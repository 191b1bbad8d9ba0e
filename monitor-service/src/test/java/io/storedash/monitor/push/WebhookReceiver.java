package io.storedash.monitor.push;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The webhooks of the push tests: a Vert.x HTTP server on 127.0.0.1 that records every request and answers as the
 * test says (by default as the platforms do when they take a message). No request leaves the machine.
 */
final class WebhookReceiver implements AutoCloseable {

  /** A request as it arrived. */
  record Received(String path, String query, MultiMap headers, Buffer body) {
    JsonObject json() {
      return new JsonObject(body);
    }
  }

  /** The answer to a request. */
  record Answer(int status, MultiMap headers, String body) {
    static Answer ok() {
      return new Answer(200, MultiMap.caseInsensitiveMultiMap(), "{\"errcode\":0,\"errmsg\":\"ok\",\"code\":0,\"msg\":\"success\"}");
    }
  }

  final List<Received> received = new CopyOnWriteArrayList<>();
  volatile Function<Received, Answer> answer = r -> Answer.ok();
  private final HttpServer server;

  WebhookReceiver(Vertx vertx) {
    server = vertx.createHttpServer().requestHandler(request -> request.body().onSuccess(body -> {
      Received one = new Received(request.path(), request.query(), MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), body);
      received.add(one);
      Answer reply = answer.apply(one);
      request.response().setStatusCode(reply.status()).headers().addAll(reply.headers());
      request.response().putHeader("Content-Type", "application/json").end(reply.body());
    })).listen(0, "127.0.0.1").await();
  }

  String url(String pathAndQuery) {
    return "http://127.0.0.1:" + server.actualPort() + pathAndQuery;
  }

  List<Received> at(String path) {
    return received.stream().filter(r -> r.path().equals(path)).toList();
  }

  @Override
  public void close() {
    server.close().await();
  }
}
