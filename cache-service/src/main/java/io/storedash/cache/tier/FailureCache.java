package io.storedash.cache.tier;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.storedash.common.Failure;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Failed computations, answered again for {@code CACHE_FAILURE_TTL} (docs/DESIGN.md §12.3) so that clients retrying
 * at once do not recompute them. Only failures that belong to the question are kept: 400 (a bad question), 404 (an
 * unknown store) and 500 (a bug: it fails the same way again). 429 belongs to whoever asked and when, 503 and 504 to a
 * dependency that may be back in a moment (stale-if-error serves those), so they are never kept. Keyed by the entry's
 * key, which names the data version: an import makes a failed question new. Bounded, in this process.
 */
public final class FailureCache {

  /** The most failures kept; one-off keys beyond are forgotten first. */
  public static final int MAX_ENTRIES = 10_000;

  private record Failed(int code, String message) {
  }

  private final Cache<String, Failed> failures;
  private final boolean enabled;
  private final Counter kept;
  private final Counter answered;

  /** @param ttl how long a failure is answered again; zero turns this off */
  public FailureCache(Duration ttl, Clock clock, MeterRegistry registry) {
    enabled = !ttl.isZero() && !ttl.isNegative();
    failures = Caffeine.newBuilder()
      .maximumSize(MAX_ENTRIES)
      .expireAfterWrite(enabled ? ttl : Duration.ofMillis(1))
      .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
      .build();
    kept = Counter.builder("storedash_cache_failures_kept").description("Failed computations kept for CACHE_FAILURE_TTL")
      .register(registry);
    answered = Counter.builder("storedash_cache_failures_answered")
      .description("Requests answered with a kept failure instead of a computation").register(registry);
  }

  /** Whether a failure is about the question itself, and so worth answering again. */
  public static boolean belongsToQuestion(Failure failure) {
    return failure == Failure.BAD_REQUEST || failure == Failure.UNKNOWN_STORE || failure == Failure.BUG;
  }

  /** The failure kept for {@code key}, as its recipient sent it, or null. */
  public ReplyException get(String key) {
    if (!enabled) {
      return null;
    }
    Failed failed = failures.getIfPresent(key);
    if (failed == null) {
      return null;
    }
    answered.increment();
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, failed.code(), failed.message());
  }

  /** Keeps {@code failure} for {@code key} when it belongs to the question. */
  public void remember(String key, Throwable failure) {
    Failure kind = Failure.of(failure);
    if (enabled && belongsToQuestion(kind)) {
      kept.increment();
      failures.put(key, new Failed(kind.code(), failure.getMessage()));
    }
  }

  public long size() {
    return failures.estimatedSize();
  }
}
