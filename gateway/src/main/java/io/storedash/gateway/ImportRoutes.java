package io.storedash.gateway;

import io.storedash.common.Addresses;
import io.storedash.common.ImportProtocol;
import io.storedash.gateway.downstream.Downstream;
import io.storedash.common.client.DownstreamFailure;
import io.storedash.gateway.http.Lingering;
import io.storedash.gateway.http.Problems;
import io.storedash.gateway.http.SlowClients;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Locale;

/**
 * {@code POST /api/v1/imports}: an order export as the body ({@code text/csv}) or as the part {@code file} of a
 * multipart form, streamed to query-service as it arrives ({@link ImportProtocol}): a session is opened, the file
 * goes in chunks of {@link #CHUNK_BYTES}, each sent only when the previous one was acknowledged (the upload is paused
 * meanwhile, so a fast client never fills the gateway's memory), then the end message brings the report. The bytes
 * are passed on untouched (query-service detects the encoding). The report is answered 200, or 422 problem+json whose
 * {@code rejected} names every bad line. One import at a time per gateway instance; at most {@link #MAX_BYTES}.
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
  private static final String RETRY_BUSY_SECONDS = "5";
  private static final String EMPTY = "the file is empty: send the CSV export with its header row";
  /** The slowest upload accepted, in bytes a second, over each window of the slow-client timeout. */
  static final int MIN_BYTES_PER_SECOND = 4 * 1024;

  private final Vertx vertx;
  private final Downstream queryService;
  private final long timeoutMillis;
  private final SlowClients slowClients;
  /** The import this gateway instance is running, if any: one at a time. */
  private RoutingContext importing;

  ImportRoutes(Vertx vertx, Downstream queryService, Duration requestTimeout, SlowClients slowClients) {
    this.vertx = vertx;
    this.queryService = queryService;
    this.timeoutMillis = Math.max(requestTimeout.toMillis(), MIN_TIMEOUT.toMillis());
    this.slowClients = slowClients;
  }

  /** Refuses what cannot be an import before a byte of the body is read. */
  void admit(RoutingContext rc) {
    String type = mediaType(rc.request().getHeader("Content-Type"));
    if (!type.equals("text/csv") && !type.equals("application/csv") && !type.equals("text/plain")
      && !type.equals("multipart/form-data")) {
      rc.fail(415, new HttpException(415, "send the CSV file as text/csv, or as the part 'file' of a "
        + "multipart/form-data form; got " + (type.isEmpty() ? "no Content-Type" : type)));
      return;
    }
    String coding = rc.request().getHeader("Content-Encoding");
    if (coding != null && !coding.isBlank() && !coding.trim().equalsIgnoreCase("identity")) {
      rc.fail(415, new HttpException(415, "compressed uploads are not accepted (Content-Encoding: "
        + Problems.shown(coding.trim()) + "): send the CSV file as it is, uncompressed"));
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
    if (!mediaType(request.getHeader("Content-Type")).equals("multipart/form-data")) {
      new Upload(rc, request, "upload.csv", declaredLength(request)).start();
      return;
    }
    boolean[] started = new boolean[1];
    Upload[] upload = new Upload[1];
    request.setExpectMultipart(true);
    request.uploadHandler(file -> {
      if (started[0] || !(file.name().equals("file") || file.name().isEmpty())) {
        // Only the first file part named 'file' is imported; anything else is read and dropped.
        file.handler(ignored -> { });
        return;
      }
      started[0] = true;
      upload[0] = new Upload(rc, file, file.filename(), -1);
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

  /** One file on its way to query-service: its session, the bytes not yet sent, and where the stream stands. */
  private final class Upload {

    private final RoutingContext rc;
    private final ReadStream<Buffer> source;
    private final String filename;
    private final long declared;
    private String session;
    private Buffer pending = Buffer.buffer();
    private long received;
    private boolean sending;
    private boolean ended;
    private boolean over;
    /** The pace check: bytes received since the window began, while the gateway was waiting for them. */
    private long windowStart;
    private long windowBytes;
    private long paceTimer = -1;

    Upload(RoutingContext rc, ReadStream<Buffer> source, String filename, long declared) {
      this.rc = rc;
      this.source = source;
      this.filename = displayName(filename);
      this.declared = declared;
    }

    void start() {
      slowClients.pacedByRoute(rc.request());
      source.pause();
      source.handler(this::onData);
      source.endHandler(v -> onEnd());
      source.exceptionHandler(this::onBroken);
      rc.response().closeHandler(v -> onBroken(new IllegalStateException("the client went away")));
      rc.put(FailureResponses.DOWNSTREAM_KEY, queryService.service());
      JsonObject open = new JsonObject().put(ImportProtocol.FILENAME, filename);
      if (declared >= 0) {
        open.put(ImportProtocol.SIZE, declared);
      }
      queryService.<JsonObject>request(Addresses.IMPORT, open, options())
        .onSuccess(reply -> {
          session = reply.body().getString(ImportProtocol.SESSION);
          if (over) {
            abort();
          } else {
            newWindow();
            paceTimer = vertx.setPeriodic(Math.max(100, slowClients.windowMillis() / 4), t -> checkPace());
            rc.addEndHandler(v -> vertx.cancelTimer(paceTimer));
            source.resume();
          }
        })
        .onFailure(this::fail);
    }

    private void newWindow() {
      windowStart = System.currentTimeMillis();
      windowBytes = 0;
    }

    /**
     * A client that sends the file slower than {@link #MIN_BYTES_PER_SECOND} would hold this gateway's one import
     * slot and a query-service session for hours: it is cut off with 408. Only time spent waiting for the client
     * counts, not the time the upload is paused while query-service takes a chunk.
     */
    private void checkPace() {
      if (over || ended) {
        vertx.cancelTimer(paceTimer);
        return;
      }
      if (sending) {
        newWindow();
        return;
      }
      long elapsed = System.currentTimeMillis() - windowStart;
      if (elapsed < slowClients.windowMillis()) {
        return;
      }
      if (windowBytes * 1000 >= MIN_BYTES_PER_SECOND * elapsed) {
        newWindow();
        return;
      }
      over = true;
      vertx.cancelTimer(paceTimer);
      LOG.info("import of {} cut off after {} bytes: {} bytes in {} ms", filename, received, windowBytes, elapsed);
      abort();
      closeAfterAnswer();
      release(rc);
      rc.fail(408, new HttpException(408, "the upload is too slow: " + windowBytes + " bytes arrived in the last "
        + elapsed / 1000 + " s, and an import needs at least " + MIN_BYTES_PER_SECOND / 1024 + " KiB/s"));
    }

    private DeliveryOptions options() {
      return new DeliveryOptions().setSendTimeout(timeoutMillis);
    }

    private void onData(Buffer data) {
      received += data.length();
      windowBytes += data.length();
      if (received > MAX_BYTES) {
        if (!over) {
          over = true;
          abort();
          closeAfterAnswer();
          tooLarge(rc);
        } else if (rc.response().ended()) {
          rc.request().connection().close();
        }
        return;
      }
      if (over) {
        // Answered already: the rest of the upload is read and dropped, so the client gets to read the answer.
        return;
      }
      pending.appendBuffer(data);
      if (pending.length() >= CHUNK_BYTES && !sending) {
        sendChunk();
      }
    }

    private void sendChunk() {
      source.pause();
      sending = true;
      int size = Math.min(pending.length(), CHUNK_BYTES);
      Buffer chunk = pending.getBuffer(0, size);
      pending = pending.getBuffer(size, pending.length());
      queryService.request(session, chunk, options())
        .onSuccess(ack -> {
          sending = false;
          if (over) {
            return;
          }
          if (pending.length() >= CHUNK_BYTES) {
            sendChunk();
          } else if (ended) {
            finish();
          } else {
            newWindow();
            source.resume();
          }
        })
        .onFailure(this::fail);
    }

    private void onEnd() {
      ended = true;
      if (!sending && !over) {
        finish();
      }
    }

    private void finish() {
      if (pending.length() > CHUNK_BYTES) {
        sendChunk();
        return;
      }
      if (received == 0) {
        over = true;
        abort();
        rc.fail(400, new HttpException(400, EMPTY));
        return;
      }
      over = true;
      DeliveryOptions last = options().addHeader(ImportProtocol.END, "true");
      queryService.<Object>request(session, pending, last)
        .onSuccess(reply -> answer(rc, reportOf(reply)))
        .onFailure(this::answerFailure);
    }

    /** The client broke off (or the form could not be read): query-service rolls the session back. */
    void onBroken(Throwable e) {
      if (!over) {
        over = true;
        LOG.info("import of {} broken off after {} bytes: {}", filename, received, e.getMessage());
        abort();
      }
    }

    private void abort() {
      if (session != null) {
        vertx.eventBus().send(session, Buffer.buffer(), new DeliveryOptions().addHeader(ImportProtocol.ABORT, "true"));
      }
    }

    private void fail(Throwable e) {
      if (over && !(e instanceof ReplyException)) {
        return;
      }
      over = true;
      // A refusal of a chunk (a rejected file, a file too large) ends the import: the session is closed already.
      boolean pending = Lingering.bodyPending(rc.request());
      if (pending) {
        rc.response().putHeader("Connection", "close");
      }
      answerFailure(e);
      source.resume();
      if (pending) {
        // The rest of the file is not wanted: a little of it is drained so the client reads the answer, then close.
        Lingering.drainThenClose(vertx, rc.request());
      }
    }

    /** The rest of the upload is not wanted: the connection closes once the answer is out rather than read it. */
    private void closeAfterAnswer() {
      if (!rc.request().isEnded()) {
        rc.response().endHandler(v -> rc.request().connection().close());
      }
    }

    private void answerFailure(Throwable e) {
      if (rc.response().ended()) {
        return;
      }
      if (e instanceof ReplyException re && re.failureCode() >= 400 && re.failureCode() < 500) {
        JsonObject report = parseReport(re.getMessage());
        if (re.failureCode() == 422) {
          answerRejected(rc, report != null ? report : new JsonObject().put("detail", re.getMessage()));
        } else {
          String detail = report != null ? report.getString("detail", re.getMessage()) : re.getMessage();
          JsonObject problem = Problems.problem(re.failureCode(), Problems.safeDetail(detail, Problems.title(re.failureCode())),
            rc.request().path());
          if (report != null && report.containsKey("rejected")) {
            problem.put("rejected", report.getJsonArray("rejected"));
          }
          Problems.send(rc.response(), problem);
        }
      } else if (e instanceof DownstreamFailure df && df.kind() == DownstreamFailure.Kind.NO_INSTANCE && session == null) {
        rc.fail(503, new HttpException(503, "no query-service instance that takes imports is running"));
      } else {
        rc.fail(FailureResponses.statusOf(e), e);
      }
    }
  }

  /** What was wrong with a multipart form that the decoder gave up on. */
  static String formProblem(Throwable e) {
    String message = e.getMessage() == null ? "" : e.getMessage();
    if (e.getClass().getSimpleName().equals("TooManyFormFieldsException")) {
      return "the form has too many parts (at most " + MAX_FORM_FIELDS + "): send the CSV file as the one part 'file'";
    }
    if (message.contains("TransferEncoding")) {
      return "a part of the form uses a Content-Transfer-Encoding that is not read here (only 7bit, 8bit and binary "
        + "are): send the file's bytes as they are";
    }
    return "the form is not valid multipart/form-data: send the CSV file as the part 'file'";
  }

  private static void tooLarge(RoutingContext rc) {
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

  private static JsonObject reportOf(Message<Object> reply) {
    Object body = reply.body();
    if (body instanceof JsonObject json) {
      return json;
    }
    JsonObject parsed = body == null ? null : parseReport(body instanceof Buffer b ? b.toString() : body.toString());
    return parsed != null ? parsed : new JsonObject();
  }

  private static JsonObject parseReport(String text) {
    if (text == null || !text.trim().startsWith("{")) {
      return null;
    }
    try {
      return new JsonObject(text);
    } catch (DecodeException e) {
      return null;
    }
  }

  private static void answer(RoutingContext rc, JsonObject report) {
    JsonArray rejected = report.getJsonArray("rejected");
    if (rejected != null && !rejected.isEmpty()) {
      answerRejected(rc, report);
      return;
    }
    rc.response().setStatusCode(200)
      .putHeader("Content-Type", "application/json; charset=utf-8")
      .putHeader("Cache-Control", "no-store")
      .end(report.toBuffer());
  }

  private static void answerRejected(RoutingContext rc, JsonObject report) {
    JsonArray rejected = report.getJsonArray("rejected", new JsonArray());
    String detail = report.getString("detail");
    if (detail == null) {
      detail = "nothing was imported: " + rejected.size() + " line(s) are wrong; 'rejected' names each";
    }
    JsonObject problem = Problems.problem(422, Problems.safeDetail(detail, "nothing was imported"), rc.request().path())
      .put("rejected", rejected);
    for (String extra : new String[] {"rejected_total", "file", "lines"}) {
      if (report.containsKey(extra)) {
        problem.put(extra, report.getValue(extra));
      }
    }
    Problems.send(rc.response(), problem);
  }

  private static String mediaType(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semicolon = contentType.indexOf(';');
    return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
  }
}
