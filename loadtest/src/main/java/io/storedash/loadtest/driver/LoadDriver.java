package io.storedash.loadtest.driver;

import io.storedash.loadtest.workload.Endpoint;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.net.URI;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * Sends one share of a run's requests from its own event loop, with its own HTTP client and a connection pool
 * bounded to its share of the users (closed model) or of the outstanding requests (open model). Everything a driver
 * does runs on its context, so its state needs no locks; results go to the run's lock-free {@link RunWindow} stats.
 */
abstract class LoadDriver extends VerticleBase {

  private static final long LOOP_LAG_PERIOD_MS = 20;
  private static final long TARGET_LEFT_OUT_NANOS = TimeUnit.SECONDS.toNanos(1);

  protected final RunWindow window;
  protected final int shareIndex;
  protected final int shares;
  private final int poolSize;
  private final long timeoutNanos;
  private final LinkedHashSet<Exchange> inFlight = new LinkedHashSet<>();
  private final Promise<Void> drained = Promise.promise();
  private final ArrayList<Long> timers = new ArrayList<>();
  private final URI[] targets;
  private final long[] downUntil;
  protected HttpClientAgent client;
  protected boolean stopping;
  volatile int inFlightCount;

  LoadDriver(RunWindow window, int shareIndex, int shares, int poolSize) {
    this.window = window;
    this.shareIndex = shareIndex;
    this.shares = shares;
    this.poolSize = poolSize;
    this.timeoutNanos = window.plan.timeout().toNanos();
    this.targets = window.plan.targets().toArray(URI[]::new);
    this.downUntil = new long[targets.length];
  }

  @Override
  public Future<?> start() {
    window.driverThreads.add(Thread.currentThread().getId());
    URI first = window.plan.target();
    boolean https = "https".equalsIgnoreCase(first.getScheme());
    int timeoutMs = (int) Math.min(Integer.MAX_VALUE, window.plan.timeout().toMillis());
    // Host and port are set per request: with several targets the client keeps a pool per gateway instance.
    HttpClientOptions options = new HttpClientOptions()
      .setSsl(https)
      .setTrustAll(window.plan.insecure())
      .setVerifyHost(!window.plan.insecure())
      .setKeepAlive(true)
      .setPipelining(false)
      // Bytes are counted as they come over the wire, so gzip bodies are never inflated.
      .setDecompressionSupported(false)
      .setTcpNoDelay(true)
      .setConnectTimeout(timeoutMs)
      .setName("storedash-loadtest-" + shareIndex);
    client = vertx.httpClientBuilder()
      .with(options)
      .with(new PoolOptions().setHttp1MaxSize(poolSize).setMaxWaitQueueSize(Math.max(poolSize, 64)))
      .withConnectHandler(connection -> {
        window.connectionsOpened.incrementAndGet();
        connection.closeHandler(v -> window.connectionsClosed.incrementAndGet());
      })
      .build();
    long sweepMs = Math.max(5, Math.min(100, window.plan.timeout().toMillis() / 20));
    timers.add(vertx.setPeriodic(sweepMs, id -> expireTimedOut()));
    long[] expected = {System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(LOOP_LAG_PERIOD_MS)};
    timers.add(vertx.setPeriodic(LOOP_LAG_PERIOD_MS, id -> {
      long now = System.nanoTime();
      if (now >= window.measureStartNanos) {
        window.loopLagMicros.recordValue(Math.max(0, (now - expected[0]) / 1_000));
      }
      expected[0] = now + TimeUnit.MILLISECONDS.toNanos(LOOP_LAG_PERIOD_MS);
    }));
    begin();
    return Future.succeededFuture();
  }

  /** Starts sending; called on the driver's context once the client exists. */
  protected abstract void begin();

  /** Stops issuing requests; called on the driver's context at the end of the run. */
  protected abstract void onStopping();

  /** Asks the driver to stop issuing requests; completes when its in-flight requests have ended. */
  Future<Void> finish() {
    context.runOnContext(v -> {
      if (!stopping) {
        stopping = true;
        onStopping();
        checkDrained();
      }
    });
    return drained.future();
  }

  protected long addTimer(long id) {
    timers.add(id);
    return id;
  }

  @Override
  public Future<?> stop() {
    timers.forEach(vertx::cancelTimer);
    // Requests still open when the hard deadline closes the client are recorded as closed connections.
    return client.close();
  }

  /**
   * Sends one request. {@code intendedNanos} is when it should have gone out (the open model's timetable, or now);
   * latency is measured from it. {@code onEnd} runs on this context once the outcome is recorded and receives the
   * failure kind, or null when a response arrived.
   */
  protected void send(Endpoint endpoint, String uri, long intendedNanos, int targetHint, Consumer<String> onEnd) {
    Exchange ex = new Exchange(endpoint.name(), uri, intendedNanos, System.nanoTime(), onEnd, window.headersFor(targetHint));
    inFlight.add(ex);
    inFlightCount = inFlight.size();
    attempt(ex, pickTarget(targetHint, -1));
  }

