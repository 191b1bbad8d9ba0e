package io.storedash.gateway.http.export;

import io.storedash.common.DashboardQuery;
import io.storedash.common.DashboardReply;
import io.storedash.common.Failure;
import io.storedash.common.Gzip;
import io.storedash.common.QueryParams;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.math.BigDecimal;
import java.time.Clock;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;

/**
 * One export being written. The first page is asked before anything is sent, so that a refusal (a bad parameter, a
 * store outside the caller's access, a shed computation, too many rows) is the JSON view's own problem answer. Then
 * each page is parsed and written on a worker thread, its bytes sent, and the next page asked only once they are on
 * their way ({@link HttpServerResponse#write} completes when the connection took them; a full write queue waits
 * for its drain): a slow reader slows the export, it does not fill the gateway's memory. A page shed by admission
 * control (429) is asked again after its Retry-After; any other failure once bytes are sent resets the connection,
 * so the client sees a broken download rather than a short file that looks whole.
 */
final class ViewExport {

  private static final Logger LOG = LoggerFactory.getLogger(ViewExport.class);
  /** Times a shed page is asked again before the export gives up (each after the Retry-After, 1 s by default). */
  static final int SHED_RETRIES = 30;
  private static final DateTimeFormatter GENERATED_AT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss xxx");
  /** Parameters that page or range the view: not filters. */
  private static final List<String> NOT_FILTERS = List.of("from", "to", "page", "size");

  private final Vertx vertx;
  private final WorkerExecutor workers;
  private final RoutingContext rc;
  private final HttpServerResponse response;
  private final ExportRequest request;
  private final ViewSpec spec;
  private final DashboardQuery query;
  private final MultiMap viewParams;
  private final String who;
  private final Exports.Pages pages;
  private final int maxRows;
  private final Clock clock;
  private final Runnable release;
  private final SheetWriter writer;
  private final int pageSize;
  private boolean stopped;
  private boolean released;
  private Promise<Void> drain;
  /** The number of rows the view said it had on its first page (paged views). */
  private long total;
  private long written;
  /** The columns of a paged view's table, as its first page has them. */
  private List<Column> pagedColumns;

  ViewExport(Vertx vertx, WorkerExecutor workers, RoutingContext rc, ExportRequest request, ViewSpec spec,
             DashboardQuery query, MultiMap viewParams, String who, Exports.Pages pages, int maxRows, Clock clock,
             Runnable release) {
    this.vertx = vertx;
    this.workers = workers;
    this.rc = rc;
    this.response = rc.response();
    this.request = request;
    this.spec = spec;
    this.query = query;
    this.viewParams = viewParams;
    this.who = who;
    this.pages = pages;
    this.maxRows = maxRows;
    this.clock = clock;
    this.release = release;
    this.writer = SheetWriter.of(request.format(), request.language(), spec.tables().size());
    this.pageSize = QueryParams.maxPageSize(query.kind());
  }

  void start() {
    // The client gone (a closed tab, a cancelled download): no further page is asked, and its slot is free at once.
    response.closeHandler(v -> stop());
    ask(1, 0)
      .compose(reply -> workers.executeBlocking(() -> ViewJson.parse(bytesOf(reply)), false))
      .onSuccess(this::firstPage)
      .onFailure(e -> {
        stop();
        if (!response.closed()) {
          rc.fail(statusOf(e), e);
        }
      });
  }

