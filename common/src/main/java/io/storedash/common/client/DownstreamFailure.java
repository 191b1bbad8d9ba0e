package io.storedash.common.client;

import io.storedash.common.Failure;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * A downstream service could not be asked: no instance of it runs, it did not answer in time, or the caller's circuit
 * breaker to it is open. Carries the service's name so that the answer says which part of StoreDash is unavailable.
 */
public final class DownstreamFailure extends RuntimeException {

  /** Why the service could not answer. */
  public enum Kind {
    NO_INSTANCE(Failure.NO_INSTANCE), TIMEOUT(Failure.TIMEOUT), CIRCUIT_OPEN(Failure.CIRCUIT_OPEN);

    private final Failure failure;

    Kind(Failure failure) {
      this.failure = failure;
    }

    public Failure failure() {
      return failure;
    }

    public int status() {
      return failure.httpStatus();
    }
  }

  private final String service;
  private final Kind kind;
  private final long retryAfterSeconds;

  private DownstreamFailure(String service, Kind kind, String message, long retryAfterSeconds) {
    // No stack trace: this is an expected condition, reported to the user and counted, not a bug.
    super(message, null, false, false);
    this.service = service;
    this.kind = kind;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  /** The caller's breaker to {@code service} is open and lets a trial request through in {@code retryAfterSeconds}. */
  public static DownstreamFailure circuitOpen(String service, long retryAfterSeconds) {
    return new DownstreamFailure(service, Kind.CIRCUIT_OPEN, service
      + " kept failing, so the gateway does not send it requests for a while; retry in " + retryAfterSeconds + " s",
      retryAfterSeconds);
  }

  /**
   * The failure of a request to {@code service} as its caller should see it: no handler and timeout become a
   * {@code DownstreamFailure}; anything else (the service's own answer, or a failure already translated) is kept.
   */
  public static Throwable translate(String service, Throwable e, long timeoutMillis) {
    if (e instanceof ReplyException re && re.failureType() == ReplyFailure.NO_HANDLERS) {
      return new DownstreamFailure(service, Kind.NO_INSTANCE, "no instance of " + service + " is running", 0);
    }
    if (e instanceof ReplyException re && re.failureType() == ReplyFailure.TIMEOUT) {
      return new DownstreamFailure(service, Kind.TIMEOUT,
        service + " did not complete the request within " + timeoutMillis + " ms", 0);
    }
    return e;
  }

  public String service() {
    return service;
  }

  public Kind kind() {
    return kind;
  }

  /** The failure in StoreDash's vocabulary. */
  public Failure failure() {
    return kind.failure();
  }

  public int status() {
    return kind.status();
  }

  /** Seconds until the breaker lets a trial request through; 0 unless the circuit is open. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
