package io.storedash.query.ingest.csv;

/**
 * A file that cannot be imported at all, before any line is judged: not CSV, undecodable, or too large. Carries the
 * failure code of the event-bus contract (400, 413) and a sentence for the user.
 */
public final class ImportRefused extends RuntimeException {

  private final int code;
  private final int line;

  public ImportRefused(int code, String message) {
    this(code, message, 0);
  }

  /**
   * @param line the line where the problem is, 0 when it is not about a line
   */
  public ImportRefused(int code, String message, int line) {
    super(message, null, false, false);
    this.code = code;
    this.line = line;
  }

  public int code() {
    return code;
  }

  /** The line where the problem is, 0 when it is not about a line. */
  public int line() {
    return line;
  }
}