  private void firstPage(Map<String, Object> view) {
    if (stopped) {
      return;
    }
    total = spec.paged() ? number(view.get("total")) : rowsIn(view);
    if (total > maxRows) {
      stop();
      rc.fail(422, new HttpException(422, "this export would have " + total + " rows, more than the " + maxRows
        + " an export may have (EXPORT_MAX_ROWS): narrow the range or the filters"));
      return;
    }
    pagedColumns = spec.paged() ? spec.tables().get(0).columnsFor(view) : List.of();
    response.setStatusCode(200)
      .setChunked(true)
      .putHeader("Content-Type", request.format().contentType())
      .putHeader("Content-Disposition", FileName.contentDisposition(fileName(view, request.language()),
        fileName(view, Language.EN)))
      .putHeader("Cache-Control", "no-store");
    workers.executeBlocking(() -> {
      writer.about(about(view));
      for (Table table : spec.tables()) {
        List<Column> columns = table.columnsFor(view);
        writer.table(table.title().in(request.language()),
          columns.stream().map(c -> c.header(request.language(), view)).toList());
        writeRows(table, columns, view);
      }
      return writer.take();
    }, false)
      .compose(this::send)
      .onSuccess(v -> next(2))
      .onFailure(this::abort);
  }

  /** Asks and writes page {@code page}, then the next, until the view's rows are all written. */
  private void next(int page) {
    if (stopped) {
      return;
    }
    long pagesInAll = Math.min(QueryParams.MAX_PAGE, (total + pageSize - 1) / pageSize);
    if (!spec.paged() || page > pagesInAll || written >= total) {
      end();
      return;
    }
    Table table = spec.tables().get(0);
    ask(page, 0)
      .compose(reply -> workers.executeBlocking(() -> {
        Map<String, Object> view = ViewJson.parse(bytesOf(reply));
        if (number(view.get("total")) != total) {
          // An import changed the data between two pages: the file would mix two versions of it.
          throw new IllegalStateException("the data changed during the export (" + total + " rows, now "
            + number(view.get("total")) + ")");
        }
        if (writeRows(table, pagedColumns, view) == 0) {
          throw new IllegalStateException("page " + page + " of " + pagesInAll + " has no rows");
        }
        return writer.take();
      }, false))
      .compose(this::send)
      .onSuccess(v -> next(page + 1))
      .onFailure(this::abort);
  }

  private int writeRows(Table table, List<Column> columns, Map<String, Object> view) throws java.io.IOException {
    int rows = 0;
    for (Map<String, Object> row : table.rowsOf(view)) {
      if (written >= maxRows) {
        break;
      }
      List<Cell> cells = new ArrayList<>(columns.size());
      for (Column column : columns) {
        cells.add(column.cell(row, request.language()));
      }
      writer.row(cells);
      written++;
      rows++;
    }
    return rows;
  }

  private void end() {
    workers.executeBlocking(() -> {
      writer.finish();
      return writer.take();
    }, false)
      .compose(last -> response.end(last))
      .onComplete(ar -> {
        finished();
        if (ar.failed()) {
          abort(ar.cause());
        }
      });
  }

  /** The page's bytes on their way; completes when the client can take more. */
  private Future<Void> send(Buffer part) {
    if (stopped) {
      return Future.failedFuture("the client has gone");
    }
    return (part.length() == 0 ? Future.<Void>succeededFuture() : response.write(part)).compose(v -> {
      if (!response.writeQueueFull()) {
        return Future.succeededFuture();
      }
      drain = Promise.promise();
      response.drainHandler(d -> drain.tryComplete());
      return drain.future();
    });
  }

  /** Page {@code page} of the view (the view itself when it is not paged); a shed page is asked again. */
  private Future<DashboardReply> ask(int page, int attempt) {
    MultiMap params = MultiMap.caseInsensitiveMultiMap().addAll(viewParams);
    if (spec.paged()) {
      params.set("page", String.valueOf(page)).set("size", String.valueOf(pageSize));
    }
    return pages.ask(params).recover(e -> {
      if (page == 1 || stopped || attempt >= SHED_RETRIES || Failure.of(e).httpStatus() != 429) {
        return Future.failedFuture(e);
      }
      Promise<DashboardReply> retried = Promise.promise();
      vertx.setTimer(Failure.retryAfterSeconds(e.getMessage()) * 1000L, t -> ask(page, attempt + 1).onComplete(retried));
      return retried.future();
    });
  }

