package io.storedash.query.storage;

import io.storedash.common.Failure;
import io.storedash.common.security.Redaction;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;

import java.io.IOException;
import java.util.concurrent.TimeoutException;

/**
 * Turns a failure of a PostgreSQL call into the {@link Failure} the event-bus contract expects: 503 when the database is
 * unreachable, overloaded or shutting down (the caller may retry or serve stale data), 500 when a statement itself
 * failed (a bug), and any {@link ReplyException} or {@link IllegalArgumentException} (400) unchanged.
 */
public final class StorageFailures {

  private StorageFailures() {
  }

  public static ReplyException asReply(Throwable failure) {
    if (failure instanceof ReplyException re && re.failureType() == ReplyFailure.RECIPIENT_FAILURE) {
      return re;
    }
    if (failure instanceof IllegalArgumentException) {
      return Failure.BAD_REQUEST.reply(failure.getMessage());
    }
    if (isUnavailable(failure)) {
      return Failure.DEPENDENCY_DOWN.reply("PostgreSQL is unavailable (" + describe(failure) + "); try again shortly");
    }
    if (failure instanceof DatabaseException) {
      return Failure.BUG.reply("PostgreSQL rejected a query: " + describe(failure));
    }
    return Failure.asReply(failure);
  }

  /** Whether the failure says the database cannot be used right now, rather than that a statement is wrong. */
  public static boolean isUnavailable(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof DatabaseException db) {
        String state = db.getSqlState();
        // 08 connection exception, 53 insufficient resources, 57 operator intervention (shutdown, cancel),
        // 58 system error, 40001/40P01 serialization and deadlock (retryable).
        return state != null && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57")
          || state.startsWith("58") || state.equals("40001") || state.equals("40P01"));
      }
      if (t instanceof ClosedConnectionException || t instanceof IOException || t instanceof TimeoutException
        || t.getClass().getSimpleName().contains("Timeout")) {
        return true;
      }
    }
    return false;
  }

  /** Redacted: the message goes into a reply that the gateway may show, and into logs. */
  private static String describe(Throwable failure) {
    return Redaction.message(failure);
  }
}
