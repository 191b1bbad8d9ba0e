package io.storedash.common.bootstrap;

import io.micrometer.core.instrument.MeterRegistry;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.http.ConnectionCap;
import io.storedash.common.http.HttpLimits;
import io.storedash.common.http.SlowClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;

/**
 * A process's management server ({@code /health/live}, {@code /health/ready}, {@code /metrics}): it serves every
 * check's details and all metrics without a token, so it listens only on MANAGEMENT_HOST (127.0.0.1 unless an
 * operator opens it to the pod or compose network), and it has the gateway's defences against a flood: the same
 * idle and slow-client deadlines ({@link SlowClients}), request line and header limits ({@link HttpLimits}), no request
 * bodies, and a cap of its own on open connections (MANAGEMENT_MAX_CONNECTIONS, {@link ConnectionCap}).
 */
final class ManagementServer {

  private final SlowClients clients;
  private final ConnectionCap cap;
  private HttpServer server;

  private ManagementServer(Vertx vertx, StoreDashConfig config, MeterRegistry registry) {
    // No route reads a body, so none comes late (a body is refused with 413 before): this answer is a safeguard.
    this.clients = HttpLimits.slowClients(vertx, config,
      request -> refuse(request, 408, "Request timeout", "the request did not arrive in time"));
    this.cap = new ConnectionCap(config.limits().managementMaxConnections(), "MANAGEMENT_MAX_CONNECTIONS", clients,
      registry, "management");
  }

  /** Listens on MANAGEMENT_HOST and {@code port} (0 picks a free one). */
  static Future<ManagementServer> start(Vertx vertx, StoreDashConfig config, MeterRegistry registry, Router router, int port) {
    ManagementServer management = new ManagementServer(vertx, config, registry);
    return vertx.createHttpServer(HttpLimits.serverOptions(config))
      .connectionHandler(management.cap::connected)
      .requestHandler(request -> {
        management.clients.headArrived(request);
        if (announcesBody(request)) {
          refuse(request, 413, "Payload too large", request.method() + " " + request.path()
            + " takes no request body: the management server reads none");
        } else {
          router.handle(request);
        }
      })
      .listen(port, config.limits().managementHost())
      .map(server -> {
        management.server = server;
        return management;
      });
  }

  int port() {
    return server.actualPort();
  }

  Future<Void> close() {
    clients.stop();
    return server.close();
  }

  private static boolean announcesBody(HttpServerRequest request) {
    String length = request.getHeader("Content-Length");
    return request.getHeader("Transfer-Encoding") != null || length != null && !length.trim().equals("0");
  }

  /** Answers with a problem and closes the connection: what is left of the request is never read. */
  private static void refuse(HttpServerRequest request, int status, String title, String detail) {
    request.response().setStatusCode(status)
      .putHeader("Content-Type", "application/problem+json")
      .putHeader("Connection", "close")
      .end(new JsonObject().put("type", "about:blank").put("title", title).put("status", status).put("detail", detail)
        .encode())
      .onComplete(ar -> request.connection().close());
  }
}
