package io.storedash.common.bootstrap;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;

/** CPU, heap, resident memory and thread count of this process, as a heartbeat carries them. */
public final class SystemFigures {

  private SystemFigures() {
  }

  public static JsonObject now() {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    JsonObject figures = new JsonObject()
      .put("heap_used_mb", heap.getUsed() >> 20)
      .put("heap_max_mb", heap.getMax() >> 20)
      .put("threads", ManagementFactory.getThreadMXBean().getThreadCount())
      .put("cpus", Runtime.getRuntime().availableProcessors());
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      figures.put("process_cpu", round(os.getProcessCpuLoad()));
      figures.put("system_cpu", round(os.getCpuLoad()));
    }
    figures.put("system_load", round(ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
    long rss = residentMegabytes();
    if (rss >= 0) {
      figures.put("rss_mb", rss);
    }
    return figures;
  }

  private static double round(double value) {
    return value < 0 ? -1 : Math.round(value * 10_000) / 10_000.0;
  }

  /** VmRSS from /proc on Linux; -1 elsewhere. */
  private static long residentMegabytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) >> 10;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
