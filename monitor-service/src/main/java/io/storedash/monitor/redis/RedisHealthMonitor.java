package io.storedash.monitor.redis;

import io.storedash.common.redis.RedisClients;
import io.storedash.common.redis.RedisEndpoints;
import io.storedash.common.security.Redaction;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisRole;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watches the health of one Redis server (never its data): a full check (PING, INFO
 * server/memory/stats/clients/keyspace/replication, CONFIG GET maxmemory and maxmemory-policy, and for a plain
 * {@code redis://} server a PING without a password, {@link UnauthenticatedPing}) at start-up and every
 * MONITOR_INTERVAL, and a light PING every {@link #PROBE_INTERVAL} on a connection of its own. The server is the one
 * {@code REDIS_URL} names, the master that its Sentinels name (which one is in use is reported, and a connection
 * that ends up on a demoted master is dropped), or one master of a Redis Cluster, for {@link RedisClusterMonitor}.
 *
 * <p>A lost connection is noticed when it happens (the connection's end and exception handlers) or by the next
 * PING; the monitor then reconnects up to {@link #MAX_RECONNECT_ATTEMPTS} times with a doubling backoff, reports
 * Redis down, and keeps trying one connection per probe so that a Redis that returns is seen within seconds.
 * Everything runs on the event loop of the verticle that created the monitor.
 */
public final class RedisHealthMonitor implements RedisHealth {

  public enum State {
    /** The first connection is being opened. */
    CONNECTING,
    UP,
    /** The connection was lost; reconnect attempts are under way. */
    RECONNECTING,
    /** Unreachable after the reconnect attempts; one connection is tried per probe. */
    DOWN,
    /** Some masters of a Redis Cluster are down, others up (only {@link RedisClusterMonitor} reports it). */
    DEGRADED;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public static final int MAX_RECONNECT_ATTEMPTS = 3;
  static final long FIRST_BACKOFF_MS = 500;
  /** Short enough that a Redis that goes down or comes back is reported within 10 s, whatever MONITOR_INTERVAL is. */
  static final Duration PROBE_INTERVAL = Duration.ofSeconds(2);
  static final long COMMAND_TIMEOUT_MS = 2_000;
  private static final int ERRORS_KEPT = 5;

  private static final Logger LOG = LoggerFactory.getLogger(RedisHealthMonitor.class);

  private final Vertx vertx;
  private final Redis client;
  private final String endpoint;
  private final Duration fullInterval;
  private final RedisEndpoints.Mode mode;
  /** The Sentinels, asked which master is in use; null unless REDIS_URL names a Sentinel set. */
  private final Redis sentinels;
  private final String masterName;
  private final List<String> sentinelAddresses;
  /** Whether the server serves clients without a password; null for Sentinel and cluster URLs, TLS and Unix sockets. */
  private final UnauthenticatedPing unauthenticated;
  private UnauthenticatedPing.Access access;

  private RedisConnection connection;
  private volatile State state = State.CONNECTING;
  private boolean connecting;
  private boolean closed;
  private long probeTimer = -1;
  private long fullTimer = -1;

  private RedisReading reading;
  private RedisReading previousReading;
  private Double latencyMs;
  private Instant lastCheck;
  private Instant lastPing;
  private Instant downSince;
  private String configNote;
  private Long keys;
  private String role;
  private String runId;
  private String clusterState;
  private String sentinelMaster;
  private int reconnectAttempt;
  private final Deque<JsonObject> errors = new ArrayDeque<>();
  private final AtomicLong checks = new AtomicLong();
  private final AtomicLong checkFailures = new AtomicLong();
  private final AtomicLong reconnects = new AtomicLong();

  /** The server, or the Sentinels' master, that REDIS_URL names; a Redis Cluster is watched by {@link RedisClusterMonitor}. */
  public RedisHealthMonitor(Vertx vertx, String redisUrl, Duration fullInterval) {
    this(vertx, RedisEndpoints.parse(redisUrl), null, fullInterval);
  }

  /**
   * @param node {@code host:port} of one master of a Redis Cluster; null for what {@code endpoints} name
   */
  RedisHealthMonitor(Vertx vertx, RedisEndpoints endpoints, String node, Duration fullInterval) {
    if (node == null && endpoints.mode() == RedisEndpoints.Mode.CLUSTER) {
      throw new IllegalArgumentException("a Redis Cluster is watched per master, by RedisClusterMonitor");
    }
    this.vertx = vertx;
    this.mode = endpoints.mode();
    this.endpoint = node != null ? node : endpoints.describe();
    this.fullInterval = fullInterval;
    this.masterName = endpoints.masterName();
    this.sentinelAddresses = endpoints.hostPorts();
    this.unauthenticated = node == null && mode == RedisEndpoints.Mode.STANDALONE && !endpoints.hostPorts().isEmpty()
      ? UnauthenticatedPing.forUrl(vertx, endpoints.url(), endpoints.hostPorts().get(0), COMMAND_TIMEOUT_MS)
      : null;
    RedisOptions options = (node != null ? RedisClients.nodeOptions(endpoints, node) : RedisClients.options(endpoints))
      .setMaxPoolSize(2).setMaxPoolWaiting(4);
    options.getNetClientOptions().setConnectTimeout((int) COMMAND_TIMEOUT_MS);
    this.client = Redis.createClient(vertx, options);
    if (mode == RedisEndpoints.Mode.SENTINEL) {
      RedisOptions sentinelOptions = RedisClients.options(endpoints).setRole(RedisRole.SENTINEL).setMaxPoolSize(1).setMaxPoolWaiting(4);
      sentinelOptions.getNetClientOptions().setConnectTimeout((int) COMMAND_TIMEOUT_MS);
      this.sentinels = Redis.createClient(vertx, sentinelOptions);
    } else {
      this.sentinels = null;
    }
  }

  /**
   * Runs the start-up check and starts the periodic ones. Never fails: an unreachable Redis is reported, not fatal,
   * so that ops can read the monitor while Redis is down.
   */
  @Override
  public Future<Void> start() {
    probeTimer = vertx.setPeriodic(PROBE_INTERVAL.toMillis(), id -> probe());
    fullTimer = vertx.setPeriodic(fullInterval.toMillis(), id -> periodicCheck());
    return connectAndCheck()
      .recover(e -> {
        markDown(e);
        return Future.succeededFuture();
      })
      .mapEmpty();
  }

  @Override
  public Future<Void> close() {
    closed = true;
    vertx.cancelTimer(probeTimer);
    vertx.cancelTimer(fullTimer);
    RedisConnection open = connection;
    connection = null;
    Future<Void> closing = open == null ? Future.succeededFuture() : open.close().otherwiseEmpty();
    if (unauthenticated != null) {
      closing = Future.join(closing, unauthenticated.close().otherwiseEmpty()).mapEmpty();
    }
    return closing.eventually(() -> sentinels == null ? client.close() : Future.join(client.close(), sentinels.close()).mapEmpty());
  }

  /** The host:port this monitor watches (a cluster master), or what REDIS_URL names. */
  public String endpoint() {
    return endpoint;
  }

  @Override
  public State state() {
    return state;
  }

  @Override
  public boolean connected() {
    return state == State.UP;
  }

  /** Counters for this service's heartbeat. */
  @Override
  public JsonObject stats() {
    return new JsonObject()
      .put("state", state.label())
      .put("checks", checks.get())
      .put("check_failures", checkFailures.get())
      .put("reconnects", reconnects.get());
  }

  // ---- connection life cycle -------------------------------------------------------------------------------------

  /**
   * Opens a connection and runs a full check on it. Fails only when no connection could be opened: a check that
   * fails on a fresh connection is handled as a lost connection.
   */
  private Future<Void> connectAndCheck() {
    connecting = true;
    return connect()
      .compose(conn -> {
        if (state == State.DOWN || state == State.RECONNECTING) {
          reconnects.incrementAndGet();
          LOG.info("Redis {} reachable again (unreachable since {})", endpoint, downSince);
        }
        state = State.UP;
        downSince = null;
        return fullCheck().otherwiseEmpty();
      })
      .andThen(ar -> connecting = false);
  }

  /** One connection, with its own deadline: a Redis that accepts TCP but never answers must not hang the monitor. */
  private Future<RedisConnection> connect() {
    Promise<RedisConnection> promise = Promise.promise();
    long deadline = vertx.setTimer(COMMAND_TIMEOUT_MS * 2, t ->
      promise.tryFail(new TimeoutException("no connection to Redis " + endpoint + " within " + COMMAND_TIMEOUT_MS * 2 + " ms")));
    client.connect().onComplete(ar -> {
      vertx.cancelTimer(deadline);
      if (ar.failed()) {
        promise.tryFail(ar.cause());
        return;
      }
      RedisConnection conn = ar.result();
      if (closed || promise.future().isComplete()) {
        // Closed meanwhile, or the deadline passed first: this late connection is not used.
        conn.close();
        promise.tryFail("the Redis health monitor is closed");
        return;
      }
      // In place before the promise completes: its continuations run at once and use the connection.
      connection = conn;
      conn.exceptionHandler(e -> lost(conn, e));
      conn.endHandler(v -> lost(conn, new IllegalStateException("connection closed by Redis")));
      promise.complete(conn);
    });
    return promise.future();
  }

  /** The connection in use failed or was closed: start reconnecting. Events of older connections are ignored. */
  private void lost(RedisConnection conn, Throwable cause) {
    if (closed || conn != connection) {
      return;
    }
    connection = null;
    latencyMs = null;
    conn.close();
    recordError("connection lost: " + describe(cause));
    if (state == State.UP) {
      LOG.warn("Redis {} connection lost ({}); reconnecting up to {} times", endpoint, describe(cause), MAX_RECONNECT_ATTEMPTS);
      state = State.RECONNECTING;
      downSince = Instant.now();
      scheduleReconnect(cause);
    }
  }

  /**
   * The next reconnect attempt after a backoff of 0.5, 1, 2 s; once the attempts are used up, Redis is down. The
   * attempt count is reset only by a clean full check, so a Redis that accepts connections but fails every check
   * still ends up reported down.
   */
  private void scheduleReconnect(Throwable cause) {
    if (reconnectAttempt >= MAX_RECONNECT_ATTEMPTS) {
      markDown(cause);
      return;
    }
    reconnectAttempt++;
    long delay = FIRST_BACKOFF_MS << (reconnectAttempt - 1);
    vertx.setTimer(delay, t -> {
      if (closed || state != State.RECONNECTING) {
        return;
      }
      connectAndCheck().onFailure(e -> {
        recordError("reconnect attempt " + reconnectAttempt + "/" + MAX_RECONNECT_ATTEMPTS + " failed: " + describe(e));
        LOG.info("Redis {} reconnect attempt {}/{} failed: {}", endpoint, reconnectAttempt, MAX_RECONNECT_ATTEMPTS, describe(e));
        if (state == State.RECONNECTING) {
          scheduleReconnect(e);
        }
      });
    });
  }

  private void markDown(Throwable cause) {
    if (state != State.DOWN) {
      LOG.warn("Redis {} is down: {}", endpoint, describe(cause));
    }
    if (downSince == null) {
      downSince = Instant.now();
    }
    recordError("unreachable: " + describe(cause));
    state = State.DOWN;
  }

  // ---- checks ----------------------------------------------------------------------------------------------------

  /** Every PROBE_INTERVAL: a PING when connected, one connection attempt when down. */
  private void probe() {
    if (closed || connecting) {
      return;
    }
    if (state == State.UP && connection != null) {
      RedisConnection conn = connection;
      ping(conn).onFailure(e -> lost(conn, e));
    } else if (state == State.DOWN) {
      connectAndCheck().onFailure(e -> LOG.debug("Redis {} still down: {}", endpoint, describe(e)));
    }
  }

  private void periodicCheck() {
    if (closed || connecting) {
      return;
    }
    if (state == State.UP) {
      fullCheck();
    } else if (state == State.DOWN) {
      connectAndCheck().onFailure(e -> recordError("unreachable: " + describe(e)));
    }
  }

  private Future<Double> ping(RedisConnection conn) {
    long started = System.nanoTime();
    return timed(RedisAPI.api(conn).ping(List.of())).map(pong -> {
      double millis = (System.nanoTime() - started) / 1e6;
      latencyMs = millis;
      lastPing = Instant.now();
      return millis;
    });
  }

  /**
   * PING, INFO and CONFIG GET. A failed PING is a lost connection (the future fails); a refused CONFIG is tolerated
   * (maxmemory and the policy are then read from INFO); a failed INFO is recorded as an error of the check.
   */
  private Future<Void> fullCheck() {
    RedisConnection conn = connection;
    if (conn == null) {
      return Future.failedFuture("no connection to Redis " + endpoint);
    }
    checks.incrementAndGet();
    RedisAPI api = RedisAPI.api(conn);
    return ping(conn)
      .compose(pingMillis -> {
        List<Future<Response>> infos = new ArrayList<>(List.of(
          timed(api.info(List.of("server"))), timed(api.info(List.of("memory"))),
          timed(api.info(List.of("stats"))), timed(api.info(List.of("clients"))),
          timed(api.info(List.of("keyspace"))), timed(api.info(List.of("replication")))));
        Future<Response> maxmemory = timed(api.config(List.of("GET", "maxmemory")));
        Future<Response> policy = timed(api.config(List.of("GET", "maxmemory-policy")));
        Future<Response> cluster = mode == RedisEndpoints.Mode.CLUSTER ? timed(api.cluster(List.of("INFO"))) : Future.succeededFuture();
        Future<Response> master = sentinels == null ? Future.succeededFuture()
          : timed(sentinels.send(Request.cmd(Command.SENTINEL).arg("MASTER").arg(masterName)));
        Future<UnauthenticatedPing.Access> withoutPassword = unauthenticated == null ? Future.succeededFuture()
          : unauthenticated.probe().onSuccess(result -> access = result);
        List<Future<?>> all = new ArrayList<>(infos);
        all.addAll(List.of(maxmemory, policy, cluster, master, withoutPassword));
        return Future.join(all)
          .transform(ignored -> {
            record(pingMillis, infos, maxmemory, policy);
            recordTopology(conn, cluster, master);
            return Future.<Void>succeededFuture();
          });
      })
      .onFailure(e -> {
        checkFailures.incrementAndGet();
        lost(conn, e);
      });
  }

  private void record(double pingMillis, List<Future<Response>> infos, Future<Response> maxmemory, Future<Response> policy) {
    int failed = 0;
    String[] texts = new String[infos.size()];
    for (int i = 0; i < infos.size(); i++) {
      Future<Response> info = infos.get(i);
      if (info.succeeded() && info.result() != null) {
        texts[i] = info.result().toString();
      } else {
        failed++;
        recordError("INFO failed: " + describe(info.cause()));
      }
    }
    if (failed == infos.size()) {
      // Nothing was read (the connection died mid-check, or INFO is forbidden): keep the last figures.
      checkFailures.incrementAndGet();
      return;
    }
    String configuredMax = maxmemory.succeeded() ? configValue(maxmemory.result(), "maxmemory") : null;
    String configuredPolicy = policy.succeeded() ? configValue(policy.result(), "maxmemory-policy") : null;
    Long configMax = null;
    if (configuredMax != null) {
      try {
        configMax = Long.parseLong(configuredMax);
      } catch (NumberFormatException e) {
        configMax = null;
      }
    }
    if (maxmemory.failed() || policy.failed()) {
      Throwable cause = maxmemory.failed() ? maxmemory.cause() : policy.cause();
      configNote = "CONFIG GET refused (" + describe(cause) + "); maxmemory and policy read from INFO memory";
    } else {
      configNote = null;
    }
    RedisInfo info = RedisInfo.parse(texts);
    keys = info.keys();
    role = info.role();
    runId = info.text("run_id");
    RedisReading next = RedisReading.of(info, configMax, configuredPolicy, pingMillis);
    previousReading = reading;
    reading = next;
    lastCheck = Instant.now();
    if (failed > 0) {
      checkFailures.incrementAndGet();
    } else {
      // A clean check ends the episode: errors[] shows what is wrong now, not what was wrong an hour ago.
      errors.clear();
      reconnectAttempt = 0;
    }
  }

  /**
   * The cluster's state as this master sees it; which master the Sentinels name. A connection to another server than
   * that (after a failover the old master may call itself master for a while) or to a replica is dropped: the
   * reconnect reaches the current master. Servers are told apart by run id, which address translation cannot change.
   */
  private void recordTopology(RedisConnection conn, Future<Response> cluster, Future<Response> master) {
    if (mode == RedisEndpoints.Mode.CLUSTER) {
      clusterState = cluster.succeeded() && cluster.result() != null
        ? RedisInfo.parse(cluster.result().toString()).text("cluster_state") : null;
    }
    if (sentinels == null) {
      return;
    }
    String masterRunId = null;
    if (master.succeeded() && master.result() != null) {
      sentinelMaster = configValue(master.result(), "ip") + ":" + configValue(master.result(), "port");
      masterRunId = configValue(master.result(), "runid");
    } else {
      recordError("the Sentinels did not describe the master " + masterName + ": "
        + (master.failed() ? describe(master.cause()) : "unknown master name"));
    }
    if (role != null && !"master".equals(role)) {
      lost(conn, new IllegalStateException("connected to a " + role + ", not the master: a failover moved the master to "
        + (sentinelMaster == null ? "another server" : sentinelMaster)));
    } else if (masterRunId != null && !masterRunId.isEmpty() && runId != null && !runId.equals(masterRunId)) {
      lost(conn, new IllegalStateException("connected to a server that is not the master the Sentinels name ("
        + sentinelMaster + "): a failover moved the master"));
    }
  }

  /** CONFIG GET (and SENTINEL MASTER) answer a map under RESP3 and a flat [name, value] array under RESP2. */
  private static String configValue(Response response, String name) {
    if (response == null) {
      return null;
    }
    if (response.type() == ResponseType.MULTI && response.isMap()) {
      Response value = response.get(name);
      return value == null ? null : value.toString();
    }
    for (int i = 0; i + 1 < response.size(); i += 2) {
      if (name.equalsIgnoreCase(response.get(i).toString())) {
        Response value = response.get(i + 1);
        return value == null ? null : value.toString();
      }
    }
    return null;
  }

  private <T> Future<T> timed(Future<T> command) {
    return command.timeout(COMMAND_TIMEOUT_MS, TimeUnit.MILLISECONDS);
  }

  private void recordError(String message) {
    errors.addLast(new JsonObject().put("at", Instant.now().toString()).put("message", message));
    while (errors.size() > ERRORS_KEPT) {
      errors.removeFirst();
    }
  }

  // ---- snapshot --------------------------------------------------------------------------------------------------

  /**
   * The Redis part of the monitor snapshot. When Redis is not connected, the figures are those of the last check
   * (marked by {@code last_check}) and no warnings are raised from them.
   */
  @Override
  public JsonObject snapshot() {
    JsonObject json = new JsonObject()
      .put("endpoint", endpoint)
      .put("connected", state == State.UP)
      .put("state", state.label())
      .put("down_since", downSince == null ? null : downSince.toString())
      .put("reconnect_attempts", reconnectAttempt)
      .put("max_reconnect_attempts", MAX_RECONNECT_ATTEMPTS)
      .put("reconnects", reconnects.get())
      .put("latency_ms", latencyMs == null ? null : round(latencyMs, 2))
      .put("last_check", lastCheck == null ? null : lastCheck.toString())
      .put("last_ping", lastPing == null ? null : lastPing.toString());
    RedisReading r = reading;
    JsonArray warnings = new JsonArray();
    if (r != null) {
      json
        .put("version", r.version())
        .put("memory", new JsonObject()
          .put("used_mb", megabytes(r.usedMemory()))
          .put("max_mb", r.hasMaxmemory() ? megabytes(r.maxmemory()) : null)
          .put("usage_percent", r.usagePercent() == null ? null : round(r.usagePercent(), 1))
          .put("rss_mb", megabytes(r.usedMemoryRss())))
        .put("config", new JsonObject()
          .put("maxmemory", r.maxmemory())
          .put("maxmemory_policy", r.maxmemoryPolicy())
          .put("source", r.configReadable() ? "config" : "info")
          .put("note", configNote))
        .put("fragmentation", r.fragmentationRatio())
        .put("evictions", r.evictedKeys())
        .put("clients", new JsonObject()
          .put("connected", r.connectedClients())
          .put("blocked", r.blockedClients())
          .put("rejected", r.rejectedConnections()))
        .put("keyspace_hits", r.keyspaceHits())
        .put("keyspace_misses", r.keyspaceMisses())
        .put("hit_rate", r.hitRate() == null ? null : round(r.hitRate(), 4))
        .put("uptime_s", r.uptimeSeconds())
        .put("keys", keys)
        .put("role", role)
        .put("run_id", runId)
        .put("password_required", access == null || access == UnauthenticatedPing.Access.UNKNOWN ? null
          : access == UnauthenticatedPing.Access.PASSWORD_REQUIRED);
      if (state == State.UP) {
        List<RedisAlert> alerts = new ArrayList<>(RedisAlerts.classify(latencyMs == null ? r : r.withPing(latencyMs), previousReading));
        if (access == UnauthenticatedPing.Access.OPEN) {
          alerts.add(RedisAlerts.openAccess(endpoint));
        }
        for (RedisAlert alert : alerts) {
          warnings.add(new JsonObject()
            .put("level", alert.level().label())
            .put("code", alert.code())
            .put("message", alert.message())
            .put("value", alert.value())
            .put("threshold", alert.threshold()));
        }
      }
    }
    if (mode == RedisEndpoints.Mode.CLUSTER) {
      json.put("cluster_state", clusterState);
    } else {
      json.put("topology", mode.name().toLowerCase(Locale.ROOT));
    }
    if (mode == RedisEndpoints.Mode.SENTINEL) {
      json.put("master_name", masterName).put("master", sentinelMaster).put("sentinels", new JsonArray(new ArrayList<>(sentinelAddresses)));
    }
    JsonArray errorList = new JsonArray();
    errors.forEach(e -> errorList.add(e.copy()));
    return json.put("warnings", warnings).put("errors", errorList);
  }

  private static Double megabytes(Long bytes) {
    return bytes == null ? null : round(bytes / 1048576.0, 1);
  }

  private static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }

  /** Redacted: the message is logged and shown in the monitor snapshot. */
  private static String describe(Throwable e) {
    return Redaction.message(e);
  }
}
