package io.storedash.loadtest.driver;

import io.storedash.loadtest.plan.LoadPlan;
import io.storedash.loadtest.stats.RunStats;
import io.storedash.loadtest.workload.DateRanges;
import io.storedash.loadtest.workload.EndpointMix;
import io.storedash.loadtest.workload.ZipfSampler;
import io.vertx.core.MultiMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * What the drivers of one run share: the timetable (start, start of measurement, end, on the nanoTime scale), the
 * workload, and where results go. Requests whose intended start falls in the warm-up go to {@link #warmup}.
 */
final class RunWindow {

  final LoadPlan plan;
  final EndpointMix mix;
  final List<String> stores;
  final ZipfSampler storePopularity;
  final DateRanges ranges;
  final MultiMap headers;
  /** With sign-in: the headers of each session (its cookie added); requests pick one by their user or sequence. */
  final List<MultiMap> sessionHeaders;
  final String pathPrefix;
  final long startNanos;
  final long measureStartNanos;
  final long endNanos;
  final RunStats warmup;
  final RunStats measured;
  final Recorder loopLagMicros = new Recorder(3);
  final Recorder sendLagMicros = new Recorder(3);
  final AtomicLong connectionsOpened = new AtomicLong();
  final AtomicLong connectionsClosed = new AtomicLong();
  /** Requests sent again to another target after a connection failure (several targets only). */
  final AtomicLong failovers = new AtomicLong();
  /** The event-loop threads the drivers run on, for their CPU figures. */
  final Set<Long> driverThreads = ConcurrentHashMap.newKeySet();

  RunWindow(LoadPlan plan, List<String> stores, long startNanos) {
    this(plan, stores, List.of(), startNanos);
  }

  RunWindow(LoadPlan plan, List<String> stores, List<String> sessions, long startNanos) {
    this.plan = plan;
    this.mix = plan.mix();
    this.stores = List.copyOf(stores);
    this.storePopularity = new ZipfSampler(stores.size(), plan.zipf());
    this.ranges = plan.ranges();
    MultiMap h = MultiMap.caseInsensitiveMultiMap();
    for (Map.Entry<String, String> e : plan.headers()) {
      h.add(e.getKey(), e.getValue());
    }
    if (plan.acceptGzip()) {
      h.set("Accept-Encoding", "gzip");
    }
    this.headers = h;
    List<MultiMap> perSession = new java.util.ArrayList<>();
    for (String cookie : sessions) {
      perSession.add(MultiMap.caseInsensitiveMultiMap().addAll(h).set("Cookie", cookie));
    }
    this.sessionHeaders = List.copyOf(perSession);
    String path = plan.target().getRawPath();
    this.pathPrefix = path == null ? "" : path;
    this.startNanos = startNanos;
    this.measureStartNanos = startNanos + plan.warmup().toNanos();
    this.endNanos = measureStartNanos + plan.duration().toNanos();
    this.warmup = new RunStats(mix.names());
    this.measured = new RunStats(mix.names());
  }

  /** The headers of a request whose user (closed model) or sequence number (open model) is {@code n}. */
  MultiMap headersFor(int n) {
    return sessionHeaders.isEmpty() ? headers : sessionHeaders.get(Math.floorMod(n, sessionHeaders.size()));
  }

  /** Milliseconds until a nanoTime instant, rounded up so a timer never fires before it. */
  static long millisUntil(long nanos) {
    long remaining = nanos - System.nanoTime();
    return Math.max(1, (remaining + 999_999) / 1_000_000);
  }

  RunStats statsFor(long intendedNanos) {
    return intendedNanos >= measureStartNanos ? measured : warmup;
  }
}
