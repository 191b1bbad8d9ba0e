package io.storedash.gateway.downstream;

/**
 * A downstream service could not be asked: no instance of it runs, it did not answer in time, or its circuit
 * breaker is open. Carries the service's name so that the answer says which part of StoreDash is unavailable.
 */
public final class DownstreamFailure extends RuntimeException {

  /** Why the service could not answer, and the HTTP status that says so. */
  public enum Kind {
    NO_INSTANCE(503), TIMEOUT(504), CIRCUIT_OPEN(503);

    private final int status;

    Kind(int status) {
      this.status = status;
    }

    public int status() {
      return status;
    }
  }

  private final String service;
  private final Kind kind;
  private final long retryAfterSeconds;

  DownstreamFailure(String service, Kind kind, String message, long retryAfterSeconds) {
    // No stack trace: this is an expected condition, reported to the user and counted, not a bug.
    super(message, null, false, false);
    this.service = service;
    this.kind = kind;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  public String service() {
    return service;
  }

  public Kind kind() {
    return kind;
  }

  public int status() {
    return kind.status();
  }

  /** Seconds until the breaker lets a trial request through; 0 unless the circuit is open. */
  public long retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
