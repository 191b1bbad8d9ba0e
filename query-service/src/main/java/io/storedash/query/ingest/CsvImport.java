package io.storedash.query.ingest;

import io.storedash.common.Addresses;
import io.storedash.common.DashboardQuery;
import io.storedash.common.Failure;
import io.storedash.query.ingest.csv.CsvImportParser;
import io.storedash.query.ingest.csv.ImportColumn;
import io.storedash.query.ingest.csv.ImportRefused;
import io.storedash.query.ingest.csv.LineParser;
import io.storedash.query.ingest.csv.ImportReport;
import io.storedash.query.ingest.csv.OrderConsistency;
import io.storedash.query.ingest.csv.ParsedLine;
import io.storedash.query.ingest.csv.Rejection;
import io.storedash.query.ingest.csv.RejectionList;
import io.storedash.common.security.MessageSignatures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One import of an order export, CSV text or an .xlsx workbook (told apart by content, {@link CsvImportParser}): a
 * file fed chunk by chunk ({@link #accept}), then ended ({@link #finish}). Everything happens on one connection in
 * one transaction: valid lines are staged into a temporary table as they are parsed (on a worker thread, so memory
 * holds a chunk and a batch, never the file; a workbook is spooled to a temporary file as it arrives and its sheet
 * read at the end, a batch at a time, each batch staged while the next is read); at the end the lines of each order are checked
 * against each other, and if nothing is wrong the stores, products, orders and lines are upserted, the rollups of
 * the touched stores and days rebuilt and the data versions bumped before the commit. Any problem rolls everything
 * back: the database is exactly as before, and the report names every bad line.
 * A committed import records itself in the import history with the rows it replaced ({@link ImportHistory}); a dry run
 * goes through all of it, every check and write, and rolls back instead of committing (docs/DESIGN.md §13.3).
 *
 * <p>Re-importing is idempotent with replace semantics (docs/DESIGN.md §3.3): 订单ID identifies an order across the
 * chain, and a file replaces each of its orders whole — its lines, channel, time and money — so an overlapping export
 * imported again never duplicates a line, and a corrected export fixes what it corrects. An order belongs to one
 * store: a line whose order another store holds is refused, naming that store.
 *
 * <p>Imports take the same advisory lock as the bulk loader for their final, writing phase only: uploading and
 * parsing run concurrently, writes one at a time.
 */
public final class CsvImport {

  private static final Logger LOG = LoggerFactory.getLogger(CsvImport.class);

  /** Chunks larger than this are parsed in pieces, so a worker never holds more than a piece's text. */
  private static final int PIECE = 1024 * 1024;

  private final Vertx vertx;
  private final MessageSignatures signatures;
  private final SqlConnection conn;
  private final Transaction tx;
  private final String file;
  private final ZoneId defaultZone;
  /** The stores the file may write to, or null for any store. */
  private final ImportScope scope;
  /** Who imports, for the history (null: unknown, such as the command line). */
  private final String user;
  /** Whether this is a dry run: every check and write, then a rollback, nothing recorded or published. */
  private final boolean dryRun;
  private final CsvImportParser parser;
  private final long started = System.nanoTime();
  private final RejectionList rejections;
  /** When each phase ended, for the log: the file staged, the lines checked, the data written. */
  private long stagedAt;
  private long checkedAt;
  private long writtenAt;
  /** Milliseconds of each writing step, for the log. */
  private final Map<String, Long> steps = new java.util.LinkedHashMap<>();
  /** The staging of the previous chunk's lines, still running while the next chunk is received and parsed. */
  private Future<Void> staging = Future.succeededFuture();
  private boolean closed;

  private CsvImport(Vertx vertx, MessageSignatures signatures, SqlConnection conn, Transaction tx, String file,
                    ZoneId defaultZone, long maxBytes, ImportScope scope, String user, boolean dryRun) {
    this.user = user;
    this.dryRun = dryRun;
    this.vertx = vertx;
    this.signatures = signatures;
    this.conn = conn;
    this.tx = tx;
    this.file = file;
    this.defaultZone = defaultZone;
    this.scope = scope;
    this.parser = new CsvImportParser(maxBytes);
    this.rejections = parser.rejections();
  }

  /**
   * Takes a connection from {@code pool}, begins the transaction and creates the staging table.
   *
   * @param signatures  sign the {@code data changed} event published after the commit
   * @param file        a display name for the report and the logs
   * @param defaultZone the zone of stores the file creates
   */
  public static Future<CsvImport> open(Vertx vertx, MessageSignatures signatures, Pool pool, String file, ZoneId defaultZone,
                                       long maxBytes) {
    return open(vertx, signatures, pool, file, defaultZone, maxBytes, null, null, false);
  }

  /**
   * As {@link #open(Vertx, MessageSignatures, Pool, String, ZoneId, long)}, for a file that may write only to the stores
   * of {@code scope} (null: any store, and it may create stores), imported by {@code user} (for the history), or
   * only tried ({@code dryRun}: the report of what the import would do, and nothing changed).
   */
  static Future<CsvImport> open(Vertx vertx, MessageSignatures signatures, Pool pool, String file, ZoneId defaultZone,
                                long maxBytes, ImportScope scope, String user, boolean dryRun) {
    return pool.getConnection().compose(conn -> conn.begin()
      .compose(tx -> conn.query(ImportStaging.CREATE).execute()
        .map(v -> new CsvImport(vertx, signatures, conn, tx, file, defaultZone, maxBytes, scope, user, dryRun)))
      .onFailure(e -> conn.close()));
  }

  public String file() {
    return file;
  }

  /** Bytes received so far. */
  public long bytes() {
    return parser.bytes();
  }

  /** Lines read so far. */
  public long lines() {
    return parser.lines();
  }

  /**
   * Parses a chunk and starts staging its complete batches. Call one at a time, in file order. Completes when the
   * chunk is parsed and the staging of the chunk before has finished: one chunk's lines are written to PostgreSQL
   * while the next is received and parsed, and no more than that is ever waiting. Fails with an
   * {@link ImportFailure} (400, 413) when the file cannot be imported at all; the import is then rolled back.
   */
  public Future<Void> accept(Buffer chunk) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("the import of " + file + " is closed"));
    }
    Future<List<List<ParsedLine>>> parsed = Future.succeededFuture(new ArrayList<>());
    for (int from = 0; from < chunk.length(); from += PIECE) {
      byte[] piece = chunk.getBytes(from, Math.min(chunk.length(), from + PIECE));
      parsed = parsed.compose(batches -> vertx.executeBlocking(() -> {
        parser.feed(piece);
        batches.addAll(parser.takeBatches());
        return batches;
      }));
    }
    return parsed.compose(batches -> {
      Future<Void> previous = staging;
      staging = previous.compose(v -> stage(batches));
      return previous;
    }).recover(this::fail);
  }

  /**
   * Ends the file. Completes with the report after the commit (and publishes {@code data changed}); fails with an
   * {@link ImportFailure} (400, 413, 422) after the rollback when anything is wrong.
   */
  public Future<ImportReport> finish() {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("the import of " + file + " is closed"));
    }
    return vertx.executeBlocking(() -> {
        parser.finish();
        return parser.takeBatches();
      })
      .compose(batches -> staging.compose(v -> stage(batches)))
      .compose(v -> readRows())
      .andThen(v -> stagedAt = System.nanoTime())
      .compose(v -> conn.query("ANALYZE import_lines").execute())
      .compose(v -> checkOrders())
      .compose(v -> checkLongOrders())
      .andThen(v -> checkedAt = System.nanoTime())
      .compose(v -> rejections.isEmpty() ? write() : Future.failedFuture(rejected()))
      .andThen(v -> writtenAt = System.nanoTime())
      .compose(written -> dryRun ? rollBack(written) : commit(written))
      .recover(this::fail)
      .recover(this::dryRunRejected)
      .eventually(this::closeParser);
  }

  /** A dry run's refused lines are its answer, not a failure: the page shows them beside the columns as read. */
  private Future<ImportReport> dryRunRejected(Throwable failure) {
    if (dryRun && failure instanceof ImportFailure f && f.code() == Failure.UNPROCESSABLE.code()) {
      return Future.succeededFuture(f.report());
    }
    return Future.failedFuture(failure);
  }

  /**
   * A workbook's rows, a batch at a time on a worker thread, each batch staged while the next is read: memory holds
   * a row and two batches, never the sheet. Completes when every batch is staged.
   */
  private Future<Void> readRows() {
    if (!parser.rowsRemain()) {
      return staging;
    }
    return vertx.executeBlocking(parser::readRows)
      .compose(batches -> {
        Future<Void> previous = staging;
        staging = previous.compose(v -> stage(batches));
        return previous;
      })
      .compose(v -> readRows());
  }

  /** Rolls back, gives the connection back and deletes a workbook's temporary file. */
  public Future<Void> abort() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    return tx.rollback().eventually(conn::close).eventually(this::closeParser).otherwiseEmpty().mapEmpty();
  }

  /** Deletes a workbook's temporary file, on a worker thread after any read still running (ordered). */
  private Future<Void> closeParser() {
    return vertx.<Void>executeBlocking(() -> {
      parser.close();
      return null;
    }).otherwiseEmpty();
  }

  private Future<Void> stage(List<List<ParsedLine>> batches) {
    Future<Void> done = Future.succeededFuture();
    for (List<ParsedLine> batch : batches) {
      done = done.compose(v -> conn.preparedQuery(ImportStaging.INSERT).execute(ImportStaging.arguments(batch)).mapEmpty());
    }
    return done;
  }

  /** The lines of each order against each other: one store, channel and time, equal order-level money. */
  private Future<Void> checkOrders() {
    OrderConsistency consistency = new OrderConsistency(ImportWrite.storeColumn(parser.header()), rejections);
    int money = ImportColumn.ORDER_MONEY.size();
    return ImportCursor.stream(conn, ImportSql.CONFLICTING_LINES, row -> {
      Long[] values = new Long[money];
      for (int i = 0; i < money; i++) {
        values[i] = row.getLong(6 + i);
      }
      consistency.accept(new OrderConsistency.OrderValues(row.getInteger(0), row.getString(1), row.getString(2),
        row.getString(3), row.getLocalDateTime(4), row.getOffsetDateTime(5), values));
    });
  }

  /** An order with more lines than {@link ImportSql#MAX_ORDER_LINES}: no basket has them, the file is wrong. */
  private Future<Void> checkLongOrders() {
    return ImportCursor.stream(conn, ImportSql.LONG_ORDERS, row -> rejections.add(new Rejection(row.getInteger(0),
      ImportColumn.ORDER_ID.english(), "order " + row.getString(1) + " has " + row.getLong(2) + " lines, more than the "
        + ImportSql.MAX_ORDER_LINES + " one order may have: is 订单ID the same on lines of different orders?")));
  }

  private ImportFailure rejected() {
    return new ImportFailure(Failure.UNPROCESSABLE.code(), refusedReport(ImportReport.rejectedDetail(rejections.total())));
  }

  private ImportReport refusedReport(String detail) {
    return ImportReport.refused(file, detail, parser.encoding(), parser.convertedFromGbk(), parser.lines(),
      parser.header() == null ? List.of() : parser.header().ignored(),
      parser.header() == null ? List.of() : parser.header().personal(), millis(), rejections, dryRun,
      parser.header() == null ? List.of() : parser.header().columns());
  }

  private Future<ImportWrite.Written> write() {
    return new ImportWrite(conn, defaultZone, scope, rejections, parser.header(), this::rejected, steps,
      dryRun ? null : new ImportHistory.Entry(user, file, parser.lines())).run();
  }

  /** The end of a dry run: everything it wrote is rolled back, and its report says what the import would do. */
  private Future<ImportReport> rollBack(ImportWrite.Written written) {
    closed = true;
    return tx.rollback().eventually(conn::close).map(v -> {
      ImportReport report = report(written, "dry run, nothing was imported: the file would import " + parser.lines()
        + " lines of " + written.orders() + " orders (" + written.newOrders() + " new, " + written.replacedOrders()
        + " replaced)");
      LOG.info("dry run of {}: {} lines, {} orders ({} new, {} replaced), stores {}, {} ms, rolled back", file,
        report.lines(), report.orders(), report.newOrders(), report.replacedOrders(), report.stores(), report.millis());
      return report;
    });
  }

  private ImportReport report(ImportWrite.Written written, String detail) {
    return new ImportReport(file, !dryRun, detail, parser.encoding(), parser.convertedFromGbk(), parser.lines(),
      written.orders(), written.stores(), written.newStores(), written.newChannels(), written.newProducts(),
      written.newOrders(), written.updatedOrders(), written.newLines(), written.updatedLines(), parser.header().ignored(),
      parser.header().personal(), written.version(), millis(), List.of(), 0, dryRun, written.replacedOrders(),
      parser.header().columns(), written.days(), written.importId());
  }

  private Future<ImportReport> commit(ImportWrite.Written written) {
    closed = true;
    return tx.commit().eventually(conn::close).map(v -> {
      ImportReport report = report(written, "imported " + parser.lines() + " lines of " + written.orders() + " orders");
      LOG.info("imported {}: {} lines, {} orders ({} new, {} updated), stores {}, {} ms (received and staged {}, "
          + "checked {}, written {} {}, committed {}), encoding {}{}, data version {}",
        file, report.lines(), report.orders(), report.newOrders(), report.updatedOrders(), report.stores(), report.millis(),
        ms(started, stagedAt), ms(stagedAt, checkedAt), ms(checkedAt, writtenAt), steps, ms(writtenAt, System.nanoTime()),
        report.encoding(), parser.workbook() ? " (archive checked in " + parser.workbookCheckMillis() + " ms)" : "",
        report.version());
      JsonObject changed = new JsonObject()
        .put("stores", new JsonArray(List.copyOf(written.changedStores()))).put("version", written.version());
      vertx.eventBus().publish(Addresses.DATA_CHANGED, changed, signatures.sign(Addresses.DATA_CHANGED, changed));
      return report;
    });
  }

  /** Rolls back, then fails with what the importer should be told. */
  private <T> Future<T> fail(Throwable cause) {
    Throwable failure = cause;
    if (cause instanceof ImportRefused refused) {
      rejections.add(new Rejection(refused.line() > 0 ? refused.line() : parser.currentLine(), null, refused.getMessage()));
      failure = new ImportFailure(refused.code(), refusedReport("nothing was imported: " + refused.getMessage()));
    }
    Throwable result = failure;
    if (result instanceof ImportFailure f) {
      LOG.info("import of {} refused ({}): {}", file, f.code(), f.getMessage());
    }
    return abort().transform(v -> Future.failedFuture(result));
  }

  /** Milliseconds between two nanoTime readings, for the logs. */
  static long ms(long from, long to) {
    return TimeUnit.NANOSECONDS.toMillis(to - from);
  }

  private long millis() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
  }

  /**
   * The code a store known by name or 门店ID gets when it needs one: {@code prefix} and 10 hex digits of the SHA-256
   * of the text ({@code N-} for names, {@code S-} for ids that are no code).
   */
  static String hashedCode(String prefix, String text) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(text.strip().getBytes(StandardCharsets.UTF_8));
      return prefix + HexFormat.of().withUpperCase().formatHex(hash, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The code of a new store known by its 门店ID: the id when it is a valid store code, else a hash of it. */
  static String codeForExternalId(String externalId) {
    return DashboardQuery.isStoreCode(externalId) && !externalId.equalsIgnoreCase(LineParser.RESERVED_STORE_CODE)
      ? externalId : hashedCode("S-", externalId);
  }
}
