package io.storedash.loadtest.driver;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/** The JVM's and the drivers' own CPU time and the machine's load, for the tool's self-check. */
final class ProcessCpu {

  private final com.sun.management.OperatingSystemMXBean os;
  private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

  ProcessCpu() {
    OperatingSystemMXBean bean = ManagementFactory.getOperatingSystemMXBean();
    os = bean instanceof com.sun.management.OperatingSystemMXBean sun ? sun : null;
  }

  /** CPU time used by this JVM so far, in nanoseconds; -1 when the platform does not say. */
  long processCpuNanos() {
    return os == null ? -1 : os.getProcessCpuTime();
  }

  /** CPU time of each of these threads so far, in nanoseconds (-1 for a thread that is gone or unmeasurable). */
  Map<Long, Long> threadCpuNanos(Set<Long> threadIds) {
    Map<Long, Long> out = new HashMap<>();
    for (long id : threadIds) {
      out.put(id, threads.isThreadCpuTimeSupported() ? threads.getThreadCpuTime(id) : -1);
    }
    return out;
  }

  /** Recent CPU use of the whole machine in percent; -1 when unknown. */
  double machinePercent() {
    if (os == null) {
      return -1;
    }
    double load = os.getCpuLoad();
    return load < 0 ? -1 : load * 100;
  }
}
