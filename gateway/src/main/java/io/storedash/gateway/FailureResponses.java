package io.storedash.gateway;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.storedash.common.Failure;
import io.storedash.common.client.DownstreamFailure;
import io.storedash.common.http.HttpLimits;
import io.storedash.gateway.auth.SignIn;
import io.storedash.gateway.http.Lingering;
import io.storedash.gateway.http.ParameterProblem;
import io.storedash.gateway.http.Problems;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every failure the gateway answers, as problem+json: no instance or an open circuit → 503 (with {@code Retry-After}
 * when the circuit is open), timeout → 504, query-service's admission control → 429 with {@code Retry-After}, a service's failure → its code with its sentence, a bad parameter → 400
 * naming it, a request Netty could not decode → 400, 414 or 431. No stack trace or SQL ever reaches an answer.
 */
final class FailureResponses {

  /** How long a computation shed by admission control waits for its 429: the Retry-After it carries (1 s), so a client that ignores it cannot ask sooner on that connection. */
  static final java.time.Duration SHED_HOLD = java.time.Duration.ofSeconds(1);

  /** The routing-context key under which a handler records which service it asked, for the error's wording. */
  static final String DOWNSTREAM_KEY = "downstream";

  // The gateway's log lines keep the logger name operators already search for.
  private static final Logger LOG = LoggerFactory.getLogger(GatewayVerticle.class);

  private final Vertx vertx;
  private final long bodyLimit;

  /** @param bodyLimit the body limit of the routes that read a body, for the wording of a 413 */
  FailureResponses(Vertx vertx, long bodyLimit) {
    this.vertx = vertx;
    this.bodyLimit = bodyLimit;
  }

  /** The HTTP status of a failure: a route's own {@link HttpException} as it says, anything else as {@link Failure} says. */
  static int statusOf(Throwable e) {
    if (e instanceof HttpException he) {
      return he.getStatusCode();
    }
    return Failure.of(e).httpStatus();
  }

  /** The failure handler of every route, and the answers to what the router meets before any route. */
  void mount(Router router) {
    router.route().failureHandler(this::onFailure);
    // Failures the router meets before any route (a path that is not valid percent-encoding): problems too.
    router.errorHandler(400, rc -> Problems.send(rc.response(), 400, "the path " + Problems.shown(rc.request().path())
      + " is not a valid URL path (a '%' must be followed by two hex digits)", "/"));
    router.errorHandler(500, rc -> {
      LOG.error("request {} {} failed outside any route", rc.request().method(), rc.request().path(), rc.failure());
      Problems.send(rc.response(), 500, "internal error; the gateway log has the details", "/");
    });
    router.errorHandler(404, rc -> Problems.send(rc.response(), 404, "no such resource: " + rc.request().path(), rc.request().path()));
    router.errorHandler(405, rc -> Problems.send(rc.response(), 405, rc.request().method() + " is not allowed on " + rc.request().path(), rc.request().path()));
  }

  /**
   * A request Netty could not decode (a line or headers over their limits, or not HTTP): problem+json with what was
   * wrong, then the connection closes.
   */
  static void invalidRequest(HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    int status;
    String detail;
    if (cause instanceof TooLongHttpLineException) {
      status = 414;
      detail = "the request line (method, path and query) is longer than " + HttpLimits.MAX_INITIAL_LINE + " bytes";
    } else if (cause instanceof TooLongHttpHeaderException) {
      status = 431;
      detail = "the request headers are larger than " + HttpLimits.MAX_HEADER_BYTES / 1024 + " KiB in total";
    } else {
      status = 400;
      detail = "the request is not valid HTTP/1.1 (a malformed request line, header or chunk)";
    }
    request.response().putHeader("Connection", "close");
    Problems.send(request.response(), Problems.problem(status, detail, "/"));
  }

  private void onFailure(RoutingContext rc) {
    Throwable failure = rc.failure();
    int status = rc.statusCode() > 0 ? rc.statusCode() : statusOf(failure);
    JsonObject problem = problem(rc, failure, status);
    if (Lingering.bodyPending(rc.request())) {
      // Refused before its body was read: that body is not wanted, and the connection cannot be reused.
      rc.response().putHeader("Connection", "close");
      Problems.send(rc.response(), problem).onComplete(ar -> Lingering.drainThenClose(vertx, rc.request()));
    } else if (status == 429 && failure instanceof ReplyException) {
      // Shed by admission control (docs/DESIGN.md §12.3): the answer is held for SHED_HOLD first. A client that asks
      // again the moment it is refused (a flood of connections that each wait for their answer) then costs the
      // gateway a timer instead of a request a millisecond, and the users it shares the event loop with keep theirs.
      vertx.setTimer(SHED_HOLD.toMillis(), t -> {
        if (!rc.response().closed() && !rc.response().ended()) {
          Problems.send(rc.response(), problem);
        }
      });
    } else {
      Problems.send(rc.response(), problem);
    }
  }

  private JsonObject problem(RoutingContext rc, Throwable failure, int status) {
    String path = rc.request().path();
    String downstream = rc.get(DOWNSTREAM_KEY);
    if (failure instanceof DownstreamFailure df) {
      if (df.kind() == DownstreamFailure.Kind.CIRCUIT_OPEN) {
        rc.response().putHeader("Retry-After", String.valueOf(df.retryAfterSeconds()));
      }
      return Problems.problem(status, df.getMessage(), path).put("service", df.service());
    }
    if (failure instanceof ParameterProblem pp) {
      return Problems.problem(status, Problems.capped(pp.getMessage()), path).put("parameter", Problems.shown(pp.parameter()));
    }
    if (failure instanceof ReplyException re) {
      // A service's own answer: its sentence, unless it is a bug report, which stays in that service's log.
      String who = downstream == null ? "a StoreDash service" : downstream;
      String detail = status == 500 ? who + " failed with an internal error; its log has the details"
        : Problems.safeDetail(re.getMessage(), who + " answered " + status);
      if (status >= 500) {
        LOG.warn("{} {} answered {} by {}: {}", rc.request().method(), path, status, who, re.getMessage());
      }
      JsonObject problem = Problems.problem(status, detail, path);
      if (status == 429) {
        // Admission control shed an uncached computation (docs/DESIGN.md §12.3): come back when a budget has room.
        rc.response().putHeader("Retry-After", String.valueOf(Failure.retryAfterSeconds(re.getMessage())));
      }
      if (downstream != null && status >= 500) {
        problem.put("service", downstream);
      }
      return problem;
    }
    if (status == 413 && !(failure instanceof HttpException)) {
      long limit = SignIn.BODY_ROUTES.stream().anyMatch(route -> path.startsWith(route.substring(route.indexOf(' ') + 1)
        .replace("/*", ""))) ? SignIn.BODY_LIMIT : bodyLimit;
      return Problems.problem(status, "the body is larger than this route accepts (at most " + limit / 1024 + " KiB)", path);
    }
    if (status >= 500 && !(failure instanceof HttpException)) {
      LOG.error("request {} {} failed", rc.request().method(), path, failure);
      return Problems.problem(status, "internal error; the gateway log has the details", path);
    }
    String message = failure instanceof HttpException he ? he.getPayload() : failure == null ? null : failure.getMessage();
    return Problems.problem(status, Problems.safeDetail(message, Problems.title(status)), path);
  }
}
