package io.storedash.common.client;

import io.storedash.common.Addresses;
import io.storedash.common.DashboardQuery;
import io.storedash.common.DashboardReply;
import io.storedash.common.ServiceNames;
import io.storedash.common.client.impl.QueryClientImpl;
import io.storedash.common.security.MessageSignatures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

/**
 * query-service as its callers see it. A failure is the service's own {@code ReplyException} (its {@code Failure}
 * code and sentence), or a {@link DownstreamFailure} when no instance runs, it did not answer in time, or the
 * caller's breaker is open.
 */
public interface QueryClient {

  /** How long {@link #dataVersions()} waits: a cache that starts asks again soon rather than wait long. */
  Duration VERSIONS_TIMEOUT = Duration.ofSeconds(2);

  /** Over the event bus; a computation may take up to {@code timeout}. */
  static QueryClient create(Vertx vertx, MessageSignatures signatures, Duration timeout) {
    return create(ServiceRequests.eventBus(vertx, ServiceNames.QUERY), signatures, timeout);
  }

  /** Through {@code via}, the caller's breaker to query-service. */
  static QueryClient create(ServiceRequests via, MessageSignatures signatures, Duration timeout) {
    return new QueryClientImpl(via, signatures, timeout);
  }

  /** Computes a dashboard view from PostgreSQL ({@link Addresses#DASHBOARD_COMPUTE}): the result JSON bytes. */
  default Future<DashboardReply> compute(DashboardQuery query) {
    return compute(query, null);
  }

  /**
   * As {@link #compute(DashboardQuery)}, charged to {@code client}'s admission budget
   * ({@link io.storedash.common.RequestHeaders#CLIENT}; null: the instance's budget only). Fails with
   * {@link io.storedash.common.Failure#OVERLOADED} when a budget is spent (docs/DESIGN.md §12.3).
   */
  Future<DashboardReply> compute(DashboardQuery query, String client);

  /**
   * The sales channels and their fee flags, or a change of a flag ({@link Addresses#CHANNELS}); signed with the
   * caller's {@link MessageSignatures}, as query-service refuses unsigned ones with 403.
   */
  Future<JsonObject> channels(JsonObject command);

  /** HQ's 今日必做 thresholds, or a change of them ({@link Addresses#ACTION_SETTINGS}); signed as {@link #channels}. */
  Future<JsonObject> actionSettings(JsonObject command);

  /** The import history, or the undo of an import ({@link Addresses#IMPORT_HISTORY}); signed, as {@link #channels}. */
  Future<JsonObject> importHistory(JsonObject command);

  /** The data version of every store ({@link Addresses#DATA_VERSIONS}): {@code {stores: {code: version}, version}}. */
  Future<JsonObject> dataVersions();
}
