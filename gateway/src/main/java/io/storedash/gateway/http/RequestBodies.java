package io.storedash.gateway.http;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

import java.util.Set;

/**
 * Which requests may carry a body: only the import upload and the admin warm command. Any other request that
 * announces one (a Content-Length above 0, or chunked transfer) is answered 413 before a byte of it is read, and its
 * connection closed rather than drained, so a client cannot make the gateway read gigabytes it never wanted.
 */
public final class RequestBodies {

  private final Set<String> bodyRoutes;

  /** @param bodyRoutes {@code "POST /path"} of every route that reads a body */
  public RequestBodies(Set<String> bodyRoutes) {
    this.bodyRoutes = bodyRoutes;
  }

  public boolean takesBody(HttpServerRequest request) {
    return bodyRoutes.contains(request.method().name() + " " + request.path());
  }

  public void handle(RoutingContext rc) {
    HttpServerRequest request = rc.request();
    if (!announcesBody(request) || takesBody(request)) {
      rc.next();
      return;
    }
    Problems.send(rc.response(), Problems.problem(413, request.method() + " " + request.path()
        + " takes no request body; this one announces " + describe(request), request.path()))
      .onComplete(ar -> request.connection().close());
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
