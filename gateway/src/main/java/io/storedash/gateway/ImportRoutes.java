package io.storedash.gateway;

import io.storedash.gateway.auth.Audit;
import io.storedash.common.ImportProtocol;
import io.storedash.common.security.MessageSignatures;
import io.storedash.common.http.SlowClients;
import io.storedash.gateway.downstream.Downstream;
import io.storedash.gateway.http.ParameterProblem;
import io.storedash.gateway.http.Problems;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * {@code POST /api/v1/imports}: an order export — CSV text or an .xlsx workbook — as the body or as the part
 * {@code file} of a multipart form, streamed to query-service as it arrives ({@link ImportProtocol}): a session is
 * opened, the file goes in chunks of {@link #CHUNK_BYTES}, each sent only when the previous one was acknowledged (the
 * upload is paused meanwhile, so a fast client never fills the gateway's memory), then the end message brings the
 * report. The body may be {@code text/csv}, {@code application/csv}, {@code text/plain},
 * {@code application/vnd.openxmlformats-officedocument.spreadsheetml.sheet} or {@code application/octet-stream}
 * ({@link #BODY_TYPES}); a form's file part may have any type. The type and the file name decide nothing: the bytes
 * are passed on untouched and query-service tells CSV (and its encoding) from a workbook by content. Compressed
 * uploads ({@code Content-Encoding}) are refused. The report is answered 200, or 422 problem+json whose
 * {@code rejected} names every bad line. With {@code ?dry_run=true} the file goes the same way and through every
 * check and write of an import, which query-service then rolls back: the report (columns as read, stores, days, new
 * and replaced orders, every refused line) is answered 200 whatever it says, and nothing is recorded or announced
 * (docs/DESIGN.md §13.3). One import or dry run at a time per gateway instance; at most {@link #MAX_BYTES}.
 */
final class ImportRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(ImportRoutes.class);

  /** The largest file query-service imports; a larger declared Content-Length is refused before a byte is read. */
  static final long MAX_BYTES = ImportProtocol.MAX_FILE_BYTES;
  /** Parts a form may have (the file and a few fields a browser adds). */
  static final int MAX_FORM_FIELDS = 64;
  /** Bytes per event-bus message: small enough to stream, large enough that per-message costs do not matter. */
  static final int CHUNK_BYTES = 256 * 1024;
  /** Importing 500,000 lines takes far longer than a dashboard question. */
  static final Duration MIN_TIMEOUT = Duration.ofMinutes(2);
  static final String EMPTY = "the file is empty: send the export (CSV or .xlsx) with its header row";
  /** The .xlsx media type. */
  static final String XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
  /** Media types a body may have; what the file is, query-service finds from its bytes. */
  static final java.util.Set<String> BODY_TYPES = java.util.Set.of("text/csv", "application/csv", "text/plain", XLSX,
    "application/octet-stream");
  private static final String RETRY_BUSY_SECONDS = "5";
  /** The parameter that makes an upload a dry run. */
  static final String DRY_RUN = "dry_run";

  private final Vertx vertx;
  private final MessageSignatures signatures;
  private final Downstream queryService;
  private final long timeoutMillis;
  private final SlowClients slowClients;
  private final Clock clock;
  private final Audit audit;
  /** The import this gateway instance is running, if any: one at a time. */
  private RoutingContext importing;

  /**
   * @param signatures sign every message of an import (query-service refuses unsigned ones)
   * @param clock      what an upload's pace is measured by
   * @param audit      where each import's outcome is recorded: who, which file, lines, stores
   */
  ImportRoutes(Vertx vertx, MessageSignatures signatures, Downstream queryService, Duration requestTimeout,
               SlowClients slowClients, Clock clock, Audit audit) {
    this.audit = audit;
    this.vertx = vertx;
    this.signatures = signatures;
    this.clock = clock;
    this.queryService = queryService;
    this.timeoutMillis = Math.max(requestTimeout.toMillis(), MIN_TIMEOUT.toMillis());
    this.slowClients = slowClients;
  }

  /** Refuses what cannot be an import before a byte of the body is read. */
  void admit(RoutingContext rc) {
    if (dryRun(rc) == null) {
      return;
    }
    String type = mediaType(rc.request().getHeader("Content-Type"));
    if (!BODY_TYPES.contains(type) && !type.equals("multipart/form-data")) {
      rc.fail(415, new HttpException(415, "send the export as the body — CSV as text/csv, a workbook as " + XLSX
        + " or application/octet-stream — or as the part 'file' of a multipart/form-data form; got "
        + (type.isEmpty() ? "no Content-Type" : type)));
      return;
    }
    String coding = rc.request().getHeader("Content-Encoding");
    if (coding != null && !coding.isBlank() && !coding.trim().equalsIgnoreCase("identity")) {
      rc.fail(415, new HttpException(415, "compressed uploads are not accepted (Content-Encoding: "
        + Problems.shown(coding.trim()) + "): send the file as it is, uncompressed"));
      return;
    }
    long declared = declaredLength(rc.request());
    if (declared > MAX_BYTES) {
      tooLarge(rc);
      return;
    }
    if (declared == 0) {
      rc.fail(400, new HttpException(400, EMPTY));
      return;
    }
    if (importing != null) {
      rc.response().putHeader("Retry-After", RETRY_BUSY_SECONDS);
      rc.fail(429, new HttpException(429, "another import is running on this gateway; retry in " + RETRY_BUSY_SECONDS + " s"));
      return;
    }
    importing = rc;
    rc.addEndHandler(v -> release(rc));
    rc.next();
  }

  /** Frees the slot as soon as an import's answer is decided, so the next upload need not wait for the write. */
  private void release(RoutingContext rc) {
    if (importing == rc) {
      importing = null;
    }
  }

  void importFile(RoutingContext rc) {
    HttpServerRequest request = rc.request();
    Boolean dryRun = dryRun(rc);
    if (dryRun == null) {
      return;
    }
    String type = mediaType(request.getHeader("Content-Type"));
    if (!type.equals("multipart/form-data")) {
      // Only a display name: the content decides what the file is.
      String name = type.equals(XLSX) ? "upload.xlsx" : type.equals("application/octet-stream") ? "upload" : "upload.csv";
      upload(rc, request, name, declaredLength(request), dryRun).start();
      return;
    }
    boolean[] started = new boolean[1];
    ImportUpload[] upload = new ImportUpload[1];
    request.setExpectMultipart(true);
    request.uploadHandler(file -> {
      if (started[0] || !(file.name().equals("file") || file.name().isEmpty())) {
        // Only the first file part named 'file' is imported; anything else is read and dropped.
        file.handler(ignored -> { });
        return;
      }
      started[0] = true;
      upload[0] = upload(rc, file, file.filename(), -1, dryRun);
      upload[0].start();
    });
    // The form itself is broken (too many parts, an encoding the decoder does not read): say so, not "no file".
    request.exceptionHandler(e -> {
      if (upload[0] != null) {
        upload[0].onBroken(e);
      }
      if (!rc.response().headWritten()) {
        rc.fail(400, new HttpException(400, formProblem(e)));
      }
    });
    request.endHandler(v -> {
      if (!started[0] && !rc.response().ended()) {
        rc.fail(400, new HttpException(400, "the form has no file part named 'file'"));
      }
    });
    request.resume();
  }

  private ImportUpload upload(RoutingContext rc, ReadStream<Buffer> source, String filename, long declared, boolean dryRun) {
    return new ImportUpload(vertx, signatures, queryService, timeoutMillis, slowClients, clock, rc, source, displayName(filename),
      declared, () -> release(rc), audit, dryRun);
  }

  /**
   * {@code dry_run}: true to only try the file (every check and write, then a rollback: the report says what the
   * import would do), false or absent to import it; anything else fails the request with 400 and answers null.
   */
  static Boolean dryRun(RoutingContext rc) {
    List<String> values = rc.queryParams().getAll(DRY_RUN);
    if (values.isEmpty()) {
      return false;
    }
    if (values.size() == 1 && (values.get(0).equals("true") || values.get(0).equals("false"))) {
      return Boolean.valueOf(values.get(0));
    }
    rc.fail(400, new ParameterProblem(DRY_RUN, DRY_RUN + " must be given once, as true or false"));
    return null;
  }

  /** What was wrong with a multipart form that the decoder gave up on. */
  static String formProblem(Throwable e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    if (e.getClass().getSimpleName().equals("TooManyFormFieldsException")) {
      return "the form has too many parts (at most " + MAX_FORM_FIELDS + "): send the file as the one part 'file'";
    }
    if (message.contains("TransferEncoding")) {
      return "a part of the form uses a Content-Transfer-Encoding that is not read here (only 7bit, 8bit and binary "
        + "are): send the file's bytes as they are";
    }
    return "the form is not valid multipart/form-data: send the file as the part 'file'";
  }

  static void tooLarge(RoutingContext rc) {
    rc.fail(413, new HttpException(413, "the file is larger than the " + MAX_BYTES / (1024 * 1024) + " MiB an import may be"));
  }

  private static long declaredLength(HttpServerRequest request) {
    String length = request.getHeader("Content-Length");
    try {
      return length == null ? -1 : Long.parseLong(length.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Only a display name for the report and the logs: no path, nothing unprintable, at most 120 characters. */
  static String displayName(String name) {
    String clean = name == null ? "" : name.replaceAll(".*[/\\\\]", "").replaceAll("[^\\p{L}\\p{N} ._()-]", "_");
    return clean.isBlank() ? "upload.csv" : clean.substring(0, Math.min(clean.length(), 120));
  }

  private static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }
}
