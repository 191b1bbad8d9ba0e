package io.storedash.common;

import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * Failure codes of the event-bus contract. A service fails a message with one of these codes and a sentence a
 * user can act on; the gateway turns the code into the HTTP status of the same number.
 */
public final class Failures {

  /** The request is malformed: a bad parameter, a range that is too long, a bad CSV file. */
  public static final int BAD_REQUEST = 400;
  /** The store named in the request does not exist. */
  public static final int UNKNOWN_STORE = 404;
  /** The request is well formed but its content cannot be imported. */
  public static final int UNPROCESSABLE = 422;
  /** A bug: something that should not happen. */
  public static final int BUG = 500;
  /** A dependency (PostgreSQL, Redis, another service) is down or too slow. */
  public static final int DEPENDENCY_DOWN = 503;

  private Failures() {
  }

  public static ReplyException badRequest(String message) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, BAD_REQUEST, message);
  }

  public static ReplyException unknownStore(String store) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, UNKNOWN_STORE, "unknown store '" + store + "'");
  }

  public static ReplyException dependencyDown(String message) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, DEPENDENCY_DOWN, message);
  }

  /**
   * The code a failure should travel with: its own code when it already is a {@link ReplyException}
   * from a recipient, 503 when the failure came from a dependency, else 500.
   */
  public static int codeOf(Throwable failure) {
    if (failure instanceof ReplyException re) {
      return switch (re.failureType()) {
        case RECIPIENT_FAILURE -> re.failureCode();
        case NO_HANDLERS -> DEPENDENCY_DOWN;
        case TIMEOUT -> DEPENDENCY_DOWN;
        default -> BUG;
      };
    }
    return BUG;
  }

  /** A failure as it should be replied: codes kept, anything unexpected wrapped as a 500 with its message. */
  public static ReplyException asReply(Throwable failure) {
    if (failure instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      return re;
    }
    String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, codeOf(failure), message);
  }
}
