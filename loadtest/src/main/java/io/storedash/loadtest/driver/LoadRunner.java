package io.storedash.loadtest.driver;

import io.storedash.loadtest.plan.LoadPlan;
import io.storedash.loadtest.report.ProgressLine;
import io.storedash.loadtest.report.RunResult;
import io.storedash.loadtest.report.TimelinePoint;
import io.storedash.loadtest.report.ToolFigures;
import io.storedash.loadtest.stats.Interval;
import io.storedash.loadtest.stats.LatencySummary;
import io.storedash.loadtest.stats.RunStats;
import io.storedash.loadtest.stats.StatsSnapshot;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintWriter;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@link LoadPlan}: finds the stores, then for each user count or rate deploys one driver per event loop,
 * prints a progress line every second, stops issuing at the end of the measured time, gives in-flight requests up
 * to the request timeout, and closes every connection. Nothing outlives a run.
 */
public final class LoadRunner {

  private static final long START_DELAY_MS = 100;
  private static final long CLOSE_WAIT_MS = 2_000;

  private final Vertx vertx;
  private final LoadPlan plan;
  private final PrintWriter progress;
  private final ProcessCpu cpu = new ProcessCpu();
  /** The gateway's session cookie. */
  static final String SESSION_COOKIE = "storedash_session";
  static final String SIGN_IN_PATH = "/api/v1/session";

  public LoadRunner(Vertx vertx, LoadPlan plan, PrintWriter progress) {
    this.vertx = vertx;
    this.plan = plan;
    this.progress = progress;
  }

