package io.storedash.gateway;

import io.storedash.common.Addresses;
import io.storedash.common.ImportProtocol;
import io.storedash.common.security.MessageSignatures;
import io.storedash.common.client.DownstreamFailure;
import io.storedash.common.http.SlowClients;
import io.storedash.gateway.downstream.Downstream;
import io.storedash.gateway.http.Lingering;
import io.storedash.gateway.http.Problems;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.storedash.gateway.auth.Access;
import io.storedash.gateway.auth.Audit;
import io.storedash.gateway.auth.Caller;
import java.util.ArrayList;
import io.vertx.core.streams.ReadStream;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;

/**
 * One file of {@code POST /api/v1/imports} on its way to query-service ({@link ImportRoutes}): its session, the bytes
 * not yet sent, where the stream stands, the pace check that cuts off a client too slow to finish, and the answer
 * (the report, or a problem naming every rejected line).
 */
final class ImportUpload {

  // Logged as before the split, under the routes' name.
  private static final Logger LOG = LoggerFactory.getLogger(ImportRoutes.class);
  /** The slowest upload accepted, in bytes a second, over each window of the slow-client timeout. */
  static final int MIN_BYTES_PER_SECOND = 4 * 1024;


  private final Vertx vertx;
  private final MessageSignatures signatures;
  private final Downstream queryService;
  private final long timeoutMillis;
  private final SlowClients slowClients;
  private final Clock clock;
  private final Runnable release;
  private final Audit audit;
  private final RoutingContext rc;
  private final ReadStream<Buffer> source;
  private final String filename;
  private final long declared;
  /** A dry run: the report of what the import would do, answered 200 whatever it says, and not audited. */
  private final boolean dryRun;
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

  /**
   * @param filename the display name, for the report and the logs
   * @param declared the Content-Length of a plain upload, -1 when unknown (a form)
   * @param release  frees the gateway's import slot once the answer is decided
   * @param dryRun   whether the file is only tried ({@code ?dry_run=true})
   */
  ImportUpload(Vertx vertx, MessageSignatures signatures, Downstream queryService, long timeoutMillis,
               SlowClients slowClients, Clock clock, RoutingContext rc, ReadStream<Buffer> source, String filename,
               long declared, Runnable release, Audit audit, boolean dryRun) {
    this.dryRun = dryRun;
    this.audit = audit;
    this.vertx = vertx;
    this.signatures = signatures;
    this.queryService = queryService;
    this.timeoutMillis = timeoutMillis;
    this.slowClients = slowClients;
    this.clock = clock;
    this.rc = rc;
    this.source = source;
    this.filename = filename;
    this.declared = declared;
    this.release = release;
  }

  /** Opens the session, then streams the source to it. */
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
    Caller caller = Caller.of(rc);
    JsonObject scope = scopeOf(caller);
    if (scope != null) {
      // A manager imports for their own stores only: query-service refuses a file with a line of any other store.
      open.put(ImportProtocol.SCOPE, scope);
    }
    if (caller != null) {
      // The import history names who imported each file.
      open.put(ImportProtocol.USER, caller.name());
    }
    if (dryRun) {
      open.put(ImportProtocol.DRY_RUN, true);
    }
    queryService.<JsonObject>request(Addresses.IMPORT, open, signed(Addresses.IMPORT, open, options()))
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

  /**
   * The stores a caller may import for, undo and see in the history, as query-service takes them
   * ({@link ImportProtocol#SCOPE}); null for every store (hq, the admin token).
   */
  static JsonObject scopeOf(Caller caller) {
    if (caller == null || caller.effectiveAccess().everyStore()) {
      return null;
    }
    Access access = caller.effectiveAccess();
    return new JsonObject()
      .put(ImportProtocol.SCOPE_STORES, new JsonArray(new ArrayList<>(access.stores())))
      .put(ImportProtocol.SCOPE_CITIES, new JsonArray(new ArrayList<>(access.cities())));
  }

  private void newWindow() {
    windowStart = clock.millis();
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
    long elapsed = clock.millis() - windowStart;
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
    release.run();
    rc.fail(408, new HttpException(408, "the upload is too slow: " + windowBytes + " bytes arrived in the last "
      + elapsed / 1000 + " s, and an import needs at least " + MIN_BYTES_PER_SECOND / 1024 + " KiB/s"));
  }

  private DeliveryOptions options() {
    return new DeliveryOptions().setSendTimeout(timeoutMillis);
  }

