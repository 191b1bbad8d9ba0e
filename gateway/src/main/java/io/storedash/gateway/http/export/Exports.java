package io.storedash.gateway.http.export;

import io.storedash.common.DashboardQuery;
import io.storedash.common.DashboardReply;
import io.storedash.common.QueryKind;
import io.storedash.gateway.http.Problems;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.RoutingContext;

import java.time.Clock;
import java.util.HashSet;
import java.util.Set;

/**
 * Exports of the views as CSV or .xlsx (docs/DESIGN.md §13.1). An export pages through the JSON view exactly as the
 * page asks it — through cache-service, with the caller's access and admission budget — and writes each page before
 * asking for the next, at the pace the client reads. Bounded per client: one export at a time on this gateway
 * (another is refused 429 while it runs) and at most {@code EXPORT_MAX_ROWS} rows (a larger one is refused 422
 * before its first byte).
 */
public final class Exports {

  /** Worker threads that parse pages and write files: a workbook's compression stays off the event loop. */
  static final int WORKERS = 2;
  /** The seconds a client refused for an export already running is told to wait. */
  static final int BUSY_RETRY_AFTER = 5;
  /** How long that refusal is held before it is sent, as admission control's (docs/DESIGN.md §12.3). */
  static final long BUSY_HOLD_MILLIS = 1_000;

  /** What an export asks for each page: the view with these parameters, as the caller may see it. */
  @FunctionalInterface
  public interface Pages {
    Future<DashboardReply> ask(MultiMap params);
  }

  private final Vertx vertx;
  private final WorkerExecutor workers;
  private final int maxRows;
  private final Clock clock;
  /** The clients with an export running on this gateway (touched on its event loop only). */
  private final Set<String> running = new HashSet<>();

  /**
   * @param maxRows EXPORT_MAX_ROWS
   * @param clock   the export's "generated at", in the chain's zone (TIMEZONE)
   */
  public Exports(Vertx vertx, int maxRows, Clock clock) {
    this.vertx = vertx;
    this.workers = vertx.createSharedWorkerExecutor("storedash-export", WORKERS);
    this.maxRows = maxRows;
    this.clock = clock;
  }

  /** Whether a kind of view exports (every view route but the store list). */
  public static boolean exportable(QueryKind kind) {
    return ViewSpecs.exports(kind);
  }

  /**
   * Answers a request with the export of a view, or refuses it: 429 while the same client's export runs, 422 when it
   * would be longer than EXPORT_MAX_ROWS, and whatever the view's first page fails with (400, 404, 429, 503 ...), as
   * the JSON view would answer.
   *
   * @param query      the view the request asks, validated (its first page for a paged view)
   * @param viewParams the request's parameters without the export's own
   * @param client     whose budget the pages are charged to (docs/DESIGN.md §12.3), and whose export this is
   * @param who        the caller's name, for the 说明 sheet
   * @param pages      asks the view for a set of parameters
   */
  public void export(RoutingContext rc, ExportRequest request, DashboardQuery query, MultiMap viewParams, String client,
                     String who, Pages pages) {
    if (!running.add(client)) {
      refuseBusy(rc);
      return;
    }
    ViewSpec spec = ViewSpecs.forView(query.kind(), query.params());
    new ViewExport(vertx, workers, rc, request, spec, query, viewParams, who, pages, maxRows, clock,
      () -> running.remove(client)).start();
  }

  private void refuseBusy(RoutingContext rc) {
    vertx.setTimer(BUSY_HOLD_MILLIS, t -> {
      if (!rc.response().closed() && !rc.response().ended()) {
        rc.response().putHeader("Retry-After", String.valueOf(BUSY_RETRY_AFTER));
        Problems.send(rc.response(), 429, "an export of yours is still being written: one export at a time per user "
          + "or token; try again when it has finished", rc.request().path());
      }
    });
  }
}
