package io.storedash.monitor.redis;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Whether a Redis server serves a client that never gave a password: one PING on a connection of its own that does
 * not authenticate (StoreDash's own connections always send the URL's password, so they cannot tell). A server that
 * answers {@code PONG} lets anyone who reaches its port read, forge and delete cache entries and sessions.
 */
final class UnauthenticatedPing {

  /** What the answer says about the server. */
  enum Access {
    /** PONG: no password needed. */
    OPEN,
    /** NOAUTH or WRONGPASS: a password is needed. */
    PASSWORD_REQUIRED,
    /** No answer, or one that says neither (a TLS port, an ACL default user without PING): no judgement. */
    UNKNOWN
  }

  private static final int MAX_REPLY = 512;

  private final NetClient client;
  private final String host;
  private final int port;
  private final long timeoutMillis;

  UnauthenticatedPing(Vertx vertx, String host, int port, long timeoutMillis) {
    this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout((int) timeoutMillis));
    this.host = host;
    this.port = port;
    this.timeoutMillis = timeoutMillis;
  }

  /**
   * For a plain {@code redis://host:port} URL only (null otherwise): a TLS port would need a handshake, a Unix socket
   * is reached by who may open the file, and Sentinels and cluster nodes are many servers.
   */
  static UnauthenticatedPing forUrl(Vertx vertx, String url, String hostPort, long timeoutMillis) {
    if (url == null || !url.startsWith("redis://") || hostPort == null) {
      return null;
    }
    int colon = hostPort.lastIndexOf(':');
    String host = hostPort.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new UnauthenticatedPing(vertx, host, Integer.parseInt(hostPort.substring(colon + 1)), timeoutMillis);
  }

  /** The first line of a reply to PING, judged. */
  static Access judge(String reply) {
    if (reply.startsWith("+PONG")) {
      return Access.OPEN;
    }
    if (reply.startsWith("-NOAUTH") || reply.startsWith("-WRONGPASS")) {
      return Access.PASSWORD_REQUIRED;
    }
    return Access.UNKNOWN;
  }

  /** One PING without a password; never fails (an unreachable server is {@link Access#UNKNOWN}). */
  Future<Access> probe() {
    return client.connect(port, host)
      .compose(this::firstLine)
      .map(UnauthenticatedPing::judge)
      .otherwise(Access.UNKNOWN);
  }

  private Future<String> firstLine(NetSocket socket) {
    Promise<String> line = Promise.promise();
    Buffer received = Buffer.buffer();
    socket.handler(chunk -> {
      received.appendBuffer(chunk);
      String text = received.toString(StandardCharsets.ISO_8859_1);
      int end = text.indexOf('\n');
      if (end >= 0) {
        line.tryComplete(text.substring(0, end).trim());
      } else if (received.length() > MAX_REPLY) {
        line.tryFail("no RESP reply line within " + MAX_REPLY + " bytes");
      }
    });
    socket.closeHandler(v -> line.tryFail("closed before a reply"));
    socket.exceptionHandler(line::tryFail);
    socket.write("*1\r\n$4\r\nPING\r\n");
    return line.future().timeout(timeoutMillis, TimeUnit.MILLISECONDS).eventually(socket::close);
  }

  Future<Void> close() {
    return client.close();
  }
}
