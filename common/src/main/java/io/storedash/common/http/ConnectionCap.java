package io.storedash.common.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.http.HttpConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At most {@code max} open connections on one server, so that a flood of connections cannot keep the process's file
 * descriptors. A connection beyond the cap makes room by closing the idlest kept one ({@link SlowClients#idlest}: the
 * oldest that never sent a request, else the longest idle between requests), as nginx reuses idle keep-alive
 * connections when it runs out; when every kept connection is answering a request, the new one is closed at once.
 * Either way the server keeps at most {@code max}; a flood of idle connections does not lock out a kept-alive scraper,
 * nor (but in the instant of a burst) a probe that opens a fresh connection for every request; and each closing is
 * counted in {@code storedash_<server>_connections_over_cap_total{closed="idle"|"new"}}.
 *
 * <p>Used through {@code HttpServer.connectionHandler(cap::connected)} on a server with h2c off (so every connection
 * is an {@link HttpConnection} from its first byte). Confined to that server's event loop, like {@link SlowClients},
 * which knows the connections and their deadlines.
 */
public final class ConnectionCap {

  private static final Logger LOG = LoggerFactory.getLogger(ConnectionCap.class);

  private final int max;
  private final String server;
  private final String setting;
  private final SlowClients connections;
  private final Counter closedIdle;
  private final Counter closedNew;
  private long lastLogged;

  /**
   * @param max         open connections kept at most
   * @param setting     the variable that sets {@code max}, for the log
   * @param connections the server's connections and their deadlines
   * @param server      what the server is, in the metrics' names ({@code management})
   */
  public ConnectionCap(int max, String setting, SlowClients connections, MeterRegistry registry, String server) {
    this.max = max;
    this.setting = setting;
    this.server = server;
    this.connections = connections;
    Gauge.builder("storedash_" + server + "_connections", connections, SlowClients::open)
      .description("Open connections to the " + server + " server")
      .register(registry);
    Gauge.builder("storedash_" + server + "_connections_max", () -> max)
      .description("The most connections the " + server + " server keeps open")
      .register(registry);
    closedIdle = overCap(registry, server, "idle");
    closedNew = overCap(registry, server, "new");
  }

  private static Counter overCap(MeterRegistry registry, String server, String closed) {
    return Counter.builder("storedash_" + server + "_connections_over_cap")
      .description("Connections closed because the " + server + " server was full: the idlest kept one, or the new one")
      .tag("closed", closed)
      .register(registry);
  }

  /** For {@code HttpServer.connectionHandler}: keeps the connection, making room if the server is full. */
  public void connected(HttpConnection connection) {
    if (connections.open() >= max) {
      HttpConnection idlest = connections.idlest();
      if (idlest == null) {
        closedNew.increment();
        warn(connection);
        connection.close();
        return;
      }
      closedIdle.increment();
      warn(idlest);
      connections.drop(idlest);
    }
    connections.connected(connection);
  }

  /** One line a second at most: a flood would otherwise write one per connection. */
  private void warn(HttpConnection closed) {
    long now = System.currentTimeMillis();
    if (now - lastLogged >= 1000) {
      lastLogged = now;
      LOG.warn("the {} server is full ({} connections, {}): closed one from {}; {} closed so far", server, max, setting,
        closed.remoteAddress(), closed());
    }
  }

  /** Connections closed because the server was full, so far. */
  public long closed() {
    return (long) (closedIdle.count() + closedNew.count());
  }
}
