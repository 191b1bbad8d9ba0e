package io.storedash.query.ingest;

import io.storedash.common.Addresses;
import io.storedash.common.ImportProtocol;
import io.storedash.common.security.MessageSignatures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;

/**
 * Sends a file to query-service the way the gateway does: a session, the chunks one by one, the end message, each
 * signed by a member.
 */
final class ImportClient {

  /** The final answer: the status (200 or the failure code) and the report (or the failure's message). */
  record Outcome(int status, JsonObject report, String message) {
  }

  private final Vertx vertx;
  private final MessageSignatures signatures;
  private final String address;

  ImportClient(Vertx vertx, MessageSignatures signatures) {
    this(vertx, signatures, Addresses.IMPORT);
  }

  ImportClient(Vertx vertx, MessageSignatures signatures, String address) {
    this.vertx = vertx;
    this.signatures = signatures;
    this.address = address;
  }

  Future<Outcome> send(String file, byte[] bytes, int chunkSize) {
    return send(file, bytes, chunkSize, null);
  }

  /** As the gateway sends the file of a caller who may import for some stores only ({@link ImportProtocol#SCOPE}). */
  Future<Outcome> send(String file, byte[] bytes, int chunkSize, JsonObject scope) {
    return open(file, bytes.length, scope).compose(session -> sendFrom(session, bytes, 0, chunkSize))
      .transform(Future::succeededFuture).map(ImportClient::outcome);
  }

  Future<String> open(String file, long size) {
    return open(file, size, null);
  }

  Future<String> open(String file, long size, JsonObject scope) {
    JsonObject request = new JsonObject().put(ImportProtocol.FILENAME, file).put(ImportProtocol.SIZE, size);
    if (scope != null) {
      request.put(ImportProtocol.SCOPE, scope);
    }
    return vertx.eventBus().<JsonObject>request(address, request, signatures.sign(address, request))
      .map(reply -> reply.body().getString(ImportProtocol.SESSION));
  }

  Future<Message<Object>> chunk(String session, byte[] bytes, int from, int to) {
    Buffer chunk = Buffer.buffer().appendBytes(bytes, from, to - from);
    return vertx.eventBus().request(session, chunk, signatures.sign(session, chunk));
  }

  Future<Message<Object>> end(String session) {
    return vertx.eventBus().request(session, Buffer.buffer(), signatures.sign(session, Buffer.buffer(),
      new DeliveryOptions().addHeader(ImportProtocol.END, "true").setSendTimeout(120_000)));
  }

  Future<Message<JsonObject>> abort(String session) {
    return vertx.eventBus().request(session, Buffer.buffer(), signatures.sign(session, Buffer.buffer(),
      new DeliveryOptions().addHeader(ImportProtocol.ABORT, "true")));
  }

  private Future<Message<Object>> sendFrom(String session, byte[] bytes, int from, int chunkSize) {
    if (from >= bytes.length) {
      return end(session);
    }
    int to = Math.min(bytes.length, from + chunkSize);
    return chunk(session, bytes, from, to).compose(ack -> sendFrom(session, bytes, to, chunkSize));
  }

  static Outcome outcome(io.vertx.core.AsyncResult<Message<Object>> ar) {
    if (ar.succeeded()) {
      return new Outcome(200, (JsonObject) ar.result().body(), null);
    }
    if (ar.cause() instanceof ReplyException re) {
      String message = re.getMessage();
      JsonObject report = message != null && message.startsWith("{") ? new JsonObject(message) : null;
      return new Outcome(re.failureCode(), report, message);
    }
    throw new IllegalStateException(ar.cause());
  }
}
