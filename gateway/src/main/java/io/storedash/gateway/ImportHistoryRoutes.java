package io.storedash.gateway;

import io.storedash.common.ServiceNames;
import io.storedash.common.client.QueryClient;
import io.storedash.gateway.auth.Audit;
import io.storedash.gateway.auth.Caller;
import io.storedash.gateway.http.ParameterProblem;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

import java.util.Set;

/**
 * The import history and the undo of a whole import (docs/DESIGN.md §13.3), for the roles that import (hq, manager):
 * <ul>
 *   <li>{@code GET /api/v1/imports?limit&before}: the imports, newest first — hq every one, a manager those that
 *       touched one of their stores (with only those stores named);</li>
 *   <li>{@code POST /api/v1/imports/{id}/undo}: query-service puts back what the import replaced and deletes what it
 *       added, rebuilds the rollups and versions and announces the change, in one transaction. 404 for an import the
 *       caller cannot see, 403 when it also changed stores outside theirs, 409 when it is undone already or a later
 *       import changed the same orders again. Every answer but a 404 is audited.</li>
 * </ul>
 * One undo at a time per gateway instance (a second is 429): an undo rewrites figures under the loaders' lock, and a
 * flood of them must not queue connections behind it.
 */
final class ImportHistoryRoutes {

  static final String UNDO_PATH = "/api/v1/imports/:id/undo";
  private static final String RETRY_BUSY_SECONDS = "2";
  /** An import id: what the history numbers them with, and nothing a 404 would not answer better. */
  private static final String ID = "[1-9][0-9]{0,17}";

  private final QueryClient queryService;
  private final Audit audit;
  /** The undo this gateway instance is running, if any. */
  private RoutingContext undoing;

  ImportHistoryRoutes(QueryClient queryService, Audit audit) {
    this.queryService = queryService;
    this.audit = audit;
  }

  /** GET /api/v1/imports. */
  void list(RoutingContext rc) {
    if (!AdminRoutes.onlyParameters(rc, Set.of("limit", "before"))) {
      return;
    }
    JsonObject command = new JsonObject().put("action", "list");
    try {
      command.put("limit", number(rc, "limit", 1, 200, 50));
      String before = rc.queryParams().get("before");
      if (before != null) {
        command.put("before", number(rc, "before", 1, Long.MAX_VALUE, 0));
      }
    } catch (ParameterProblem e) {
      rc.fail(400, e);
      return;
    }
    JsonObject scope = ImportUpload.scopeOf(Caller.of(rc));
    if (scope != null) {
      command.put("scope", scope);
    }
    answer(rc, queryService.importHistory(command));
  }

  /** POST /api/v1/imports/{id}/undo. */
  void undo(RoutingContext rc) {
    String id = rc.pathParam("id");
    if (!AdminRoutes.onlyParameters(rc, Set.of())) {
      return;
    }
    if (id == null || !id.matches(ID)) {
      rc.fail(404, new HttpException(404, "no such import"));
      return;
    }
    if (undoing != null) {
      rc.response().putHeader("Retry-After", RETRY_BUSY_SECONDS);
      rc.fail(429, new HttpException(429, "another undo is running on this gateway; retry in " + RETRY_BUSY_SECONDS + " s"));
      return;
    }
    undoing = rc;
    rc.addEndHandler(v -> undoing = null);
    Caller caller = Caller.of(rc);
    JsonObject command = new JsonObject().put("action", "undo").put("id", Long.parseLong(id))
      .put("user", caller == null ? null : caller.name());
    JsonObject scope = ImportUpload.scopeOf(caller);
    if (scope != null) {
      command.put("scope", scope);
    }
    answer(rc, queryService.importHistory(command)
      .compose(undone -> audited(rc, id, new JsonObject().put("status", 200).put("stores", undone.getValue("stores"))
        .put("version", undone.getValue("version")).put("orders_removed", undone.getValue("orders_removed"))
        .put("orders_restored", undone.getValue("orders_restored"))).map(undone))
      .recover(e -> {
        int status = FailureResponses.statusOf(e);
        // An id the caller cannot see is not theirs to know about: nothing to record.
        return (status == 404 ? Future.<Void>succeededFuture() : audited(rc, id, new JsonObject().put("status", status)
          .put("detail", e.getMessage()))).transform(v -> Future.failedFuture(e));
      }));
  }

  private Future<Void> audited(RoutingContext rc, String id, JsonObject detail) {
    return audit.record(rc, Audit.Action.IMPORT_UNDO, "import " + id, detail);
  }

  private static void answer(RoutingContext rc, Future<JsonObject> answer) {
    rc.put(FailureResponses.DOWNSTREAM_KEY, ServiceNames.QUERY);
    answer
      .onSuccess(reply -> rc.response().setStatusCode(200)
        .putHeader("Content-Type", "application/json; charset=utf-8")
        .putHeader("Cache-Control", "no-store")
        .end(reply.toBuffer()))
      .onFailure(e -> rc.fail(FailureResponses.statusOf(e), e));
  }

  private static long number(RoutingContext rc, String name, long min, long max, long absent) {
    String value = rc.queryParams().get(name);
    if (value == null) {
      return absent;
    }
    try {
      long number = Long.parseLong(value);
      if (number >= min && number <= max) {
        return number;
      }
    } catch (NumberFormatException e) {
      // said below
    }
    throw new ParameterProblem(name, name + " must be a whole number from " + min + " to " + max);
  }
}
