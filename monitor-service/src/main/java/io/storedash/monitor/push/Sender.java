package io.storedash.monitor.push;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.time.Duration;

/**
 * Posts a message to a webhook: no redirect is followed (a 3xx is a failed attempt, so that a platform host cannot
 * send StoreDash on to an address the guard never checked), the answer is read up to {@value #MAX_ANSWER_BYTES}
 * bytes, and the whole exchange has {@link #TIMEOUT}.
 */
final class Sender {

  static final Duration TIMEOUT = Duration.ofSeconds(10);
  static final int MAX_ANSWER_BYTES = 64 * 1024;

  /** The webhook's answer: its status and (the start of) its body. */
  record Answer(int status, Buffer body) {
  }

  private final WebClient client;

  Sender(Vertx vertx) {
    this.client = WebClient.create(vertx, new WebClientOptions().setFollowRedirects(false)
      .setConnectTimeout((int) TIMEOUT.toMillis()).setUserAgent("StoreDash-Push")
      .setDecompressionSupported(true));
  }

  Future<Answer> post(Platform.Outgoing outgoing) {
    HttpRequest<Buffer> request = client.postAbs(outgoing.url()).timeout(TIMEOUT.toMillis())
      .putHeader("Content-Type", "application/json; charset=utf-8");
    outgoing.headers().forEach(request::putHeader);
    return request.sendBuffer(outgoing.body()).map(response -> {
      Buffer body = response.body() == null ? Buffer.buffer() : response.body();
      return new Answer(response.statusCode(), body.length() > MAX_ANSWER_BYTES ? body.getBuffer(0, MAX_ANSWER_BYTES) : body);
    });
  }

  void close() {
    client.close();
  }
}
