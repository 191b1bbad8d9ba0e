package io.storedash.query.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;

/**
 * The heap a piece of work needed: the largest heap occupancy measured right after a garbage collection (what was
 * still reachable), over all heap pools, since {@link #reset()}. A job that held a whole file would show it here.
 */
public final class HeapWatch {

  private HeapWatch() {
  }

  public static void reset() {
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
      }
    }
  }

  /** The peak of the pools' usage after a collection, summed over the heap pools, in MiB. */
  public static double peakLiveMiB() {
    long bytes = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP && pool.getCollectionUsage() != null) {
        bytes += pool.getCollectionUsage().getUsed();
      }
    }
    return bytes / (1024.0 * 1024.0);
  }

  /** What a piece of work answered, how long it took and the most heap in use while it ran (sampled every 20 ms). */
  public record Sampled<T>(T value, double seconds, long peakUsedBytes) {
  }

  /** Runs {@code work} on this thread while another samples the heap in use. */
  public static <T> Sampled<T> sampling(java.util.concurrent.Callable<T> work) throws Exception {
    java.util.concurrent.atomic.AtomicLong peak = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.ScheduledExecutorService sampler = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    sampler.scheduleAtFixedRate(() -> peak.accumulateAndGet(usedBytes(), Math::max), 0, 20,
      java.util.concurrent.TimeUnit.MILLISECONDS);
    long started = System.nanoTime();
    try {
      T value = work.call();
      return new Sampled<>(value, (System.nanoTime() - started) / 1e9, peak.get());
    } finally {
      sampler.shutdownNow();
    }
  }

  /** The heap in use now, summed over the heap pools, in bytes. */
  public static long usedBytes() {
    long used = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        used += pool.getUsage().getUsed();
      }
    }
    return used;
  }

  /** The largest heap the JVM may use, in MiB. */
  public static double maxMiB() {
    return Runtime.getRuntime().maxMemory() / (1024.0 * 1024.0);
  }
}