  /** Every message of an import is signed, the session's chunks too: query-service takes no other (§11.3). */
  private DeliveryOptions signed(String address, Object body, DeliveryOptions options) {
    return signatures.sign(address, body, options);
  }

  private void onData(Buffer data) {
    received += data.length();
    windowBytes += data.length();
    if (received > ImportRoutes.MAX_BYTES) {
      if (!over) {
        over = true;
        abort();
        closeAfterAnswer();
        ImportRoutes.tooLarge(rc);
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
    if (pending.length() >= ImportRoutes.CHUNK_BYTES && !sending) {
      sendChunk();
    }
  }

  private void sendChunk() {
    source.pause();
    sending = true;
    int size = Math.min(pending.length(), ImportRoutes.CHUNK_BYTES);
    Buffer chunk = pending.getBuffer(0, size);
    pending = pending.getBuffer(size, pending.length());
    queryService.request(session, chunk, signed(session, chunk, options()))
      .onSuccess(ack -> {
        sending = false;
        if (over) {
          return;
        }
        if (pending.length() >= ImportRoutes.CHUNK_BYTES) {
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
    if (pending.length() > ImportRoutes.CHUNK_BYTES) {
      sendChunk();
      return;
    }
    if (received == 0) {
      over = true;
      abort();
      rc.fail(400, new HttpException(400, ImportRoutes.EMPTY));
      return;
    }
    over = true;
    DeliveryOptions last = signed(session, pending, options().addHeader(ImportProtocol.END, "true"));
    queryService.<Object>request(session, pending, last)
      .onSuccess(reply -> {
        JsonObject report = reportOf(reply);
        if (dryRun) {
          // Its refused lines are part of the report: the page shows them beside the columns as read.
          answerReport(rc, report);
          return;
        }
        // Recorded before the answer, so that the audit log read next has the import.
        audited(report, 200).onComplete(v -> answer(rc, report));
      })
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
      Buffer none = Buffer.buffer();
      vertx.eventBus().send(session, none, signed(session, none, new DeliveryOptions().addHeader(ImportProtocol.ABORT, "true")));
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
      // Answered at once: when the refusal comes mid-upload the connection closes right after the answer, so the
      // audit row is written beside it, not waited for.
      answerRefused(re, report);
      if (!dryRun) {
        audited(report != null ? report : new JsonObject().put("detail", re.getMessage()), re.failureCode());
      }
    } else if (e instanceof DownstreamFailure df && df.kind() == DownstreamFailure.Kind.NO_INSTANCE && session == null) {
      rc.fail(503, new HttpException(503, "no query-service instance that takes imports is running"));
    } else {
      rc.fail(FailureResponses.statusOf(e), e);
    }
  }

  /** query-service refused the file (422 naming its lines, 400, 413 ...): its report as a problem. */
  private void answerRefused(ReplyException re, JsonObject report) {
    if (rc.response().ended()) {
      return;
    }
    if (re.failureCode() == 422) {
      answerRejected(rc, report != null ? report : new JsonObject().put("detail", re.getMessage()));
      return;
    }
    String detail = report != null ? report.getString("detail", re.getMessage()) : re.getMessage();
    JsonObject problem = Problems.problem(re.failureCode(), Problems.safeDetail(detail, Problems.title(re.failureCode())),
      rc.request().path());
    if (report != null && report.containsKey("rejected")) {
      problem.put("rejected", report.getJsonArray("rejected"));
    }
    Problems.send(rc.response(), problem);
  }

  /**
   * The import's audit row: the file, whether it was imported, its lines, orders and stores, or why not. A file the
   * gateway refused before it reached query-service (too large, wrong type, busy) is not an import and has none.
   */
  private Future<Void> audited(JsonObject report, int status) {
    JsonObject detail = new JsonObject().put("status", status).put("imported", report.getBoolean("imported", false));
    for (String field : new String[] {"lines", "orders", "stores", "new_stores", "new_orders", "updated_orders",
      "version", "rejected_total"}) {
      if (report.containsKey(field)) {
        detail.put(field, report.getValue(field));
      }
    }
    if (!detail.getBoolean("imported") && report.getValue("detail") != null) {
      detail.put("detail", Problems.capped(String.valueOf(report.getValue("detail"))));
    }
    return audit.record(rc, Audit.Action.IMPORT, filename, detail);
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
    answerReport(rc, report);
  }

  private static void answerReport(RoutingContext rc, JsonObject report) {
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
}
