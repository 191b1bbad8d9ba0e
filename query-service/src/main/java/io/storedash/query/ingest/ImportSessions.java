package io.storedash.query.ingest;

import io.storedash.common.Addresses;
import io.storedash.common.Failure;
import io.storedash.common.ImportProtocol;
import io.storedash.common.bootstrap.InFlight;
import io.storedash.common.security.MessageSignatures;
import io.storedash.query.ingest.csv.ImportReport;
import io.storedash.query.ingest.csv.Rejection;
import io.storedash.query.ingest.csv.RejectionList;
import io.storedash.query.storage.StorageFailures;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * The import side of the event-bus contract ({@link ImportProtocol}): opens sessions on request, each with an
 * address of its own that this instance consumes, feeds the chunks it receives to a {@link CsvImport} one at a time
 * in order, and closes it on the end message, on abort, on a failure or after {@link ImportProtocol#IDLE_TIMEOUT_MS}
 * without a message. A whole file sent as one {@code Buffer} is imported as one session.
 */
public final class ImportSessions {

  private static final Logger LOG = LoggerFactory.getLogger(ImportSessions.class);
  /**
   * The prefix of every session's address, and the address that metrics name their refused messages by. A session's
   * chunks are signed too: its address is random, but a process on the bus can read it from the cluster's
   * registrations (Vert.x keeps them in Hazelcast), and a forged chunk or end would put its lines into someone's
   * import.
   */
  static final String SESSIONS = Addresses.IMPORT_SESSIONS;

  private final Vertx vertx;
  private final MessageSignatures signatures;
  private final Pool pool;
  private final ZoneId defaultZone;
  private final long maxBytes;
  private final long idleTimeoutMillis;
  private final int maxSessions;
  private final BooleanSupplier draining;
  private final InFlight inFlight;
  private final Map<String, Session> sessions = new HashMap<>();
  private MessageConsumer<Object> opener;

  /**
   * @param pool        connections for imports: each session holds one until it ends
   * @param maxSessions sessions this instance holds at once; more are refused with 503
   * @param draining    true while the service shuts down: new sessions are refused
   * @param inFlight    where a file's final phase (checks, writes, commit) is counted, so a graceful shutdown lets it
   *                    finish within the grace period instead of rolling it back
   */
  private final MeterRegistry registry;

  public ImportSessions(Vertx vertx, MessageSignatures signatures, Pool pool, ZoneId defaultZone, long maxBytes,
                        long idleTimeoutMillis, int maxSessions, BooleanSupplier draining, InFlight inFlight,
                        MeterRegistry registry) {
    this.registry = registry;
    this.vertx = vertx;
    this.signatures = signatures;
    this.pool = pool;
    this.defaultZone = defaultZone;
    this.maxBytes = maxBytes;
    this.idleTimeoutMillis = idleTimeoutMillis;
    this.maxSessions = maxSessions;
    this.draining = draining;
    this.inFlight = inFlight;
  }

  /**
   * Counts a finished import in /metrics: imported, dry_run, rejected (bad lines), refused (not CSV, too large) or
   * failed.
   */
  private void count(String outcome) {
    registry.counter("storedash_imports", "outcome", outcome).increment();
  }

  /** Consumes open requests at {@code address}; completes when the consumer is registered. */
  public Future<Void> register(String address) {
    opener = vertx.eventBus().consumer(address, signatures.verified(address, this::open));
    return opener.completion();
  }

  /** Stops taking sessions and rolls back those still open. */
  public Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    if (opener != null) {
      closing.add(opener.unregister());
    }
    for (Session session : List.copyOf(sessions.values())) {
      closing.add(session.end("the service is shutting down"));
    }
    return Future.join(closing).mapEmpty();
  }

  /** Sessions open now. */
  public int active() {
    return sessions.size();
  }

  private void open(Message<Object> message) {
    if (draining.getAsBoolean()) {
      message.fail(Failure.DEPENDENCY_DOWN.code(), "this query-service instance is shutting down; retry");
      return;
    }
    if (sessions.size() >= maxSessions) {
      message.fail(Failure.DEPENDENCY_DOWN.code(), maxSessions + " import(s) are running on this query-service instance; "
        + "retry in a few seconds");
      return;
    }
    Object body = message.body();
    if (body instanceof Buffer whole) {
      String name = message.headers().get(ImportProtocol.FILENAME_HEADER);
      importWhole(message, name == null || name.isBlank() ? "upload.csv" : name, whole);
      return;
    }
    if (!(body instanceof JsonObject request)) {
      message.fail(Failure.BAD_REQUEST.code(), "an import starts with {\"filename\": ..., \"size\": ...} or with the whole "
        + "file as a Buffer");
      return;
    }
    Object name = request.getValue(ImportProtocol.FILENAME);
    String file = name == null || String.valueOf(name).isBlank() ? "upload.csv" : String.valueOf(name);
    Object size = request.getValue(ImportProtocol.SIZE);
    if (size != null && !(size instanceof Number)) {
      message.fail(Failure.BAD_REQUEST.code(), "size must be the file's length in bytes, got " + size);
      return;
    }
    if (size != null && ((Number) size).longValue() > maxBytes) {
      String reason = "the file is " + ((Number) size).longValue() + " bytes, over the import limit of " + maxBytes
        + " bytes: split it into smaller files (each is imported on its own)";
      message.fail(ImportProtocol.TOO_LARGE, tooLarge(file, reason).encode());
      return;
    }
    ImportScope scope;
    try {
      scope = ImportScope.fromJson(request.getValue(ImportProtocol.SCOPE));
    } catch (IllegalArgumentException e) {
      message.fail(Failure.BAD_REQUEST.code(), e.getMessage());
      return;
    }
    Object user = request.getValue(ImportProtocol.USER);
    Object dryRun = request.getValue(ImportProtocol.DRY_RUN, false);
    if ((user != null && !(user instanceof String)) || !(dryRun instanceof Boolean)) {
      message.fail(Failure.BAD_REQUEST.code(), ImportProtocol.USER + " must be a name and " + ImportProtocol.DRY_RUN
        + " true or false");
      return;
    }
    String address = SESSIONS + "." + UUID.randomUUID();
    Session session = new Session(address);
    sessions.put(address, session);
    CsvImport.open(vertx, signatures, pool, file, defaultZone, maxBytes, scope, (String) user, (Boolean) dryRun)
      .compose(csv -> {
        session.csv = csv;
        session.consumer = vertx.eventBus().consumer(address, signatures.verified(SESSIONS, session::receive));
        return session.consumer.completion();
      })
      .onSuccess(v -> {
        session.touch();
        LOG.info("import session {} opened for {} ({} bytes announced, scope {}{})", address, file, size,
          scope == null ? "any store" : scope, Boolean.TRUE.equals(dryRun) ? ", dry run" : "");
        message.reply(new JsonObject().put(ImportProtocol.SESSION, address)
          .put("max_chunk_bytes", ImportProtocol.MAX_CHUNK_BYTES).put("idle_timeout_ms", idleTimeoutMillis));
      })
      .onFailure(e -> {
        session.end("could not open").onComplete(ar -> {
          ReplyException failure = StorageFailures.asReply(e);
          message.fail(failure.failureCode(), failure.getMessage());
        });
      });
  }

  /** A whole file in one message: one session fed in chunks, ended at once. */
  private void importWhole(Message<Object> message, String file, Buffer whole) {
    if (whole.length() > maxBytes) {
      message.fail(ImportProtocol.TOO_LARGE, tooLarge(file, "the file is " + whole.length()
        + " bytes, over the import limit of " + maxBytes + " bytes: split it into smaller files").encode());
      return;
    }
    ImportScope scope;
    try {
      String header = message.headers().get(ImportProtocol.SCOPE_HEADER);
      scope = header == null ? null : ImportScope.fromJson(new JsonObject(header));
    } catch (IllegalArgumentException e) {
      // DecodeException is one too: a header that is not JSON.
      message.fail(Failure.BAD_REQUEST.code(), e.getMessage());
      return;
    }
    String address = "storedash.query.import.whole." + UUID.randomUUID();
    Session session = new Session(address);
    sessions.put(address, session);
    CsvImport.open(vertx, signatures, pool, file, defaultZone, maxBytes, scope, null, false)
      .compose(csv -> {
        session.csv = csv;
        return csv.accept(whole);
      })
      .compose(v -> inFlight.track(session.csv.finish()))
      .onComplete(ar -> {
        sessions.remove(address);
        answer(message, ar.succeeded() ? Future.succeededFuture(ar.result()) : Future.failedFuture(ar.cause()));
      });
  }

  private void answer(Message<Object> message, Future<ImportReport> outcome) {
    if (outcome.succeeded()) {
      count(outcome.result().dryRun() ? "dry_run" : "imported");
      message.reply(new JsonObject(outcome.result().toMap()));
    } else if (outcome.cause() instanceof ImportFailure failure) {
      count(failure.code() == 422 ? "rejected" : "refused");
      message.fail(failure.code(), new JsonObject(failure.report().toMap()).encode());
    } else {
      count("failed");
      ReplyException failure = StorageFailures.asReply(outcome.cause());
      LOG.warn("import failed with {}: {}", failure.failureCode(), failure.getMessage());
      message.fail(failure.failureCode(), failure.getMessage());
    }
  }

  private static JsonObject tooLarge(String file, String reason) {
    RejectionList rejections = new RejectionList();
    rejections.add(new Rejection(1, null, reason));
    return new JsonObject(ImportReport.refused(file, "nothing was imported: " + reason, null, false, 0, List.of(), List.of(), 0,
      rejections).toMap());
  }

  /** One open import: its address, its consumer, its idle timer; messages are handled one after the other. */
  private final class Session {
    private final String address;
    private CsvImport csv;
    private MessageConsumer<Object> consumer;
    private long timer = -1;
    private int pending;
    private Future<Void> tail = Future.succeededFuture();
    private boolean ended;

    Session(String address) {
      this.address = address;
    }

    /** Starts the idle timer again; it runs only while the session waits for its sender. */
    void touch() {
      stopTimer();
      timer = vertx.setTimer(idleTimeoutMillis, t -> {
        timer = -1;
        LOG.warn("import session {} for {} idle for {} ms: rolled back", address, csv == null ? "?" : csv.file(),
          idleTimeoutMillis);
        end("idle");
      });
    }

    void receive(Message<Object> message) {
      if (ended) {
        message.fail(Failure.BAD_REQUEST.code(), "this import session is closed");
        return;
      }
      // Not idle while a message is handled: the end of a large file may take longer than the idle timeout.
      stopTimer();
      pending++;
      tail = tail.transform(ar -> handle(message)).andThen(ar -> {
        if (--pending == 0 && !ended) {
          touch();
        }
      });
    }

    private void stopTimer() {
      if (timer >= 0) {
        vertx.cancelTimer(timer);
        timer = -1;
      }
    }

    private Future<Void> handle(Message<Object> message) {
      if (ended) {
        message.fail(Failure.BAD_REQUEST.code(), "this import session is closed");
        return Future.succeededFuture();
      }
      if ("true".equalsIgnoreCase(message.headers().get(ImportProtocol.ABORT))) {
        return end("aborted by the sender").onComplete(ar -> message.reply(new JsonObject().put("aborted", true)));
      }
      Object body = message.body();
      Buffer chunk;
      if (body == null) {
        chunk = Buffer.buffer();
      } else if (body instanceof Buffer buffer) {
        chunk = buffer;
      } else {
        return end("bad chunk").onComplete(ar -> message.fail(Failure.BAD_REQUEST.code(),
          "the chunks of a file must be Buffers, got " + body.getClass().getSimpleName() + "; the import is abandoned"));
      }
      if (chunk.length() > ImportProtocol.MAX_CHUNK_BYTES) {
        return end("chunk too large").onComplete(ar -> message.fail(Failure.BAD_REQUEST.code(), "a chunk may hold at most "
          + ImportProtocol.MAX_CHUNK_BYTES + " bytes, got " + chunk.length() + "; the import is abandoned"));
      }
      boolean last = "true".equalsIgnoreCase(message.headers().get(ImportProtocol.END));
      Future<Void> accepted = chunk.length() == 0 ? Future.succeededFuture() : csv.accept(chunk);
      if (!last) {
        return accepted.transform(ar -> {
          if (ar.succeeded()) {
            message.reply(new JsonObject().put("bytes", csv.bytes()).put("lines", csv.lines()));
            return Future.succeededFuture();
          }
          return close().onComplete(v -> answer(message, Future.failedFuture(ar.cause())));
        });
      }
      return inFlight.track(accepted.compose(v -> csv.finish())).transform(ar -> close().onComplete(v -> answer(message,
        ar.succeeded() ? Future.succeededFuture(ar.result()) : Future.failedFuture(ar.cause()))));
    }

    /** Rolls back (when still open) and closes. */
    Future<Void> end(String why) {
      if (ended) {
        return Future.succeededFuture();
      }
      LOG.info("import session {} ended: {}", address, why);
      return (csv == null ? Future.<Void>succeededFuture() : csv.abort()).eventually(this::close);
    }

    /** Stops the timer and the consumer; the import itself is already committed or rolled back. */
    Future<Void> close() {
      ended = true;
      sessions.remove(address);
      stopTimer();
      return consumer == null ? Future.succeededFuture() : consumer.unregister().otherwiseEmpty();
    }
  }
}
