package io.storedash.common;

/**
 * The event-bus protocol of a CSV import to {@link Addresses#IMPORT}, streamed in chunks so that no service holds a
 * whole file:
 * <ol>
 *   <li>request {@code {"filename": "...", "size": n, "scope": {"stores": [...], "cities": [...]}, "user": "...",
 *       "dry_run": false}} ({@code size}, {@code scope}, {@link #USER} and {@link #DRY_RUN} optional) to
 *       {@link Addresses#IMPORT}; the reply {@code {"session": "<address>"}} names the
 *       address of the one query-service instance that now holds the import (a failure 413 when {@code size} is over
 *       {@link #MAX_FILE_BYTES}, 503 when it is busy, 400 when {@code scope} is malformed). Without {@link #SCOPE} the
 *       file may name any store and create stores; with it, every line's store must be an existing store whose code
 *       is in {@link #SCOPE_STORES} or whose city is in {@link #SCOPE_CITIES} (both arrays of strings, each
 *       optional), else the file is refused 422 with each such store named at its first line;</li>
 *   <li>request each chunk of the file, in order, as a {@code Buffer} of at most {@link #MAX_CHUNK_BYTES} to that
 *       address, waiting for each reply ({@code {"bytes", "lines"}} received so far) before sending the next;</li>
 *   <li>request a last message with header {@link #END} {@code true} (its body, possibly empty, is the last chunk):
 *       the reply is the import report; a failure 422 (lines rejected), 400 (not CSV text) or 413 (too large) carries
 *       the report as its message (JSON). Any chunk's reply may already be such a failure: the import is then
 *       over;</li>
 *   <li>or request a message with header {@link #ABORT} {@code true} to abandon it.</li>
 * </ol>
 * A session that receives nothing for {@link #IDLE_TIMEOUT_MS} is rolled back and its address closed (later
 * messages fail with NO_HANDLERS). A {@code Buffer} sent to {@link Addresses#IMPORT} directly is imported whole, as
 * one session, with header {@link #FILENAME_HEADER} as its name and header {@link #SCOPE_HEADER}, when present, as
 * its scope (the JSON of {@link #SCOPE}).
 * <p>
 * Every message of the protocol, the chunks, end and abort to a session's address too, carries a member's signature
 * ({@code MessageSignatures}, with the {@code sd-} headers above signed with it); query-service answers any other with
 * 403 ({@link Failure#FORBIDDEN}).
 */
public final class ImportProtocol {

  /** Header of the message that ends the file: {@code true}. */
  public static final String END = "sd-import-end";
  /** Header of the message that abandons the import: {@code true}. */
  public static final String ABORT = "sd-import-abort";
  /** Header naming the file when a whole file is sent to {@link Addresses#IMPORT} as one {@code Buffer}. */
  public static final String FILENAME_HEADER = "sd-filename";
  /** Open request field: the file's name, for the report and the logs. */
  public static final String FILENAME = "filename";
  /** Open request field: the file's size in bytes, when known (checked before any byte is sent). */
  public static final String SIZE = "size";
  /**
   * Open request field: the stores the import may write to, {@code {"stores": [codes], "cities": [cities]}}; absent,
   * any store (and the file may create stores).
   */
  public static final String SCOPE = "scope";
  /** Member of {@link #SCOPE}: codes of existing stores the import may write to. */
  public static final String SCOPE_STORES = "stores";
  /** Member of {@link #SCOPE}: cities ({@code stores.city}) whose existing stores the import may write to. */
  public static final String SCOPE_CITIES = "cities";
  /** Open request field: who imports, as the import history names them (absent: nobody named). */
  public static final String USER = "user";
  /**
   * Open request field: {@code true} for a dry run, which runs every check and write of the import, then rolls back:
   * the reply is the report of what the import would do (its refused lines too, as a reply, not a failure), nothing is
   * recorded and no {@code data changed} is published.
   */
  public static final String DRY_RUN = "dry_run";
  /** Header of a whole file sent as one {@code Buffer}: its {@link #SCOPE} as JSON text. */
  public static final String SCOPE_HEADER = "sd-import-scope";
  /** Open reply field: the address of the import session. */
  public static final String SESSION = "session";
  /** The largest chunk a session accepts. */
  public static final int MAX_CHUNK_BYTES = 1024 * 1024;
  /** The largest file query-service imports. */
  public static final long MAX_FILE_BYTES = 256L * 1024 * 1024;
  /** A session idle for this long is rolled back. */
  public static final long IDLE_TIMEOUT_MS = 60_000;
  /** Failure code of a file over {@link #MAX_FILE_BYTES}: {@link Failure#TOO_LARGE}. */
  public static final int TOO_LARGE = Failure.TOO_LARGE.code();

  private ImportProtocol() {
  }
}
