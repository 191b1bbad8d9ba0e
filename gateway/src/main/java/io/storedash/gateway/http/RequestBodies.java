package io.storedash.gateway.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;

/**
 * Which requests may carry a body: only the import upload and the admin JSON commands. Any other request that
 * announces one (a Content-Length above 0, or chunked transfer) is answered 413 before a byte of it is read, and its
 * connection closed rather than drained, so a client cannot make the gateway read gigabytes it never wanted.
 */
public final class RequestBodies {

  private final Set<String> bodyRoutes;

  /**
   * @param bodyRoutes {@code "POST /path"} of every route that reads a body; {@code "PUT /path/*"} stands for any one
   *                   path segment after {@code /path/} (a route with a path parameter such as {@code :code})
   */
  public RequestBodies(Set<String> bodyRoutes) {
    this.bodyRoutes = bodyRoutes;
  }

  public boolean takesBody(HttpServerRequest request) {
    String path = request.path();
    String method = request.method().name();
    if (path == null) {
      return false;
    }
    if (bodyRoutes.contains(method + " " + path)) {
      return true;
    }
    int last = path.lastIndexOf('/');
    // One segment, not empty: /api/v1/admin/channels/meituan matches "PUT /api/v1/admin/channels/*", a deeper path not.
    return last > 0 && last < path.length() - 1 && bodyRoutes.contains(method + " " + path.substring(0, last + 1) + "*");
  }

  public void handle(RoutingContext rc) {
    if (admits(rc)) {
      rc.next();
    }
  }

  /** Whether the request announces no body or is one that takes a body; else the 413 has been sent. */
  public boolean admits(RoutingContext rc) {
    HttpServerRequest request = rc.request();
    if (!announcesBody(request) || takesBody(request)) {
      return true;
    }
    Problems.send(rc.response(), Problems.problem(413, request.method() + " " + request.path()
        + " takes no request body; this one announces " + describe(request), request.path()))
      .onComplete(ar -> request.connection().close());
    return false;
  }

  private static boolean announcesBody(HttpServerRequest request) {
    return request.getHeader("Transfer-Encoding") != null || declared(request) != 0;
  }

  /** The declared length; -1 when it is not a number (Netty refuses those before us, but stay safe). */
  private static long declared(HttpServerRequest request) {
    String length = request.getHeader("Content-Length");
    if (length == null) {
      return 0;
    }
    try {
      return Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  private static String describe(HttpServerRequest request) {
    return request.getHeader("Transfer-Encoding") != null ? "a chunked body" : declared(request) + " bytes";
  }
}
