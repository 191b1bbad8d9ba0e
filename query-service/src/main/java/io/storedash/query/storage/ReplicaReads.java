package io.storedash.query.storage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.storedash.common.DashboardQuery;
import io.storedash.common.Failure;
import io.storedash.query.compute.Computations;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * Dashboard computations on a streaming replica ({@code PG_READ_URL}), with the primary as the fallback
 * (docs/DESIGN.md §12.5).
 * <p>
 * Read-after-write: cache-service keys an answer on the data version it learned from the primary (a {@code data
 * changed} event or {@code data versions}, both after the load committed there), so the answer must come from data
 * at least that new. Each computation therefore reads the dataset version on the primary (one row by primary key)
 * and on the replica, side by side; only when the replica's is at least the primary's does the computation run on
 * the replica — a replica only moves forward, so every later statement of the computation sees that load or a newer
 * one. A replica behind (lag), down, or failing a computation sends the computation to the primary: slower, never
 * stale. After a connection failure the replica is skipped for {@link #RETRY_AFTER_MS}, so a dead replica does not
 * cost every request a failed connection.
 */
public final class ReplicaReads {

  private static final Logger LOG = LoggerFactory.getLogger(ReplicaReads.class);
  /** How long a replica that failed to connect is left alone before the next computation tries it again. */
  public static final long RETRY_AFTER_MS = 5_000;
  /**
   * The dataset version, and who answers: a streaming replica has its primary's system identifier and databases, so
   * a PG_READ_URL that names another cluster, or another database of the same one, is never read from — its
   * versions could be higher than the primary's and its data anything.
   */
  private static final String VERSION = "SELECT v.version, c.system_identifier, current_database() "
    + "FROM dataset_version v, pg_control_system() c";

  /** Why a computation ran where it ran: the label of {@code storedash_query_reads_total}. */
  public enum Route {
    /** On the replica, which had the primary's dataset version. */
    REPLICA,
    /** On the primary: the replica's dataset version was behind the primary's. */
    LAG,
    /** On the primary: the replica did not answer (or was skipped after it did not). */
    REPLICA_DOWN,
    /** On the primary: the computation failed on the replica (e.g. cancelled by a conflict with recovery). */
    REPLICA_FAILED,
    /** On the primary: PG_READ_URL names a database that is not a replica of PG_URL's. */
    NOT_A_REPLICA
  }

  /** A database's dataset version and identity. */
  private record Version(long version, long systemIdentifier, String database) {

    boolean sameDatabase(Version other) {
      return systemIdentifier == other.systemIdentifier && database.equals(other.database);
    }
  }

  private final SqlClient primary;
  private final SqlClient replica;
  private final Computations onPrimary;
  private final Computations onReplica;
  private final LongSupplier clock;
  private final Counter[] routed = new Counter[Route.values().length];
  private final AtomicLong downUntil = new AtomicLong();
  private volatile long lastLag;
  private volatile String lastFailure;
  private volatile boolean notAReplica;

  public ReplicaReads(SqlClient primary, SqlClient replica, ZoneId zone, MeterRegistry registry, LongSupplier clock) {
    this.primary = primary;
    this.replica = replica;
    this.onPrimary = new Computations(primary, zone);
    this.onReplica = new Computations(replica, zone);
    this.clock = clock;
    for (Route route : Route.values()) {
      routed[route.ordinal()] = Counter.builder("storedash_query_reads")
        .description("Dashboard computations by where they ran and why (PG_READ_URL)")
        .tag("route", route.name().toLowerCase(java.util.Locale.ROOT)).register(registry);
    }
    Gauge.builder("storedash_query_replica_up", this, r -> r.replicaSkipped() || r.notAReplica ? 0 : 1)
      .description("1 while the read replica (PG_READ_URL) is used, 0 while computations go to the primary")
      .register(registry);
    Gauge.builder("storedash_query_replica_lag_versions", this, r -> r.lastLag)
      .description("Dataset versions the replica was behind the primary at the last computation").register(registry);
  }

  /** The answer, from the replica when it has the primary's data, else from the primary. */
  public Future<JsonObject> answer(DashboardQuery query) {
    if (replicaSkipped()) {
      return on(Route.REPLICA_DOWN, onPrimary, query);
    }
    Future<Version> primaryVersion = version(primary);
    Future<Version> replicaVersion = version(replica);
    return Future.join(primaryVersion, replicaVersion).transform(ar -> {
      if (primaryVersion.failed()) {
        // The primary is the one that matters: its failure is the answer's (503), as without a replica.
        return onPrimary.answer(query);
      }
      if (replicaVersion.failed()) {
        replicaDown(replicaVersion.cause());
        return on(Route.REPLICA_DOWN, onPrimary, query);
      }
      if (!primaryVersion.result().sameDatabase(replicaVersion.result())) {
        if (!notAReplica) {
          LOG.error("PG_READ_URL is not a replica of PG_URL (system identifier {} database {}, the primary's {} {}): "
              + "computing on the primary", replicaVersion.result().systemIdentifier(), replicaVersion.result().database(),
            primaryVersion.result().systemIdentifier(), primaryVersion.result().database());
        }
        notAReplica = true;
        return on(Route.NOT_A_REPLICA, onPrimary, query);
      }
      notAReplica = false;
      long lag = primaryVersion.result().version() - replicaVersion.result().version();
      lastLag = Math.max(0, lag);
      if (lag > 0) {
        return on(Route.LAG, onPrimary, query);
      }
      return on(Route.REPLICA, onReplica, query).recover(failure -> {
        if (failure instanceof ReplyException reply && reply.failureCode() < Failure.BUG.code()) {
          return Future.failedFuture(failure);
        }
        if (failure instanceof ReplyException reply && reply.failureCode() == Failure.DEPENDENCY_DOWN.code()) {
          replicaDown(failure);
        } else {
          LOG.debug("computation of {} failed on the replica, computing on the primary: {}", query, failure.getMessage());
        }
        return on(Route.REPLICA_FAILED, onPrimary, query);
      });
    });
  }

  /** {@code {"up": true, "lag_versions": 0}} or {@code {"up": false, "reason": ...}} for the readiness details. */
  public JsonObject status() {
    JsonObject status = new JsonObject().put("up", !replicaSkipped() && !notAReplica).put("lag_versions", lastLag);
    if (notAReplica) {
      status.put("reason", "PG_READ_URL is not a replica of PG_URL");
    } else if (replicaSkipped() && lastFailure != null) {
      status.put("reason", lastFailure);
    }
    return status;
  }

  private boolean replicaSkipped() {
    return clock.getAsLong() < downUntil.get();
  }

  private void replicaDown(Throwable failure) {
    lastFailure = failure.getMessage();
    long previous = downUntil.getAndSet(clock.getAsLong() + RETRY_AFTER_MS);
    if (previous == 0 || clock.getAsLong() >= previous) {
      LOG.warn("read replica does not answer ({}): computing on the primary, trying the replica again in {} ms",
        failure.getMessage(), RETRY_AFTER_MS);
    }
  }

  private Future<JsonObject> on(Route route, Computations computations, DashboardQuery query) {
    routed[route.ordinal()].increment();
    return computations.answer(query);
  }

  private static Future<Version> version(SqlClient client) {
    return client.query(VERSION).execute().map(rows -> {
      io.vertx.sqlclient.Row row = rows.iterator().next();
      return new Version(row.getLong(0), row.getLong(1), row.getString(2));
    });
  }
}
