package io.storedash.common.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waiting in tests for what another thread, context or process does after the call that caused it (a write that
 * lands after the answer, a message delivered on another event loop, a log line written once the response has gone):
 * ask again every 20 ms until the answer is the expected one or the time is up, then let the test assert on the last
 * answer — so a slow machine only waits longer, and a wrong answer still fails.
 */
public final class Eventually {

  private static final long EVERY_MILLIS = 20;

  private Eventually() {
  }

  /** Asks {@code value} until {@code done} holds of its answer or {@code timeout} has passed; returns the last answer. */
  public static <T> T poll(Duration timeout, Supplier<T> value, Predicate<? super T> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T answer = value.get();
    while (!done.test(answer) && System.nanoTime() < deadline) {
      try {
        Thread.sleep(EVERY_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while waiting", e);
      }
      answer = value.get();
    }
    return answer;
  }

  /** Whether {@code condition} came true within {@code timeout}. */
  public static boolean until(Duration timeout, BooleanSupplier condition) {
    return poll(timeout, condition::getAsBoolean, Boolean::booleanValue);
  }
}
