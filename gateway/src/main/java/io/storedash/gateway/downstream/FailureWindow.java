package io.storedash.gateway.downstream;

import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;

/**
 * The outcomes of the requests to one service over the last {@code window}, in one-second buckets, and whether they
 * say the service as a whole is failing: at least {@code minFailures} failures that make up at least
 * {@code failurePercent} % of all outcomes.
 * <p>
 * A share over time, not a streak: with one of two instances lost, the requests that went to it all time out together
 * one request timeout after they were sent (a burst of traffic gives a burst of timeouts, dozens in a row), while the
 * other instance keeps answering the rest. Over the window that is half the outcomes, never the share that opens.
 */
final class FailureWindow {

  private final int minFailures;
  private final int failurePercent;
  private final long[] bucketSecond;
  private final int[] outcomes;
  private final int[] failures;
  private final Clock clock;

  FailureWindow(Duration window, int minFailures, int failurePercent, Clock clock) {
    int buckets = (int) Math.max(1, window.toSeconds());
    this.minFailures = minFailures;
    this.failurePercent = failurePercent;
    this.bucketSecond = new long[buckets];
    this.outcomes = new int[buckets];
    this.failures = new int[buckets];
    this.clock = clock;
    clear();
  }

  /** Records one outcome, now; true when it is a failure that makes the window say "failing". */
  synchronized boolean record(boolean failed) {
    long second = clock.millis() / 1000;
    int i = (int) Math.floorMod(second, (long) bucketSecond.length);
    if (bucketSecond[i] != second) {
      bucketSecond[i] = second;
      outcomes[i] = 0;
      failures[i] = 0;
    }
    outcomes[i]++;
    if (!failed) {
      return false;
    }
    failures[i]++;
    long oldest = second - bucketSecond.length + 1;
    int allOutcomes = 0;
    int allFailures = 0;
    for (int b = 0; b < bucketSecond.length; b++) {
      if (bucketSecond[b] >= oldest) {
        allOutcomes += outcomes[b];
        allFailures += failures[b];
      }
    }
    return allFailures >= minFailures && 100L * allFailures >= (long) failurePercent * allOutcomes;
  }

  /** Forgets every outcome: what happened before the circuit opened says nothing about the service after it. */
  synchronized void clear() {
    Arrays.fill(bucketSecond, Long.MIN_VALUE);
  }
}
