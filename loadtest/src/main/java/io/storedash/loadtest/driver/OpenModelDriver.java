package io.storedash.loadtest.driver;

import io.storedash.loadtest.stats.RunStats;
import io.storedash.loadtest.workload.DateRanges;
import io.storedash.loadtest.workload.Endpoint;
import io.storedash.loadtest.workload.OpenSchedule;
import java.util.SplittableRandom;

/**
 * Open model: requests go out on a fixed timetable ({@link OpenSchedule}), whatever the server does. At most
 * {@code maxOutstanding} are in flight; requests due beyond that wait in a backlog that is only a counter (their
 * send times are known), and their latency still counts from when they were due. Requests still in the backlog
 * when the run ends are counted as errors of kind {@code unsent}. Senders share the timetable (sender j of k sends
 * requests j, j + k, ...), each with its own client and its share of the outstanding bound.
 */
final class OpenModelDriver extends LoadDriver {

  private final OpenSchedule schedule;
  private final int maxOutstanding;
  private final long lastDue;
  private final SplittableRandom random;
  private long next;
  private int outstanding;
  volatile long backlog;

  OpenModelDriver(RunWindow window, int shareIndex, int shares, double rate, int maxOutstanding) {
    super(window, shareIndex, shares, maxOutstanding);
    this.schedule = OpenSchedule.share(window.startNanos, rate, shareIndex, shares);
    this.maxOutstanding = maxOutstanding;
    this.lastDue = schedule.dueBefore(window.endNanos);
    this.random = new SplittableRandom(window.plan.seed() * 1_000_003L + shareIndex);
  }

  @Override
  protected void begin() {
    // A 1 ms tick; the timetable, not the tick, decides how many requests go out, so late ticks catch up.
    addTimer(vertx.setPeriodic(1, id -> pump()));
    pump();
  }

  private void pump() {
    if (stopping) {
      return;
    }
    long now = System.nanoTime();
    if (now >= window.measureStartNanos && next < lastDue && schedule.intendedTime(next) < window.measureStartNanos) {
      skipWarmupBacklog();
    }
    long due = Math.min(lastDue, schedule.dueBy(now));
    while (next < due && outstanding < maxOutstanding) {
      long intended = schedule.intendedTime(next++);
      if (intended >= window.measureStartNanos) {
        window.sendLagMicros.recordValue(Math.max(0, (now - intended) / 1_000));
      }
      outstanding++;
      Endpoint endpoint = window.mix.pick(random.nextDouble());
      String store = window.stores.get(window.storePopularity.sample(random.nextDouble()));
      DateRanges.Range range = window.ranges.pick(random.nextDouble());
      // Requests take turns over the targets (next is this driver's running request number).
      send(endpoint, endpoint.path().expand(store, range.from(), range.to()), intended, (int) (next % window.plan.targets().size()), failure -> {
        outstanding--;
        pump();
      });
    }
    backlog = due - next;
  }

  /**
   * Requests due in the warm-up but still held back when measurement starts are dropped (counted as warm-up
   * {@code unsent}): a slow warm-up, such as a cold JIT, must not push its debt into the measured figures.
   */
  private void skipWarmupBacklog() {
    while (next < lastDue && schedule.intendedTime(next) < window.measureStartNanos) {
      Endpoint endpoint = window.mix.pick(random.nextDouble());
      window.warmup.recordFailure(endpoint.name(), FailureKinds.UNSENT, -1, -1);
      next++;
    }
  }

  @Override
  protected void onStopping() {
    // Whatever the timetable wanted before the end but the outstanding bound held back was never sent.
    for (long i = next; i < lastDue; i++) {
      long intended = schedule.intendedTime(i);
      Endpoint endpoint = window.mix.pick(random.nextDouble());
      RunStats stats = window.statsFor(intended);
      stats.recordFailure(endpoint.name(), FailureKinds.UNSENT, -1, -1);
    }
    next = lastDue;
    backlog = 0;
  }
}
