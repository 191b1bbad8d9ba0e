package io.storedash.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
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

  /**
   * Names and values as ASCII bytes made once ({@link HttpHeaders#createOptimized}): every answer carries them, and
   * encoding seven strings per answer showed in the hit path's profile (docs/DESIGN.md §12.1).
   */
  private static final CharSequence[] HEADERS = {
    HttpHeaders.createOptimized("Content-Security-Policy"), HttpHeaders.createOptimized(CONTENT_SECURITY_POLICY),
    HttpHeaders.createOptimized("X-Content-Type-Options"), HttpHeaders.createOptimized("nosniff"),
    HttpHeaders.createOptimized("X-Frame-Options"), HttpHeaders.createOptimized("DENY"),
    HttpHeaders.createOptimized("Referrer-Policy"), HttpHeaders.createOptimized("no-referrer"),
    HttpHeaders.createOptimized("Cross-Origin-Opener-Policy"), HttpHeaders.createOptimized("same-origin"),
    HttpHeaders.createOptimized("Cross-Origin-Resource-Policy"), HttpHeaders.createOptimized("same-origin"),
    HttpHeaders.createOptimized("Permissions-Policy"),
    HttpHeaders.createOptimized("camera=(), microphone=(), geolocation=(), payment=()")};

  @Override
  public void handle(RoutingContext rc) {
    apply(rc.response().headers());
    rc.next();
  }

  /** Sets the headers on an answer's headers. */
  public static void apply(MultiMap headers) {
    for (int i = 0; i < HEADERS.length; i += 2) {
      headers.set(HEADERS[i], HEADERS[i + 1]);
    }
  }
}
