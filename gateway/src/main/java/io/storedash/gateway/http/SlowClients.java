package io.storedash.gateway.http;

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
 * A connection that misses a deadline is closed; one whose body is late is answered 408 first. One sweep a second
 * on the server's event loop; confined to it, so no locking.
 */
public final class SlowClients {

  private static final Logger LOG = LoggerFactory.getLogger(SlowClients.class);
  private static final long SWEEP_MILLIS = 250;

  private final Vertx vertx;
  private final long firstHeadMillis;
  private final long nextHeadMillis;
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
   */
  public SlowClients(Vertx vertx, long firstHeadMillis, long nextHeadMillis) {
    this.vertx = vertx;
    this.firstHeadMillis = firstHeadMillis;
    this.nextHeadMillis = nextHeadMillis;
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

  /** Connections being watched now. */
  public int open() {
    return watched.size();
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
      Problems.send(request.response(), Problems.problem(408, "the request body did not arrive within "
        + firstHeadMillis / 1000.0 + " s of its headers", request.path()));
    }
  }
}
