package io.storedash.gateway.downstream;

import io.storedash.common.Failure;
import io.storedash.common.client.DownstreamFailure;
import io.storedash.common.client.ServiceRequests;
import io.vertx.circuitbreaker.CircuitBreaker;
import io.vertx.circuitbreaker.CircuitBreakerOptions;
import io.vertx.circuitbreaker.CircuitBreakerState;
import io.vertx.circuitbreaker.OpenCircuitException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * One service the gateway sends event-bus requests to, behind a circuit breaker of its own. When, over the last
 * {@link #WINDOW}, at least {@link #MAX_FAILURES} requests failed by the service's own fault (see
 * {@link #countsAgainst}) and they are at least {@link #FAILURE_PERCENT} % of all its answers, the gateway stops
 * asking it for {@link #OPEN_FOR} and answers at once with a 503 and {@code Retry-After}; then one trial request
 * decides whether it is back. Answers that are not the service's fault (a 400 or 404) count as answers, so a service
 * that mostly answers is never cut off — not even when the timeouts of a lost instance arrive in a burst.
 */
public final class Downstream implements ServiceRequests {

  public static final int MAX_FAILURES = 5;
  /** Above what one lost instance of two (1/2), of three (2/3) or of four (3/4) causes while the others answer. */
  public static final int FAILURE_PERCENT = 80;
  /** Twice the default request timeout: timeouts arrive that much after the answers sent with them. */
  public static final Duration WINDOW = Duration.ofSeconds(10);
  public static final Duration OPEN_FOR = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(Downstream.class);

  private final Vertx vertx;
  private final String service;
  private final CircuitBreaker breaker;
  private final Predicate<Throwable> countsAgainst;
  private final Clock clock;
  private final FailureWindow outcomes;
  private volatile long openedAt;

  private Downstream(Vertx vertx, String service, Predicate<Throwable> countsAgainst, Clock clock) {
    this.vertx = vertx;
    this.service = service;
    this.countsAgainst = countsAgainst;
    this.clock = clock;
    this.outcomes = new FailureWindow(WINDOW, MAX_FAILURES, FAILURE_PERCENT, clock);
    // Vert.x's breaker counts failures in a rolling window, successes or not: with one of two instances dead, the
    // timeouts of the requests that went to it would open the circuit although the other instance answers all the
    // rest. So the failure policy weighs failures against answers (FailureWindow), and tells the breaker of a failure
    // only when the share is high enough; then one is enough to open it.
    this.breaker = CircuitBreaker.create("gateway->" + service, vertx, new CircuitBreakerOptions()
        .setMaxFailures(1)
        // The event bus's send timeout bounds each request; the breaker adds no timer of its own.
        .setTimeout(-1)
        .setResetTimeout(OPEN_FOR.toMillis())
        .setFallbackOnFailure(false))
      .failurePolicy(this::opensTheCircuit)
      .openHandler(v -> {
        openedAt = clock.millis();
        outcomes.clear();
        LOG.warn("circuit to {} opened: at least {} % of its answers in the last {} s were failures; requests to it "
          + "are refused for {} s", service, FAILURE_PERCENT, WINDOW.toSeconds(), OPEN_FOR.toSeconds());
      })
      .halfOpenHandler(v -> LOG.info("circuit to {} half-open: one trial request goes through", service))
      .closeHandler(v -> {
        outcomes.clear();
        LOG.info("circuit to {} closed: {} answers again", service, service);
      });
  }

  /** The failure policy: true opens the circuit (and, for the trial request of a half-open one, keeps it open). */
  private boolean opensTheCircuit(Future<?> outcome) {
    boolean failed = outcome.failed() && countsAgainst.test(outcome.cause());
    boolean failing = outcomes.record(failed);
    return failed && (failing || breaker.state() == CircuitBreakerState.HALF_OPEN);
  }

  /**
   * A service whose failures count against it as {@link Failure#countsAgainstService()} says: it timed out, had no
   * instance, or failed with a 5xx code of its own (query-service and monitor-service). A 503 is not its fault: the
   * service answered at once that a dependency behind it (PostgreSQL) is down, and it will answer again the moment
   * that dependency is back — an open circuit would only delay that by up to {@link #OPEN_FOR}.
   *
   * @param clock what the failure window and the {@code Retry-After} of an open circuit are measured by
   */
  public static Downstream of(Vertx vertx, String service, Clock clock) {
    return new Downstream(vertx, service, e -> Failure.of(e).countsAgainstService(), clock);
  }

  /**
   * cache-service: as {@link #of}, except that no instance is not a failure either (the gateway then asks
   * query-service).
   */
  public static Downstream cacheService(Vertx vertx, String service, Clock clock) {
    return new Downstream(vertx, service, e -> {
      Failure failure = Failure.of(e);
      return failure != Failure.NO_INSTANCE && failure.countsAgainstService();
    }, clock);
  }

  @Override
  public String service() {
    return service;
  }

  /** closed, open or half_open. */
  public String state() {
    return breaker.state().name().toLowerCase(java.util.Locale.ROOT);
  }

  /**
   * Sends {@code body} to {@code address} and waits for the reply. Fails with a {@link DownstreamFailure} when no
   * instance runs, the request timed out or the circuit is open; with the service's {@link ReplyException} when it
   * answered with a failure.
   */
  @Override
  public <T> Future<Message<T>> request(String address, Object body, DeliveryOptions options) {
    return breaker.<Message<T>>execute(() -> vertx.eventBus().request(address, body, options))
      .recover(e -> Future.failedFuture(translate(e, options.getSendTimeout())));
  }

  private Throwable translate(Throwable e, long timeoutMillis) {
    if (e instanceof OpenCircuitException) {
      long remainingMillis = openedAt + OPEN_FOR.toMillis() - clock.millis();
      return DownstreamFailure.circuitOpen(service, Math.max(1, (remainingMillis + 999) / 1000));
    }
    return DownstreamFailure.translate(service, e, timeoutMillis);
  }
}
