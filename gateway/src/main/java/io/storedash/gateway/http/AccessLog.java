package io.storedash.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * One line per request on the {@code storedash.access} logger: method, path, status, body bytes, milliseconds and
 * X-Cache. The query string is left out on purpose: it can carry what must not be logged (a token pasted in the
 * wrong place), and the path with the status is what an operator greps for; a path segment that is the admin token
 * is written as {@code <token>}. No header is logged. Ops can silence this logger alone.
 */
public final class AccessLog implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger("storedash.access");

  private final AdminToken token;

  public AccessLog(AdminToken token) {
    this.token = token;
  }

  @Override
  public void handle(RoutingContext rc) {
    if (LOG.isInfoEnabled()) {
      long started = System.nanoTime();
      rc.addEndHandler(ar -> {
        HttpServerResponse response = rc.response();
        String xCache = response.headers().get("X-Cache");
        LOG.info("{} {} {} {} {} {}", rc.request().method(), redacted(rc.request().path()),
          ar.succeeded() ? response.getStatusCode() : "aborted", response.bytesWritten(),
          String.format(Locale.ROOT, "%.1fms", (System.nanoTime() - started) / 1e6),
          xCache == null ? "-" : xCache);
      });
    }
    rc.next();
  }

  private String redacted(String path) {
    if (!token.configured() || path == null) {
      return path;
    }
    String[] segments = path.split("/", -1);
    boolean found = false;
    for (int i = 0; i < segments.length; i++) {
      if (token.matches(segments[i])) {
        segments[i] = "<token>";
        found = true;
      }
    }
    return found ? String.join("/", segments) : path;
  }
}