  /**
   * A failure once the first page was read: a problem while nothing is sent yet, else the connection is reset, so the
   * file is seen to be incomplete.
   */
  private void abort(Throwable e) {
    if (!stopped) {
      LOG.warn("export of {} for {} stopped after {} rows: {}", query.canonical(), who, written, e.toString());
    }
    stop();
    if (response.closed()) {
      return;
    }
    if (response.headWritten()) {
      response.reset();
    } else {
      rc.fail(statusOf(e), e);
    }
  }

  /** No further page: the client has gone, or the export failed. */
  private void stop() {
    stopped = true;
    if (drain != null) {
      drain.tryFail("the client has gone");
    }
    finished();
  }

  private void finished() {
    if (!released) {
      released = true;
      release.run();
    }
  }

  /** The status a failure is answered with, as the JSON view answers it: a route's own, else the service's. */
  private static int statusOf(Throwable e) {
    return e instanceof HttpException he ? he.getStatusCode() : Failure.of(e).httpStatus();
  }

  private static byte[] bytesOf(DashboardReply reply) {
    return reply.gzipped() ? Gzip.decompress(reply.body().getBytes()) : reply.body().getBytes();
  }

  private long rowsIn(Map<String, Object> view) {
    return spec.tables().stream().mapToLong(t -> t.rowsOf(view).size()).sum();
  }

  private static long number(Object value) {
    return value instanceof BigDecimal n ? n.longValue() : 0;
  }

  /** The view's parameters but its range and paging, by name: what narrows it. */
  private Map<String, String> filters() {
    Map<String, String> filters = new TreeMap<>();
    for (String name : viewParams.names()) {
      if (!NOT_FILTERS.contains(name)) {
        filters.put(name, viewParams.get(name));
      }
    }
    return filters;
  }

  private String fileName(Map<String, Object> view, Language language) {
    return FileName.of(storeOf(view), spec.name().in(language), bound(view, "from"), bound(view, "to"),
      filters(), request.format());
  }

  private String storeOf(Map<String, Object> view) {
    Object store = view.get("store");
    return store instanceof String s ? s : query.store();
  }

  /** The 说明 sheet: what this file is. */
  private Map<String, String> about(Map<String, Object> view) {
    Language lang = request.language();
    Map<String, String> lines = new LinkedHashMap<>();
    lines.put(lang.pick("门店", "Store"), storeOf(view).equals(DashboardQuery.ALL_STORES)
      ? lang.pick("全部门店（你可查看的）", "All stores (that you may see)") : storeOf(view));
    lines.put(lang.pick("内容", "View"), spec.tables().get(0).title().in(lang));
    lines.put(lang.pick("日期范围", "Range"), bound(view, "from") + " – " + bound(view, "to"));
    StringJoiner filters = new StringJoiner(lang.pick("；", "; "));
    filters().forEach((name, value) -> filters.add(name + "=" + value));
    lines.put(lang.pick("筛选", "Filters"), filters.length() == 0 ? lang.pick("无", "none") : filters.toString());
    lines.put(lang.pick("行数", "Rows"), String.valueOf(total));
    lines.put(lang.pick("生成时间", "Generated at"), GENERATED_AT.format(ZonedDateTime.now(clock)));
    lines.put(lang.pick("导出人", "Exported by"), who);
    lines.put(lang.pick("单位", "Units"), lang.pick("金额为元（2 位小数）；比率为百分比；环比的比率变化为百分点",
      "money in yuan (2 decimals); ratios as percentages; changes of ratios in percentage points"));
    return lines;
  }

  /** An end of the view's range; a view of one day (今日必做: {@code day}, no range) is the range of that day. */
  private static String bound(Map<String, Object> view, String end) {
    return text(view.get(end) != null ? view.get(end) : view.get("day"));
  }

  private static String text(Object value) {
    return value == null ? "" : Column.text(value);
  }
}
