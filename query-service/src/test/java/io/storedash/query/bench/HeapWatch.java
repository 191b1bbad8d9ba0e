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

  /** The largest heap the JVM may use, in MiB. */
  public static double maxMiB() {
    return Runtime.getRuntime().maxMemory() / (1024.0 * 1024.0);
  }
}
