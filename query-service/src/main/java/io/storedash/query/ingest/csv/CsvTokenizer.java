package io.storedash.query.ingest.csv;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits CSV text (RFC 4180: comma-separated, fields optionally in double quotes, {@code ""} for a quote inside
 * quotes, CRLF or LF line ends) into records, fed in pieces of any size: a record, a quoted field or a line end
 * split between two pieces is completed by the next. Quoted fields may contain commas and line breaks; every record
 * carries the number of the physical line it starts on (1-based), which is what reports name. Blank lines are
 * skipped. A stray quote inside an unquoted field is kept as a character, as spreadsheet programs do.
 *
 * <p>Field and record sizes are bounded, so a file with an unclosed quote fails at the quote instead of reading
 * the rest of the file into one field.
 */
public final class CsvTokenizer {

  /** Receives each record: its first line and its fields. */
  public interface Sink {
    void record(int line, List<String> fields);
  }

  /** The longest field accepted, in chars. */
  public static final int MAX_FIELD_CHARS = 4_096;
  /** The most fields a record may have. */
  public static final int MAX_FIELDS = 256;

  private enum State { FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED, AFTER_CR }

  private final Sink sink;
  private State state = State.FIELD_START;
  private final StringBuilder field = new StringBuilder();
  private List<String> fields = new ArrayList<>();
  private int line = 1;
  private int recordLine = 1;
  private int quoteLine;
  private boolean crInQuotes;
  private long records;

  public CsvTokenizer(Sink sink) {
    this.sink = sink;
  }

  /**
   * @throws CsvFormatException when a field or a record is over its bound
   */
  public void feed(CharSequence text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (state) {
        case AFTER_CR -> {
          // CR LF is one line end; a lone CR is one too (old Mac files).
          state = State.FIELD_START;
          if (c == '\n') {
            continue;
          }
          accept(c);
        }
        default -> accept(c);
      }
    }
  }

  private void accept(char c) {
    switch (state) {
      case FIELD_START -> {
        if (c == '"') {
          state = State.QUOTED;
          quoteLine = line;
          crInQuotes = false;
        } else if (c == ',') {
          endField();
        } else if (c == '\n' || c == '\r') {
          endRecord(c);
        } else {
          append(c);
          state = State.UNQUOTED;
        }
      }
      case UNQUOTED -> {
        if (c == ',') {
          endField();
          state = State.FIELD_START;
        } else if (c == '\n' || c == '\r') {
          endRecord(c);
        } else {
          append(c);
        }
      }
      case QUOTED -> {
        if (c == '"') {
          crInQuotes = false;
          state = State.QUOTE_IN_QUOTED;
        } else {
          // A line break inside quotes: CR LF counts once.
          if (c == '\r' || (c == '\n' && !crInQuotes)) {
            line++;
          }
          crInQuotes = c == '\r';
          append(c);
        }
      }
      case QUOTE_IN_QUOTED -> {
        if (c == '"') {
          append('"');
          state = State.QUOTED;
        } else if (c == ',') {
          endField();
          state = State.FIELD_START;
        } else if (c == '\n' || c == '\r') {
          endRecord(c);
        } else {
          // "abc"x: text after the closing quote is kept, as spreadsheets read it.
          append(c);
          state = State.UNQUOTED;
        }
      }
      default -> throw new IllegalStateException(state.name());
    }
  }

  /** Ends the text: the last record needs no line end. */
  public void finish() {
    if (state == State.QUOTED) {
      throw new CsvFormatException(quoteLine, "a quoted field starts here and is never closed: a quote (\") is missing");
    }
    if (state != State.AFTER_CR && (state != State.FIELD_START || !fields.isEmpty() || field.length() > 0)) {
      endField();
      emit();
    }
    state = State.FIELD_START;
  }

  /** Records passed to the sink so far, the header included. */
  public long records() {
    return records;
  }

  /** The physical line being read (1-based). */
  public int line() {
    return line;
  }

  private void append(char c) {
    if (field.length() >= MAX_FIELD_CHARS) {
      throw state == State.QUOTED
        ? new CsvFormatException(quoteLine, "a quoted field starts here and runs past " + MAX_FIELD_CHARS
        + " characters: a closing quote (\") is probably missing")
        : new CsvFormatException(recordLine, "a field is longer than " + MAX_FIELD_CHARS + " characters");
    }
    field.append(c);
  }

  private void endField() {
    if (fields.size() >= MAX_FIELDS) {
      throw new CsvFormatException(recordLine, "the line has more than " + MAX_FIELDS + " fields");
    }
    fields.add(field.toString());
    field.setLength(0);
  }

  private void endRecord(char c) {
    endField();
    emit();
    line++;
    recordLine = line;
    state = c == '\r' ? State.AFTER_CR : State.FIELD_START;
  }

  private void emit() {
    boolean blank = fields.size() == 1 && fields.get(0).isEmpty();
    List<String> record = fields;
    fields = new ArrayList<>(record.size());
    if (!blank) {
      records++;
      sink.record(recordLine, record);
    }
  }
}
