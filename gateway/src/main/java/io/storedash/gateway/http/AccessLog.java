package io.storedash.gateway.http;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.storedash.common.config.LoadPolicy;
import io.vertx.core.AsyncResult;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Locale;

/**
 * One line per request — method, path, status, body bytes, milliseconds and X-Cache — for the requests ACCESS_LOG
 * asks for: none, those answered ≥ 500 or aborted ({@code errors}, the default), or every one ({@code all}). The
 * query string is left out on purpose: it can carry what must not be logged (a token pasted in the wrong place), and
 * the path with the status is what an operator greps for; a path segment that is the admin token is written as
 * {@code <token>}. No header is logged.
 *
 * <p>Nothing is formatted or written on the event loop: the request's figures are handed to {@link AccessLogWriter},
 * whose own thread formats them and writes them to the {@code storedash.access} logger (standard output) or to
 * ACCESS_LOG_FILE. When its queue is full the line is dropped and counted in {@code storedash_access_log_dropped_total}
 * rather than holding the event loop (docs/DESIGN.md §12.2).
 */
public final class AccessLog {

  static final Logger LOG = LoggerFactory.getLogger("storedash.access");

  private final AdminToken token;
  private final LoadPolicy.AccessLog level;
  private final AccessLogWriter writer;

  /** The figures of one answered request, as the event loop hands them over. */
  record Line(String method, String path, int status, long bytes, long nanos, String xCache, long epochMillis) {
  }

  public AccessLog(AdminToken token, LoadPolicy.AccessLog level, AccessLogWriter writer) {
    this.token = token;
    this.level = level;
    this.writer = writer;
  }

  /** A writer for ACCESS_LOG, ACCESS_LOG_FILE and ACCESS_LOG_MAX_BYTES, its drops counted in {@code registry}. */
  public static AccessLog of(AdminToken token, LoadPolicy policy, MeterRegistry registry) {
    Counter dropped = Counter.builder("storedash_access_log_dropped")
      .description("access-log lines dropped because the writer's queue was full (the event loop is never held)")
      .register(registry);
    AccessLogWriter writer = policy.accessLog() == LoadPolicy.AccessLog.OFF ? null
      : new AccessLogWriter(line -> format(token, line), policy.accessLogFile().orElse(null), policy.accessLogMaxBytes(),
      AccessLogWriter.QUEUE, dropped::increment);
    return new AccessLog(token, policy.accessLog(), writer);
  }

  /** Whether any request gets a line. */
  public boolean enabled() {
    return writer != null && level != LoadPolicy.AccessLog.OFF;
  }

  /**
   * Called when the request has ended (its end handler): hands the line over when the level asks for it.
   *
   * @param started {@link System#nanoTime()} when the request arrived
   */
  public void ended(RoutingContext rc, AsyncResult<Void> end, long started) {
    if (!enabled()) {
      return;
    }
    HttpServerResponse response = rc.response();
    int status = end.succeeded() ? response.getStatusCode() : -1;
    if (level == LoadPolicy.AccessLog.ERRORS && status >= 0 && status < 500) {
      return;
    }
    String xCache = response.headers().get("X-Cache");
    writer.offer(new Line(rc.request().method().name(), rc.request().path(), status, response.bytesWritten(),
      System.nanoTime() - started, xCache, System.currentTimeMillis()));
  }

  /** Stops the writer's thread once what it holds is written. */
  public void close() {
    if (writer != null) {
      writer.close();
    }
  }

  /** The message of a line, as the writer's thread formats it. */
  static String format(AdminToken token, Line line) {
    return line.method() + " " + redacted(token, line.path()) + " " + (line.status() < 0 ? "aborted" : line.status()) + " "
      + line.bytes() + " " + String.format(Locale.ROOT, "%.1fms", line.nanos() / 1e6) + " "
      + (line.xCache() == null ? "-" : line.xCache());
  }

  private static String redacted(AdminToken token, String path) {
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

  AccessLogWriter writer() {
    return writer;
  }
}
