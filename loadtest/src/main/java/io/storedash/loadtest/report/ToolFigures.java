package io.storedash.loadtest.report;

import io.storedash.loadtest.stats.LatencySummary;

/**
 * How hard the load generator itself worked during the measured time, so a reader can tell whether the figures
 * describe the server or the tool. {@code busiestLoopPercent} is the CPU time of the busiest driver event loop per
 * wall-clock second (100 = that thread never rested: the tool was the limit); {@code cpuCores} is the whole JVM's
 * CPU time per second (1.0 = one core); {@code loopLag} is how late the drivers' event loops ran a 20 ms timer;
 * {@code sendLag} (open model) is how late requests left compared with the timetable.
 */
public record ToolFigures(int eventLoops, int drivers, double busiestLoopPercent, double cpuCoresAvg,
                          double cpuCoresMax, double machineCpuPercentAvg, int availableProcessors,
                          LatencySummary loopLag, LatencySummary sendLag, long connectionsOpened,
                          long connectionsClosed) {

  /** An event loop busier than this leaves no headroom: the tool, not the server, may be the limit. */
  public static final double SATURATED_LOOP_PERCENT = 90;
  /** Timers this late mean the same, whatever the CPU figures say. */
  public static final double SATURATED_LOOP_LAG_P99_MS = 50;

  public boolean looksSaturated() {
    return busiestLoopPercent > SATURATED_LOOP_PERCENT || loopLag.p99() > SATURATED_LOOP_LAG_P99_MS;
  }
}