  /**
   * With {@code --user}: signs in {@link LoadPlan.SignIn#sessions()} times, one after another (sign-in is slow on
   * purpose, and limited per address: the runs should measure the dashboard, not the password hash), and returns
   * the session cookies; without it, no cookie. A refused sign-in fails the whole tool with the gateway's sentence.
   */
  public Future<List<String>> signIn() {
    LoadPlan.SignIn signIn = plan.signIn();
    if (signIn == null) {
      return Future.succeededFuture(List.of());
    }
    HttpClientAgent client = setUpClient();
    Buffer body = new JsonObject().put("username", signIn.user()).put("password", signIn.password()).toBuffer();
    List<String> cookies = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < signIn.sessions(); i++) {
      chain = chain.compose(v -> client.request(setUpRequest(HttpMethod.POST, SIGN_IN_PATH)
            .putHeader("Content-Type", "application/json")
            // Sign-in hashes the password on purpose slowly: give it more than a dashboard request.
            .setTimeout(plan.timeout().toMillis() + 10_000))
          .compose(req -> req.send(body))
          .compose(resp -> resp.body().compose(answer -> {
            String cookie = sessionCookie(resp.cookies());
            if (resp.statusCode() != 200 || cookie == null) {
              return Future.failedFuture("signing in as " + signIn.user() + " answered HTTP " + resp.statusCode() + ": "
                + detail(answer));
            }
            cookies.add(cookie);
            return Future.succeededFuture();
          })));
    }
    return chain.map(v -> List.copyOf(cookies)).eventually(client::close);
  }

  /** A client for the requests before the runs (sign-in, the store list) to the first target. */
  private HttpClientAgent setUpClient() {
    return vertx.createHttpClient(new HttpClientOptions()
      .setSsl("https".equalsIgnoreCase(plan.target().getScheme())).setTrustAll(plan.insecure())
      .setVerifyHost(!plan.insecure())
      .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, plan.timeout().toMillis())));
  }

  /** A request to {@code apiPath} below the first target's path. */
  private RequestOptions setUpRequest(HttpMethod method, String apiPath) {
    URI target = plan.target();
    boolean https = "https".equalsIgnoreCase(target.getScheme());
    return new RequestOptions()
      .setMethod(method)
      .setHost(target.getHost())
      .setPort(target.getPort() > 0 ? target.getPort() : https ? 443 : 80)
      .setURI((target.getRawPath() == null ? "" : target.getRawPath()) + apiPath);
  }

  /** The {@code name=value} of the session cookie among Set-Cookie headers, or null. */
  static String sessionCookie(List<String> setCookies) {
    for (String header : setCookies) {
      String pair = header.split(";", 2)[0].strip();
      if (pair.startsWith(SESSION_COOKIE + "=") && pair.length() > SESSION_COOKIE.length() + 1) {
        return pair;
      }
    }
    return null;
  }

  private static String detail(Buffer answer) {
    try {
      JsonObject problem = answer.toJsonObject();
      return problem.getString("detail", problem.encode());
    } catch (RuntimeException e) {
      String text = answer.toString();
      return text.length() > 200 ? text.substring(0, 200) + "…" : text;
    }
  }

  /**
   * The store codes to visit, most popular first: {@code --stores}, else what {@code GET /api/v1/stores} returns.
   * When that list cannot be had the run still goes, against {@code all}, with a warning.
   */
  public Future<List<String>> stores(List<String> sessions) {
    if (!plan.stores().isEmpty()) {
      return Future.succeededFuture(plan.stores());
    }
    if (!plan.mix().usesStore()) {
      return Future.succeededFuture(List.of("all"));
    }
    HttpClientAgent client = setUpClient();
    RequestOptions request = setUpRequest(HttpMethod.GET, "/api/v1/stores").setTimeout(plan.timeout().toMillis());
    plan.headers().forEach(h -> request.putHeader(h.getKey(), h.getValue()));
    if (!sessions.isEmpty()) {
      request.putHeader("Cookie", sessions.get(0));
    }
    return client.request(request)
      .compose(req -> req.send())
      .compose(resp -> resp.statusCode() == 200 ? resp.body()
        : Future.failedFuture("GET " + request.getURI() + " answered HTTP " + resp.statusCode()))
      .map(body -> storeCodes(body.toJsonObject()))
      // Bounded as a whole, whatever the connection does.
      .timeout(plan.timeout().toMillis() + 1_000, TimeUnit.MILLISECONDS)
      .recover(failure -> {
        warn("cannot list the stores (" + failure.getMessage() + "); visiting store 'all' only. "
          + "Give --stores S001,S002,... to choose them");
        return Future.succeededFuture(List.of("all"));
      })
      .eventually(client::close);
  }

  static List<String> storeCodes(JsonObject body) {
    JsonArray stores = body.getJsonArray("stores");
    List<String> codes = new ArrayList<>();
    if (stores != null) {
      for (Object o : stores) {
        if (o instanceof String s) {
          codes.add(s);
        } else if (o instanceof JsonObject j && (j.getValue("code") != null || j.getValue("id") != null)) {
          codes.add(String.valueOf(j.getValue("code") != null ? j.getValue("code") : j.getValue("id")));
        }
      }
    }
    if (codes.isEmpty()) {
      throw new IllegalArgumentException("the store list is empty or has no 'stores[].code'");
    }
    return codes;
  }

  /** Runs level {@code index} of the plan (its user count or rate). */
  public Future<RunResult> run(int index, List<String> stores, List<String> sessions) {
    long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_DELAY_MS);
    RunWindow window = new RunWindow(plan, stores, sessions, start);
    List<LoadDriver> drivers = drivers(window, index);
    List<Future<String>> deployed = new ArrayList<>();
    for (LoadDriver d : drivers) {
      deployed.add(vertx.deployVerticle(d));
    }
    Promise<RunResult> result = Promise.promise();
    Future.all(deployed).onComplete(ar -> {
      if (ar.failed()) {
        undeployAll(deployed).onComplete(x -> result.fail(ar.cause()));
        return;
      }
      new RunMonitor(window, index, drivers, deployed, result).begin();
    });
    return result.future();
  }

  private List<LoadDriver> drivers(RunWindow window, int index) {
    List<LoadDriver> drivers = new ArrayList<>();
    if (plan.model() == LoadPlan.Model.CLOSED) {
      int users = plan.users(index);
      int shares = Math.min(plan.eventLoops(), users);
      for (int i = 0; i < shares; i++) {
        drivers.add(new ClosedModelDriver(window, i, shares, users));
      }
    } else {
      int shares = Math.min(plan.eventLoops(), plan.maxOutstanding());
      for (int i = 0; i < shares; i++) {
        int bound = plan.maxOutstanding() / shares + (i < plan.maxOutstanding() % shares ? 1 : 0);
        drivers.add(new OpenModelDriver(window, i, shares, plan.rate(index), bound));
      }
    }
    return drivers;
  }

  private Future<Void> undeployAll(List<Future<String>> deployed) {
    List<Future<Void>> undeployed = new ArrayList<>();
    for (Future<String> d : deployed) {
      if (d.succeeded()) {
        undeployed.add(vertx.undeploy(d.result()));
      }
    }
    return Future.join(undeployed).mapEmpty();
  }

  private void warn(String message) {
    synchronized (progress) {
      progress.println("WARNING: " + message);
      progress.flush();
    }
  }

  /** Watches one run: the progress line, the CPU samples, and the end. */
  private final class RunMonitor {
    private final RunWindow window;
    private final int index;
    private final List<LoadDriver> drivers;
    private final List<Future<String>> deployed;
    private final Promise<RunResult> result;
    private final String label;
    private long periodic;
    private long lastTick;
    private long lastCpu;
    private long measureCpu = -1;
    private Map<Long, Long> measureThreadCpu = Map.of();
    private final List<TimelinePoint> timeline = new ArrayList<>();
    private double cpuMax;
    private double machineSum;
    private int machineSamples;

    RunMonitor(RunWindow window, int index, List<LoadDriver> drivers, List<Future<String>> deployed,
               Promise<RunResult> result) {
      this.window = window;
      this.index = index;
      this.drivers = drivers;
      this.deployed = deployed;
      this.result = result;
      this.label = plan.label(index);
    }

    void begin() {
      lastTick = System.nanoTime();
      lastCpu = cpu.processCpuNanos();
      periodic = vertx.setPeriodic(1000, id -> tick());
      vertx.setTimer(RunWindow.millisUntil(window.measureStartNanos), id -> {
        measureCpu = cpu.processCpuNanos();
        measureThreadCpu = cpu.threadCpuNanos(window.driverThreads);
      });
      vertx.setTimer(RunWindow.millisUntil(window.endNanos), id -> end());
    }

    private void tick() {
      long now = System.nanoTime();
      long cpuNow = cpu.processCpuNanos();
      double seconds = (now - lastTick) / 1e9;
      double cores = cpuNow < 0 ? 0 : (cpuNow - lastCpu) / 1e9 / seconds;
      lastTick = now;
      lastCpu = cpuNow;
      boolean warmingUp = now < window.measureStartNanos;
      if (!warmingUp) {
        cpuMax = Math.max(cpuMax, cores);
        double machine = cpu.machinePercent();
        if (machine >= 0) {
          machineSum += machine;
          machineSamples++;
        }
      }
      RunStats stats = warmingUp ? window.warmup : window.measured;
      Interval interval = stats.interval();
      String phase = warmingUp ? "warm-up" : now < window.endNanos ? "measured" : "draining";
      timeline.add(new TimelinePoint(Math.round((now - window.startNanos) / 1e9), phase, interval.requests(),
        interval.successes(), interval.latency().p99(), interval.errors()));
      if (!plan.quiet()) {
        long inFlight = drivers.stream().mapToLong(d -> d.inFlightCount).sum();
        Long backlog = plan.model() == LoadPlan.Model.OPEN
          ? drivers.stream().mapToLong(d -> ((OpenModelDriver) d).backlog).sum() : null;
        long elapsed = Math.round((now - window.startNanos) / 1e9);
        long total = Math.round((window.endNanos - window.startNanos) / 1e9);
        String line = ProgressLine.format(label, phase, elapsed, total, interval, seconds, inFlight, backlog,
          cores);
        synchronized (progress) {
          progress.println(line);
          progress.flush();
        }
      }
    }

    private void end() {
      long endCpu = cpu.processCpuNanos();
      Map<Long, Long> endThreadCpu = cpu.threadCpuNanos(window.driverThreads);
      long grace = plan.timeout().toMillis() + 1_000;
      List<Future<Void>> drained = new ArrayList<>();
      drivers.forEach(d -> drained.add(d.finish()));
      Future.all(drained)
        .timeout(grace, TimeUnit.MILLISECONDS)
        .transform(ar -> {
          if (ar.failed()) {
            warn(label + ": requests still in flight " + grace + " ms after the end; closing their connections");
          }
          // Undeploying closes each driver's client, and with it every connection of the run.
          return undeployAll(deployed).timeout(5, TimeUnit.SECONDS);
        })
        .transform(ar -> {
          if (ar.failed()) {
            warn(label + ": closing the clients failed: " + ar.cause().getMessage());
          }
          return connectionsClosed();
        })
        .onComplete(ar -> {
          vertx.cancelTimer(periodic);
          // What ended after the last progress line, so the timeline adds up to the measured figures.
          Interval rest = window.measured.interval();
          timeline.add(new TimelinePoint(Math.round((System.nanoTime() - window.startNanos) / 1e9), "draining",
            rest.requests(), rest.successes(), rest.latency().p99(), rest.errors()));
          if (ar.failed()) {
            warn(label + ": " + (window.connectionsOpened.get() - window.connectionsClosed.get())
              + " connection(s) not reported closed " + CLOSE_WAIT_MS + " ms after the clients closed");
          }
          result.complete(resultOf(endCpu, endThreadCpu));
        });
    }

    /** A client's close completes before every connection has run its close handler; wait for them, bounded. */
    private Future<Void> connectionsClosed() {
      Promise<Void> closed = Promise.promise();
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(CLOSE_WAIT_MS);
      vertx.setPeriodic(0, 10, id -> {
        if (window.connectionsClosed.get() >= window.connectionsOpened.get()) {
          vertx.cancelTimer(id);
          closed.tryComplete();
        } else if (System.nanoTime() > deadline) {
          vertx.cancelTimer(id);
          closed.tryFail("connections still open");
        }
      });
      return closed.future();
    }

    private RunResult resultOf(long endCpu, Map<Long, Long> endThreadCpu) {
      StatsSnapshot snapshot = window.measured.snapshot();
      double measuredSeconds = plan.duration().toNanos() / 1e9;
      double busiestLoop = -1;
      for (Map.Entry<Long, Long> e : endThreadCpu.entrySet()) {
        Long before = measureThreadCpu.get(e.getKey());
        if (before != null && before >= 0 && e.getValue() >= 0) {
          busiestLoop = Math.max(busiestLoop, 100.0 * (e.getValue() - before) / 1e9 / measuredSeconds);
        }
      }
      double cpuAvg = endCpu < 0 || measureCpu < 0 ? 0 : (endCpu - measureCpu) / 1e9 / measuredSeconds;
      ToolFigures tool = new ToolFigures(plan.eventLoops(), drivers.size(), busiestLoop, cpuAvg, Math.max(cpuMax, cpuAvg),
        machineSamples == 0 ? -1 : machineSum / machineSamples, Runtime.getRuntime().availableProcessors(),
        LatencySummary.of(window.loopLagMicros.getIntervalHistogram()),
        plan.model() == LoadPlan.Model.OPEN ? LatencySummary.of(window.sendLagMicros.getIntervalHistogram())
          : LatencySummary.EMPTY,
        window.connectionsOpened.get(), window.connectionsClosed.get());
      return new RunResult(index, label, plan.model(), plan.levels().get(index), plan.duration(), snapshot,
        window.warmup.snapshot().overall(), tool,
        plan.slo().evaluate(label, snapshot.overall()), List.copyOf(timeline), window.failovers.get());
    }
  }
}