  /**
   * The target for a request: the hinted one, or the next that is not left out after a connection failure (like a
   * load balancer's passive health check). When every target is left out, the hinted one.
   */
  private int pickTarget(int hint, int excluded) {
    int n = targets.length;
    long now = System.nanoTime();
    for (int k = 0; k < n; k++) {
      int t = Math.floorMod(hint + k, n);
      if (t != excluded && downUntil[t] <= now) {
        return t;
      }
    }
    return excluded >= 0 && n > 1 ? Math.floorMod(excluded + 1, n) : Math.floorMod(hint, n);
  }

  private void attempt(Exchange ex, int target) {
    URI to = targets[target];
    RequestOptions request = new RequestOptions()
      .setMethod(HttpMethod.GET)
      .setHost(to.getHost())
      .setPort(to.getPort() > 0 ? to.getPort() : "https".equalsIgnoreCase(to.getScheme()) ? 443 : 80)
      .setURI(window.pathPrefix + ex.uri)
      .setHeaders(ex.headers);
    client.request(request).onComplete(ar -> {
      if (ex.done) {
        if (ar.succeeded()) {
          ar.result().reset();
        }
        return;
      }
      if (ar.failed()) {
        failed(ex, target, FailureKinds.of(ar.cause()));
        return;
      }
      HttpClientRequest req = ar.result();
      ex.request = req;
      req.send().onComplete(sent -> {
        if (ex.done) {
          return;
        }
        if (sent.failed()) {
          failed(ex, target, FailureKinds.of(sent.cause()));
          return;
        }
        HttpClientResponse response = sent.result();
        ex.status = response.statusCode();
        ex.xCache = response.getHeader("X-Cache");
        ex.gzip = "gzip".equalsIgnoreCase(response.getHeader("Content-Encoding"));
        response.handler(chunk -> ex.bytes += chunk.length());
        response.end().onComplete(body -> {
          if (ex.done) {
            return;
          }
          if (body.failed()) {
            fail(ex, FailureKinds.of(body.cause()));
          } else {
            succeed(ex);
          }
        });
      });
    });
  }

  /**
   * With several targets, a request that failed at the connection level before any response goes once to the next
   * target, and the failed one is left out for a second — what a load balancer in front of the gateways does.
   */
  private void failed(Exchange ex, int target, String kind) {
    if (targets.length > 1 && !ex.retried && FailureKinds.isRetriable(kind) && !stopping) {
      ex.retried = true;
      ex.request = null;
      downUntil[target] = System.nanoTime() + TARGET_LEFT_OUT_NANOS;
      window.failovers.incrementAndGet();
      attempt(ex, pickTarget(target + 1, target));
      return;
    }
    fail(ex, kind);
  }

  private void succeed(Exchange ex) {
    long now = System.nanoTime();
    window.statsFor(ex.intended).recordResponse(ex.endpoint, now - ex.intended, now - ex.sent, ex.status, ex.xCache,
      ex.bytes, ex.gzip);
    end(ex, null);
  }

  private void fail(Exchange ex, String kind) {
    long now = System.nanoTime();
    boolean timedOut = kind.equals(FailureKinds.TIMEOUT);
    window.statsFor(ex.intended).recordFailure(ex.endpoint, kind, timedOut ? now - ex.intended : -1, now - ex.sent);
    end(ex, kind);
  }

  private void end(Exchange ex, String failureKind) {
    ex.done = true;
    inFlight.remove(ex);
    inFlightCount = inFlight.size();
    ex.onEnd.accept(failureKind);
    checkDrained();
  }

  private void expireTimedOut() {
    long now = System.nanoTime();
    // In-flight exchanges are in send order and share one timeout, so the oldest expire first.
    Iterator<Exchange> it = inFlight.iterator();
    ArrayList<Exchange> expired = new ArrayList<>();
    while (it.hasNext()) {
      Exchange ex = it.next();
      if (now - ex.sent < timeoutNanos) {
        break;
      }
      expired.add(ex);
    }
    for (Exchange ex : expired) {
      // Recorded first, so the failure the reset causes finds the exchange done and is not counted twice.
      fail(ex, FailureKinds.TIMEOUT);
      if (ex.request != null) {
        // On HTTP/1.1 a reset closes the connection: the pool opens a fresh one for the next request.
        ex.request.reset(0, new TimeoutException("no response within " + window.plan.timeout().toMillis() + " ms"));
      }
    }
  }

  private void checkDrained() {
    if (stopping && inFlight.isEmpty()) {
      drained.tryComplete();
    }
  }

  /** One request on its way. */
  private static final class Exchange {
    final String endpoint;
    final String uri;
    final long intended;
    final long sent;
    final Consumer<String> onEnd;
    HttpClientRequest request;
    boolean done;
    boolean retried;
    int status;
    String xCache;
    boolean gzip;
    long bytes;

    final MultiMap headers;

    Exchange(String endpoint, String uri, long intended, long sent, Consumer<String> onEnd, MultiMap headers) {
      this.headers = headers;
      this.endpoint = endpoint;
      this.uri = uri;
      this.intended = intended;
      this.sent = sent;
      this.onEnd = onEnd;
    }
  }
}
