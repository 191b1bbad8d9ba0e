package io.storedash.gateway.http;

import io.vertx.core.MultiMap;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * Headers every answer carries, API and page alike. The policy allows scripts, styles, images and connections from
 * the gateway itself only: no inline script, no framing, no plug-ins. Style attributes are allowed
 * ({@code style-src-attr}) because ECharts writes its tooltips as HTML with inline styles; style elements are not.
 */
public final class SecurityHeaders implements Handler<RoutingContext> {

  public static final String CONTENT_SECURITY_POLICY = String.join("; ",
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "style-src-elem 'self'",
    "style-src-attr 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'");

  @Override
  public void handle(RoutingContext rc) {
    MultiMap headers = rc.response().headers();
    headers.set("Content-Security-Policy", CONTENT_SECURITY_POLICY)
      .set("X-Content-Type-Options", "nosniff")
      .set("X-Frame-Options", "DENY")
      .set("Referrer-Policy", "no-referrer")
      .set("Cross-Origin-Opener-Policy", "same-origin")
      .set("Cross-Origin-Resource-Policy", "same-origin")
      .set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()");
    rc.next();
  }
}
