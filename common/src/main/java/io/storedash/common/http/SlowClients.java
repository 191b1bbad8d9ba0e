package io.storedash.common.http;

import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Deadlines that the idle timeout cannot give: a client that sends one byte a second is never idle, yet it holds a
 * connection for ever. Each connection is watched from its start:
 * <ul>
 *   <li>its first request line and headers must arrive within the slow-client timeout (a "slowloris" is cut off);</li>
 *   <li>after an answer, the next request's head must arrive within the idle timeout — however it trickles in;</li>
 *   <li>the body of a request must have arrived within the slow-client timeout of its head, unless its route said
 *       it watches the pace of the body itself ({@link #pacedByRoute}: imports, whose files are large).</li>
 * </ul>
 * A connection that misses a deadline is closed; one whose body is late is answered 408 first. Four sweeps a second
 * on the server's event loop; confined to it, so no locking. The gateway and every management server use it (one
 * each): the deadlines are HTTP_SLOW_CLIENT_TIMEOUT and HTTP_IDLE_TIMEOUT on both.
 */
public final class SlowClients {

  private static final Logger LOG = LoggerFactory.getLogger(SlowClients.class);
  private static final long SWEEP_MILLIS = 250;

  private final Vertx vertx;
  private final long firstHeadMillis;
  private final long nextHeadMillis;
  private final Handler<HttpServerRequest> lateBody;
  private final Map<HttpConnection, Watch> watched = new HashMap<>();
  private long timer = -1;
  private long cutOff;

  /** Where a connection stands: the request being answered (null between requests) and since when. */
  private static final class Watch {
    HttpServerRequest current;
    long since;
    boolean reused;
    /** The route paces the current request's body itself. */
    boolean pacedByRoute;

    Watch(long since) {
      this.since = since;
    }
  }

  /**
   * @param firstHeadMillis the slow-client timeout: first head, and a small body after its head
   * @param nextHeadMillis  the idle timeout: the head of a later request on a kept-alive connection
   * @param lateBody        answers (408) a request whose body did not arrive in time, before its connection closes
   */
  public SlowClients(Vertx vertx, long firstHeadMillis, long nextHeadMillis, Handler<HttpServerRequest> lateBody) {
    this.vertx = vertx;
    this.firstHeadMillis = firstHeadMillis;
    this.nextHeadMillis = nextHeadMillis;
    this.lateBody = lateBody;
  }

  /** The slow-client timeout: the window over which routes that pace a body themselves measure it. */
  public long windowMillis() {
    return firstHeadMillis;
  }

  /** The route streams this request's body and cuts it off itself when it comes too slowly. */
  public void pacedByRoute(HttpServerRequest request) {
    // By connection: a route sees Vert.x Web's wrapper of the request, never the request headArrived saw.
    Watch watch = watched.get(request.connection());
    if (watch != null) {
      watch.pacedByRoute = true;
    }
  }

  /** For {@code HttpServer.connectionHandler}. */
  public void connected(HttpConnection connection) {
    watched.put(connection, new Watch(System.currentTimeMillis()));
    connection.closeHandler(v -> watched.remove(connection));
    if (timer < 0) {
      timer = vertx.setPeriodic(SWEEP_MILLIS, t -> sweep(System.currentTimeMillis()));
    }
  }

  /** Called with every request as soon as its head has arrived. */
  public void headArrived(HttpServerRequest request) {
    Watch watch = watched.get(request.connection());
    if (watch != null) {
      watch.current = request;
      watch.since = System.currentTimeMillis();
      watch.pacedByRoute = false;
    }
  }

  /** Connections cut off so far, for the logs and tests. */
  public long cutOff() {
    return cutOff;
  }

  /** Connections being watched now (read from any thread for a gauge: perhaps a moment old). */
  public int open() {
    return watched.size();
  }

  /**
   * The connection to give up when a server is full: the one that has waited longest for its first request, or, when
   * every connection has made one, the one that has waited longest for its next; never one whose request is being
   * answered; null when every connection is busy. A connection that has never sent a request is what a flood of idle
   * connections is made of, and HTTP lets a server close an idle connection at any time; a kept-alive connection
   * between requests (Prometheus's, between scrapes) goes only after all of those.
   */
  public HttpConnection idlest() {
    HttpConnection neverAsked = null;
    HttpConnection between = null;
    long neverAskedSince = Long.MAX_VALUE;
    long betweenSince = Long.MAX_VALUE;
    for (Map.Entry<HttpConnection, Watch> e : watched.entrySet()) {
      Watch watch = e.getValue();
      if (watch.current == null && !watch.reused) {
        if (watch.since < neverAskedSince) {
          neverAsked = e.getKey();
          neverAskedSince = watch.since;
        }
      } else if ((watch.current == null || watch.current.response().ended()) && watch.since < betweenSince) {
        between = e.getKey();
        betweenSince = watch.since;
      }
    }
    return neverAsked != null ? neverAsked : between;
  }

  /** Closes a connection and stops watching it at once (not when its close completes). */
  public void drop(HttpConnection connection) {
    watched.remove(connection);
    connection.close();
  }

  public void stop() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private void sweep(long now) {
    List<HttpConnection> late = new ArrayList<>();
    for (Map.Entry<HttpConnection, Watch> e : watched.entrySet()) {
      Watch watch = e.getValue();
      HttpServerRequest request = watch.current;
      if (request != null && request.response().ended()) {
        watch.pacedByRoute = false;
        watch.current = null;
        watch.since = now;
        watch.reused = true;
        request = null;
      }
      if (request == null) {
        if (now - watch.since > (watch.reused ? nextHeadMillis : firstHeadMillis)) {
          late.add(e.getKey());
        }
      } else if (!request.isEnded() && now - watch.since > firstHeadMillis && !watch.pacedByRoute) {
        bodyTooSlow(request);
        late.add(e.getKey());
      }
    }
    for (HttpConnection connection : late) {
      watched.remove(connection);
      cutOff++;
      LOG.info("closed a connection from {}: the client was too slow to send its request", connection.remoteAddress());
      connection.close();
    }
  }

  private void bodyTooSlow(HttpServerRequest request) {
    if (!request.response().headWritten()) {
      lateBody.handle(request);
    }
  }
}
