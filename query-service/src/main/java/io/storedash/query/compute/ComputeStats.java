package io.storedash.query.compute;

import io.storedash.common.bootstrap.ServiceContext;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Computation counters for the heartbeat. A heartbeat carries one stats object per service, so all verticle
 * instances of a service context share one {@code ComputeStats} ({@link #of(ServiceContext)}).
 */
public final class ComputeStats {

  private static final Map<ServiceContext, ComputeStats> BY_CONTEXT = new WeakHashMap<>();

  private final LongAdder computed = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder computeNanos = new LongAdder();
  private final AtomicLong maxNanos = new AtomicLong();

  public static synchronized ComputeStats of(ServiceContext context) {
    return BY_CONTEXT.computeIfAbsent(context, c -> new ComputeStats());
  }

  public void computed(long nanos) {
    computed.increment();
    computeNanos.add(nanos);
    maxNanos.accumulateAndGet(nanos, Math::max);
  }

  public void failed() {
    failed.increment();
  }

  /** {@code {"computed", "failed", "mean_compute_ms", "max_compute_ms"}} */
  public JsonObject toJson() {
    long count = computed.sum();
    return new JsonObject()
      .put("computed", count)
      .put("failed", failed.sum())
      .put("mean_compute_ms", count == 0 ? 0.0 : round(computeNanos.sum() / (double) count))
      .put("max_compute_ms", round(maxNanos.get()));
  }

  private static double round(double nanos) {
    return Math.round(nanos / TimeUnit.MILLISECONDS.toNanos(1) * 100) / 100.0;
  }
}
