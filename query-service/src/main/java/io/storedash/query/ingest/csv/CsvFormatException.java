package io.storedash.query.ingest.csv;

/** The CSV text cannot be split into records from {@link #line()} on (an unclosed quote, an endless field). */
public final class CsvFormatException extends RuntimeException {

  private final int line;

  public CsvFormatException(int line, String message) {
    super(message, null, false, false);
    this.line = line;
  }

  public int line() {
    return line;
  }
}
