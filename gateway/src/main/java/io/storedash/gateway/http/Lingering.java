package io.storedash.gateway.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;

/**
 * What to do with a request body that was refused before it was read (no token, too large, not CSV, a file
 * query-service rejected at its first line): the answer says {@code Connection: close}, then up to
 * {@link #MAX_BYTES} or {@link #MAX_MILLIS} more of the body are read and dropped — so that a client still sending
 * gets to read the answer instead of a reset — and the connection is closed. Keeping it open instead would make the
 * gateway read the whole refused body (up to the 256 MiB an import may be) to find where the next request starts,
 * and a client that announced more than it sends would hold the connection until the idle timeout.
 */
public final class Lingering {

  static final long MAX_BYTES = 8L * 1024 * 1024;
  static final long MAX_MILLIS = 2000;

  private Lingering() {
  }

  /** Whether the answer to this request leaves part of its body unread. */
  public static boolean bodyPending(HttpServerRequest request) {
    return !request.isEnded();
  }

  /** Call once the answer is sent, for a request whose body is still pending. */
  public static void drainThenClose(Vertx vertx, HttpServerRequest request) {
    HttpConnection connection = request.connection();
    if (request.isEnded()) {
      connection.close();
      return;
    }
    long[] drained = {0};
    long timer = vertx.setTimer(MAX_MILLIS, t -> connection.close());
    request.handler(data -> {
      drained[0] += data.length();
      if (drained[0] > MAX_BYTES) {
        vertx.cancelTimer(timer);
        connection.close();
      }
    });
    request.endHandler(v -> {
      vertx.cancelTimer(timer);
      connection.close();
    });
    request.exceptionHandler(e -> {
      vertx.cancelTimer(timer);
      connection.close();
    });
    request.resume();
  }
}
