package io.storedash.query.large;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How long the event loops of a Vert.x instance were kept from their other work: every {@link #PERIOD_MS} ms each loop
 * runs a tiny task scheduled for that moment. Two figures, since on a machine shared with other work a loop can be
 * late without being blocked:
 * <ul>
 *   <li>lateness: how late the task ran (wall time): a blocking handler, or the machine's other processes holding
 *       the CPU;</li>
 *   <li>busy: the CPU time the loop's thread spent between two of these tasks: a handler that keeps the loop for
 *       itself shows here whatever else the machine does, and the machine's load does not.</li>
 * </ul>
 * Covers every event loop, so the one query-service's verticle runs on is among them whichever it is.
 */
public final class EventLoopLateness implements AutoCloseable {

  static final long PERIOD_MS = 5;
  private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

  private final AtomicLong maxLateNanos = new AtomicLong();
  private final AtomicLong maxBusyNanos = new AtomicLong();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<EventExecutor> loops = new ArrayList<>();

  public EventLoopLateness(Vertx vertx) {
    EventLoopGroup group = ((VertxInternal) vertx).nettyEventLoopGroup();
    group.forEach(loops::add);
    loops.forEach(loop -> loop.execute(() -> tick(loop, THREADS.getCurrentThreadCpuTime())));
  }

  private void tick(EventExecutor loop, long cpuBefore) {
    long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(PERIOD_MS);
    loop.schedule(() -> {
      maxLateNanos.accumulateAndGet(System.nanoTime() - due, Math::max);
      long cpu = THREADS.getCurrentThreadCpuTime();
      maxBusyNanos.accumulateAndGet(cpu - cpuBefore, Math::max);
      if (running.get()) {
        tick(loop, cpu);
      }
    }, PERIOD_MS, TimeUnit.MILLISECONDS);
  }

  public int loops() {
    return loops.size();
  }

  /** The longest lateness since the last take, in ms, and starts over. */
  public double takeMaxLateMs() {
    return maxLateNanos.getAndSet(0) / 1_000_000.0;
  }

  /** The most CPU time a loop spent between two ticks since the last take, in ms, and starts over. */
  public double takeMaxBusyMs() {
    return maxBusyNanos.getAndSet(0) / 1_000_000.0;
  }

  @Override
  public void close() {
    running.set(false);
  }
}
