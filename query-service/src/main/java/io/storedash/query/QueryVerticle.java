package io.storedash.query;

import io.storedash.common.Addresses;
import io.storedash.common.DashboardQuery;
import io.storedash.common.DashboardReply;
import io.storedash.common.Failure;
import io.storedash.common.ImportProtocol;
import io.storedash.common.bootstrap.ServiceContext;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.security.Redaction;
import io.storedash.common.RequestHeaders;
import io.storedash.query.actions.ActionSettings;
import io.storedash.query.admission.Admission;
import io.storedash.query.admission.AdmissionCost;
import io.storedash.query.compute.ComputeStats;
import io.storedash.query.compute.Computations;
import io.storedash.query.ingest.ImportHistory;
import io.storedash.query.ingest.ImportSessions;
import io.storedash.query.storage.DataVersions;
import io.storedash.query.storage.Migrations;
import io.storedash.query.storage.PgPools;
import io.storedash.query.storage.ReplicaReads;
import io.storedash.query.storage.StorageFailures;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * query-service: migrates the schema, then answers {@code dashboard compute} (results computed from the rollups,
 * serialized once, replied as bytes), {@code data versions} and {@code import} (CSV files streamed in sessions, see
 * {@link ImportProtocol}) on the event bus. Starts only when PostgreSQL is migrated and every consumer is registered.
 */
