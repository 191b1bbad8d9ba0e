package io.storedash.common;

import io.storedash.common.client.DownstreamFailure;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * The one failure vocabulary of StoreDash, as {@code ServiceException} carries a code across the bus: what a failure
 * is called on the event bus ({@link #code()}), the HTTP status the gateway answers with ({@link #httpStatus()}), and
 * whether it says the service itself is failing ({@link #countsAgainstService()}), which is what the gateway's
 * circuit breakers weigh. A service fails a message with {@code failure.code()} and a sentence a user can act on.
 * <p>
 * The listed failures are {@link Kind}s; a code a recipient sent that is not listed travels on as a {@link Code}.
 */
public sealed interface Failure permits Failure.Kind, Failure.Code {

  /** The request is malformed: a bad parameter, a range that is too long, a bad CSV file. */
  Failure BAD_REQUEST = Kind.BAD_REQUEST;
  /**
   * The message was not signed by a member of this cluster, or its signature does not verify (docs/DESIGN.md §11.3):
   * the sender does not hold CLUSTER_SECRET, its clock is off by more than two minutes, or the message was changed.
   */
  Failure FORBIDDEN = Kind.FORBIDDEN;
  /** The store named in the request does not exist. */
  Failure UNKNOWN_STORE = Kind.UNKNOWN_STORE;
  /** The request is larger than the service takes (an import file over the limit). */
  Failure TOO_LARGE = Kind.TOO_LARGE;
  /** The request is well formed but its content cannot be imported. */
  Failure UNPROCESSABLE = Kind.UNPROCESSABLE;
  /** A bug: something that should not happen. */
  Failure BUG = Kind.BUG;
  /**
   * A dependency behind the service (PostgreSQL, Redis, another service) is down or too slow. The service answered
   * at once and will answer again the moment the dependency is back, so it does not count against the service.
   */
  Failure DEPENDENCY_DOWN = Kind.DEPENDENCY_DOWN;
  /** No instance of the service is running (the event bus has no handler). */
  Failure NO_INSTANCE = Kind.NO_INSTANCE;
  /** The service did not answer within the send timeout. */
  Failure TIMEOUT = Kind.TIMEOUT;
  /** The caller's circuit breaker to the service is open: the service was not asked. */
  Failure CIRCUIT_OPEN = Kind.CIRCUIT_OPEN;
  /**
   * query-service's admission control (docs/DESIGN.md §12.3) shed an uncached computation: the instance's or the
   * client's budget is spent. The gateway answers 429 with {@code Retry-After} ({@link #retryAfterSeconds}); a healthy
   * service protecting itself, so it does not count against it.
   */
  Failure OVERLOADED = Kind.OVERLOADED;

  /** The failure code on the event bus; a service relays NO_INSTANCE and TIMEOUT of its own dependencies as 503. */
  int code();

  /** The HTTP status the gateway answers with. */
  int httpStatus();

  /** Whether the failure says the service itself is failing (and so counts against its circuit breaker). */
  boolean countsAgainstService();

  /** A reply failure with this code and a sentence a user can act on. */
  default ReplyException reply(String message) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code(), message);
  }

  /** The listed failures. */
  enum Kind implements Failure {
    BAD_REQUEST(400, 400, false),
    FORBIDDEN(403, 403, false),
    UNKNOWN_STORE(404, 404, false),
    TOO_LARGE(413, 413, false),
    UNPROCESSABLE(422, 422, false),
    BUG(500, 500, true),
    DEPENDENCY_DOWN(503, 503, false),
    NO_INSTANCE(503, 503, true),
    TIMEOUT(503, 504, true),
    CIRCUIT_OPEN(503, 503, false),
    OVERLOADED(429, 429, false);

    private final int code;
    private final int httpStatus;
    private final boolean countsAgainstService;

    Kind(int code, int httpStatus, boolean countsAgainstService) {
      this.code = code;
      this.httpStatus = httpStatus;
      this.countsAgainstService = countsAgainstService;
    }

    @Override
    public int code() {
      return code;
    }

    @Override
    public int httpStatus() {
      return httpStatus;
    }

    @Override
    public boolean countsAgainstService() {
      return countsAgainstService;
    }
  }

  /**
   * A code a recipient failed with that is not listed: the gateway answers with it when it is an HTTP error status
   * (else 500), and it counts against the service when it is a 5xx.
   */
  record Code(int code) implements Failure {

    @Override
    public int httpStatus() {
      return code >= 400 && code < 600 ? code : 500;
    }

    @Override
    public boolean countsAgainstService() {
      return code >= 500 && code != Kind.DEPENDENCY_DOWN.code;
    }
  }

  /** The failure a recipient's code names: the listed one when there is one, else a {@link Code}. */
  static Failure ofCode(int code) {
    for (Kind kind : new Kind[] {Kind.BAD_REQUEST, Kind.FORBIDDEN, Kind.UNKNOWN_STORE, Kind.TOO_LARGE, Kind.UNPROCESSABLE, Kind.BUG,
      Kind.DEPENDENCY_DOWN, Kind.OVERLOADED}) {
      if (kind.code == code) {
        return kind;
      }
    }
    return new Code(code);
  }

  /**
   * What a failure is: a recipient's code as it sent it, no handler and timeout as themselves, a
   * {@link DownstreamFailure} as its kind, and anything else (an exception nobody meant to send) a bug.
   */
  static Failure of(Throwable failure) {
    if (failure instanceof DownstreamFailure df) {
      return df.failure();
    }
    if (failure instanceof ReplyException re) {
      return switch (re.failureType()) {
        case RECIPIENT_FAILURE -> ofCode(re.failureCode());
        case NO_HANDLERS -> NO_INSTANCE;
        case TIMEOUT -> TIMEOUT;
        default -> BUG;
      };
    }
    return BUG;
  }

  /** A failure as it should be replied: a recipient's own reply kept, anything else with its code and message. */
  static ReplyException asReply(Throwable failure) {
    if (failure instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      return re;
    }
    String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    return of(failure).reply(message);
  }

  /**
   * The failure an overloaded service replies with: the sentence ends with {@code retry after N s}, which is how the
   * seconds cross the event bus (a failure carries a code and a sentence, no headers).
   */
  static ReplyException overloaded(String why, int retryAfterSeconds) {
    return OVERLOADED.reply(why + "; retry after " + Math.max(1, retryAfterSeconds) + " s");
  }

  /** The seconds an {@link #overloaded} sentence asks the client to wait; 1 when it names none. */
  static int retryAfterSeconds(String message) {
    String marker = "retry after ";
    int at = message == null ? -1 : message.lastIndexOf(marker);
    if (at < 0) {
      return 1;
    }
    int end = message.indexOf(" s", at + marker.length());
    try {
      return Math.max(1, Math.min(3600, Integer.parseInt(message.substring(at + marker.length(), end < 0 ? message.length() : end))));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  /** The failure a message replies with: {@code unknown store 'S999'}. */
  static ReplyException unknownStore(String store) {
    return UNKNOWN_STORE.reply("unknown store '" + store + "'");
  }
}
