package io.storedash.gateway.http.export;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * CSV as Excel opens it: UTF-8 with a byte-order mark, comma-separated, CRLF, fields quoted when they hold a comma, a
 * quote or a line break (RFC 4180). Text that a spreadsheet would take for a formula — starting with {@code =},
 * {@code +}, {@code -}, {@code @}, a tab or a carriage return — gets a leading {@code '} (OWASP's CSV injection
 * advice); numbers are written from the view's numbers by this class, never from text, so a negative amount stays a
 * number. A view of several tables (hours) writes each as a section: its title on a line of its own, its header and
 * rows, then an empty line.
 */
final class CsvSheets implements SheetWriter {

  private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};

  private final boolean sections;
  private Buffer out = Buffer.buffer(16 * 1024).appendBytes(BOM);
  private boolean firstTable = true;

  /** @param sections whether the view has several tables, each then written under its title */
  CsvSheets(boolean sections) {
    this.sections = sections;
  }

  @Override
  public void about(Map<String, String> lines) {
    // A CSV file is one table: what the export is goes into its name (Content-Disposition) only.
  }

  @Override
  public void table(String title, List<String> header) {
    if (sections) {
      if (!firstTable) {
        out.appendString("\r\n");
      }
      line(List.of(new Cell.Text(title)));
    }
    firstTable = false;
    line(header.stream().<Cell>map(Cell.Text::new).toList());
  }

  @Override
  public void row(List<Cell> cells) {
    line(cells);
  }

  @Override
  public void finish() {
    // Nothing follows the last line.
  }

  @Override
  public Buffer take() {
    Buffer part = out;
    out = Buffer.buffer(16 * 1024);
    return part;
  }

  private void line(List<Cell> cells) {
    StringBuilder line = new StringBuilder(cells.size() * 12);
    for (int i = 0; i < cells.size(); i++) {
      if (i > 0) {
        line.append(',');
      }
      line.append(field(cells.get(i)));
    }
    out.appendBytes(line.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
  }

  /** A cell as a CSV field: guarded and quoted text, or a number's digits. */
  static String field(Cell cell) {
    if (cell instanceof Cell.Figure figure) {
      return figure.shown().csv(figure.value());
    }
    String text = guarded(((Cell.Text) cell).text());
    boolean quote = text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0;
    return quote ? '"' + text.replace("\"", "\"\"") + '"' : text;
  }

  /** Text a spreadsheet would read as a formula, with a leading {@code '} that makes it text. */
  static String guarded(String text) {
    if (text.isEmpty()) {
      return text;
    }
    char first = text.charAt(0);
    return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r'
      ? "'" + text : text;
  }
}
