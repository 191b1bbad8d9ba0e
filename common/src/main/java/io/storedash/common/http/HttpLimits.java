package io.storedash.common.http;

import io.storedash.common.config.StoreDashConfig;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

import java.util.concurrent.TimeUnit;

/**
 * The limits every StoreDash HTTP server shares, the gateway's and each management server's: how long a request line
 * and its headers may be, how long a connection may sit idle (HTTP_IDLE_TIMEOUT), and the options that keep a
 * connection within reach of {@link SlowClients} from its first byte.
 */
public final class HttpLimits {

  /** The longest request line (method, path, query, version) a server reads. */
  public static final int MAX_INITIAL_LINE = 4096;
  /** The most bytes of request headers a server reads. */
  public static final int MAX_HEADER_BYTES = 8192;

  private HttpLimits() {
  }

  /** Server options with the shared limits; a server adds what is its own (compression, forms). */
  public static HttpServerOptions serverOptions(StoreDashConfig config) {
    return new HttpServerOptions()
      // Request bodies are never inflated: a body is read as the bytes it is (a gzip bomb stays small).
      .setDecompressionSupported(false)
      // HTTP/1.1 only: with h2c on, a connection has no HttpConnection (and no deadline, no place under a
      // connection cap) until its first bytes.
      .setHttp2ClearTextEnabled(false)
      .setIdleTimeout((int) config.httpIdleTimeout().toMillis())
      .setIdleTimeoutUnit(TimeUnit.MILLISECONDS)
      .setMaxInitialLineLength(MAX_INITIAL_LINE)
      .setMaxHeaderSize(MAX_HEADER_BYTES);
  }

  /** The deadlines of slow and idle clients of a server configured by {@code config}. */
  public static SlowClients slowClients(Vertx vertx, StoreDashConfig config, Handler<HttpServerRequest> lateBody) {
    return new SlowClients(vertx, config.httpSlowClientTimeout().toMillis(), config.httpIdleTimeout().toMillis(), lateBody);
  }
}