public final class QueryVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(QueryVerticle.class);
  /** Import sessions each instance holds at once (one connection each). */
  private static final int IMPORT_SESSIONS = 2;
  /** The pool every instance of this verticle in one process shares. */
  private static final String POOL_NAME = "query-service-pg";
  /** The read replica's pool (PG_READ_URL), shared like the primary's. */
  private static final String REPLICA_POOL_NAME = "query-service-pg-read";

  private final ServiceContext context;
  private final ComputeStats stats;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private Pool pool;
  private Pool importPool;
  private ImportSessions imports;
  private Computations computations;
  /** Where dashboards are computed: {@link #computations} on the primary, or {@link ReplicaReads}. */
  private Function<DashboardQuery, Future<JsonObject>> answers;
  private Pool replicaPool;
  private ReplicaReads replicaReads;
  private ChannelAdmin channelAdmin;
  private ActionSettings actionSettings;
  private ImportHistory importHistory;
  private Admission admission;

  public QueryVerticle(ServiceContext context) {
    this.context = context;
    this.stats = ComputeStats.of(context);
  }

  @Override
  public Future<?> start() {
    StoreDashConfig config = context.config();
    return vertx.executeBlocking(() -> Migrations.migrate(config))
      .compose(migrated -> {
        pool = PgPools.create(vertx, config, config.pgPoolSize(), POOL_NAME);
        computations = new Computations(pool, config.timezone());
        admission = new Admission(vertx, config.load().admissionBudget(), config.load().admissionClientBudget(),
          Admission.MAX_WAIT, context.meterRegistry());
        answers = computations::answer;
        replicaPool = PgPools.createReplica(vertx, config, config.pgPoolSize(), REPLICA_POOL_NAME).orElse(null);
        if (replicaPool != null) {
          replicaReads = new ReplicaReads(pool, replicaPool, config.timezone(), context.meterRegistry(),
            System::currentTimeMillis);
          answers = replicaReads::answer;
        }
        channelAdmin = new ChannelAdmin(vertx, context.signatures(), pool);
        actionSettings = new ActionSettings(pool);
        importHistory = new ImportHistory(vertx, context.signatures(), pool);
        // Imports hold a connection for as long as an upload lasts: they get their own, so dashboards keep theirs.
        importPool = PgPools.create(vertx, config, IMPORT_SESSIONS, null);
        imports = new ImportSessions(vertx, context.signatures(), importPool, config.timezone(), ImportProtocol.MAX_FILE_BYTES,
          ImportProtocol.IDLE_TIMEOUT_MS, IMPORT_SESSIONS, context::draining, context.inFlight(), context.meterRegistry());
        // Workbooks a killed instance was importing would stay in the temporary directory with their personal columns.
        vertx.executeBlocking(() -> io.storedash.query.ingest.csv.CsvImportParser.deleteStaleSpools(
            java.nio.file.Path.of(System.getProperty("java.io.tmpdir")), java.time.Duration.ofHours(1), java.time.Instant.now()))
          .onSuccess(n -> {
            if (n > 0) {
              LOG.info("deleted {} temporary workbook copies left by an import that never ended", n);
            }
          });
        context.readinessCheck("postgres", this::checkPostgres);
        context.heartbeatStats(() -> stats.toJson().put("imports", imports.active()).put("admission", admission.toJson()));
        return Future.all(
          register(Addresses.DASHBOARD_COMPUTE, this::compute),
          register(Addresses.DATA_VERSIONS, this::versions),
          // A change of a fee flag rewrites figures; the list is signed too, so the address has one rule.
          register(Addresses.CHANNELS, context.signatures().verified(Addresses.CHANNELS, this::channels)),
          register(Addresses.ACTION_SETTINGS, context.signatures().verified(Addresses.ACTION_SETTINGS,
            message -> command(message, actionSettings::handle))),
          // The history names who imported what; the undo rewrites figures.
          register(Addresses.IMPORT_HISTORY, context.signatures().verified(Addresses.IMPORT_HISTORY, this::importHistory)),
          imports.register(Addresses.IMPORT));
      })
      .onSuccess(v -> LOG.info("query-service consuming {}, {} and {} with PostgreSQL {} (dashboards read from {})",
        Addresses.DASHBOARD_COMPUTE, Addresses.DATA_VERSIONS, Addresses.IMPORT, PgPools.describe(config),
        replicaPool == null ? "it" : "the replica " + PgPools.describeReplica(config)));
  }

  private Future<Void> register(String address, Handler<Message<Object>> handler) {
    MessageConsumer<Object> consumer = vertx.eventBus().consumer(address, handler);
    consumers.add(consumer);
    return consumer.completion();
  }

  @Override
  public Future<?> stop() {
    // Stop taking requests, answer those in flight, roll back unfinished imports, then let the connections go.
    return Future.join(consumers.stream().map(MessageConsumer::unregister).toList())
      .transform(ar -> context.drained())
      .eventually(() -> imports == null ? Future.succeededFuture() : imports.close())
      .eventually(() -> importPool == null ? Future.succeededFuture() : importPool.close())
      .eventually(() -> replicaPool == null ? Future.succeededFuture() : replicaPool.close())
      .eventually(() -> pool == null ? Future.succeededFuture() : pool.close());
  }

  private void compute(Message<Object> message) {
    long started = System.nanoTime();
    if (context.draining()) {
      message.fail(Failure.DEPENDENCY_DOWN.code(), "this query-service instance is shutting down; retry");
      return;
    }
    DashboardQuery query;
    try {
      query = DashboardQuery.fromJson(asJson(message.body()));
    } catch (IllegalArgumentException e) {
      stats.failed();
      message.fail(Failure.BAD_REQUEST.code(), e.getMessage());
      return;
    }
    // Admitted first (docs/DESIGN.md §12.3): a computation over the budgets is shed with 429 before it costs anything.
    String client = clientOf(message);
    DashboardQuery asked = query;
    context.inFlight().track(admission.admit(client, AdmissionCost.of(query, admission.maxCost()))
      .compose(ticket -> answer(asked).onComplete(done -> ticket.release()))).onComplete(ar -> {
      if (ar.succeeded()) {
        Buffer bytes = ar.result().toBuffer();
        long nanos = System.nanoTime() - started;
        stats.computed(nanos);
        context.meterRegistry().timer("storedash_query_compute", "kind", query.kind().wireName())
          .record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
        DashboardReply.computed(bytes, String.format(Locale.ROOT, "%.1f", nanos / 1_000_000.0)).replyTo(message);
      } else {
        ReplyException failure = StorageFailures.asReply(ar.cause());
        if (failure.failureCode() != Failure.OVERLOADED.code()) {
          stats.failed();
        }
        if (failure.failureCode() >= Failure.BUG.code()) {
          LOG.warn("compute {} failed with {}: {}", query, failure.failureCode(), failure.getMessage());
        }
        message.fail(failure.failureCode(), failure.getMessage());
      }
    });
  }

  /** The computation; one that throws fails, so its admission ticket is released all the same. */
  private Future<io.vertx.core.json.JsonObject> answer(DashboardQuery query) {
    try {
      return answers.apply(query);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** The client the gateway named (cut to its longest), or null for a service's own work. */
  private static String clientOf(Message<Object> message) {
    String client = message.headers().get(RequestHeaders.CLIENT);
    if (client == null || client.isEmpty()) {
      return null;
    }
    return client.length() > RequestHeaders.MAX_CLIENT_LENGTH ? client.substring(0, RequestHeaders.MAX_CLIENT_LENGTH) : client;
  }

  private void channels(Message<Object> message) {
    command(message, channelAdmin::handle);
  }

  private void importHistory(Message<Object> message) {
    command(message, importHistory::handle);
  }

  /** A JSON command answered by {@code handler}: its result, or its failure's code and sentence. */
  private void command(Message<Object> message, Function<JsonObject, Future<JsonObject>> handler) {
    JsonObject command;
    try {
      command = asJson(message.body());
    } catch (IllegalArgumentException e) {
      message.fail(Failure.BAD_REQUEST.code(), e.getMessage());
      return;
    }
    context.inFlight().track(handler.apply(command)).onComplete(ar -> {
      if (ar.succeeded()) {
        message.reply(ar.result());
      } else {
        ReplyException failure = StorageFailures.asReply(ar.cause());
        message.fail(failure.failureCode(), failure.getMessage());
      }
    });
  }

  private void versions(Message<Object> message) {
    context.inFlight().track(DataVersions.current(pool)).onComplete(ar -> {
      if (ar.succeeded()) {
        message.reply(ar.result());
      } else {
        ReplyException failure = StorageFailures.asReply(ar.cause());
        LOG.warn("data versions failed with {}: {}", failure.failureCode(), failure.getMessage());
        message.fail(failure.failureCode(), failure.getMessage());
      }
    });
  }

  private void checkPostgres(Promise<Status> promise) {
    long started = System.nanoTime();
    pool.query("SELECT 1").execute().onComplete(ar -> {
      if (ar.succeeded()) {
        double ms = (System.nanoTime() - started) / 1_000_000.0;
        JsonObject details = new JsonObject().put("latency_ms", Math.round(ms * 100) / 100.0);
        if (replicaReads != null) {
          // A replica that is down degrades, never fails, readiness: the primary computes meanwhile (§12.5).
          details.put("replica", replicaReads.status().put("at", PgPools.describeReplica(context.config())));
        }
        promise.tryComplete(Status.OK(details));
      } else {
        promise.tryComplete(Status.KO(new JsonObject().put("reason", "PostgreSQL " + PgPools.describe(context.config())
          + " does not answer: " + Redaction.message(ar.cause()))));
      }
    });
  }

  /** The query JSON; a Buffer or String body is parsed, so a caller that sends bytes is served too. */
  private static JsonObject asJson(Object body) {
    try {
      if (body instanceof JsonObject json) {
        return json;
      }
      if (body instanceof Buffer buffer) {
        return new JsonObject(buffer);
      }
      if (body instanceof String text) {
        return new JsonObject(text);
      }
    } catch (DecodeException e) {
      throw new IllegalArgumentException("a dashboard query must be a JSON object: " + e.getMessage());
    }
    throw new IllegalArgumentException("a dashboard query must be a JSON object");
  }
}
