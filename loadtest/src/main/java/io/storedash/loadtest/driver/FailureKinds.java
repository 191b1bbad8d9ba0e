package io.storedash.loadtest.driver;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClosedException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** Names the kind of a transport failure for the "errors by kind" table. */
final class FailureKinds {

  static final String TIMEOUT = "timeout";
  static final String UNSENT = "unsent";

  private FailureKinds() {
  }

  static String of(Throwable failure) {
    for (Throwable c = failure; c != null; c = c.getCause()) {
      if (c instanceof ConnectTimeoutException) {
        return "connect_timeout";
      }
      if (c instanceof ConnectException) {
        return "connection_refused";
      }
      if (c instanceof TimeoutException) {
        return TIMEOUT;
      }
      if (c instanceof HttpClosedException
        || (c instanceof VertxException && String.valueOf(c.getMessage()).contains("closed"))) {
        return "connection_closed";
      }
      if (c instanceof UnknownHostException) {
        return "unknown_host";
      }
      if (c instanceof SSLException) {
        return "tls";
      }
      if (c instanceof IOException) {
        return "connection_error";
      }
    }
    return "other";
  }

  /**
   * Failures before any response that a load balancer retries on another instance: refused, timed-out connects,
   * connections closed or reset under the request. Not a request timeout: the instance may still be working on it.
   */
  static boolean isRetriable(String kind) {
    return kind.startsWith("connect");
  }

  /** Failures after which a closed-model user pauses briefly, so a dead target is not hammered in a tight loop. */
  static boolean isConnectionLevel(String kind) {
    return kind.startsWith("connect") || kind.equals("unknown_host") || kind.equals("tls");
  }
}
