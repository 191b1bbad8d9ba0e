package io.storedash.gateway.http.export;

import io.vertx.core.buffer.Buffer;
import org.dhatim.fastexcel.Workbook;
import org.dhatim.fastexcel.Worksheet;

import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.util.List;
import java.util.Map;

/**
 * An .xlsx workbook written with fastexcel as the export goes: the 说明 sheet first (finished at once), then a sheet
 * per table whose rows are flushed to the archive at every {@link #take()} — a page at a time — so memory holds a page
 * of rows and fastexcel's buffers, whatever the number of rows. Text goes inline into the sheet (no shared-strings
 * table growing with the order ids), so it is a string cell and never a formula; numbers are number cells with the
 * page's format (yuan {@code 0.00}, ratios {@code 0.00%}).
 */
final class XlsxSheets implements SheetWriter {

  /** Excel's limit on a sheet name's length. */
  private static final int SHEET_NAME = 31;

  private final Language language;
  private final Parts out = new Parts();
  private final Workbook workbook;
  private Worksheet sheet;
  private int row;

  XlsxSheets(Language language) {
    this.language = language;
    this.workbook = new Workbook(out, "StoreDash", "1.0");
  }

  @Override
  public void about(Map<String, String> lines) throws IOException {
    Worksheet about = workbook.newWorksheet(language.pick("说明", "About"));
    about.width(0, 16);
    about.width(1, 60);
    int r = 0;
    for (Map.Entry<String, String> line : lines.entrySet()) {
      about.value(r, 0, line.getKey());
      about.style(r, 0).bold().set();
      if (!line.getValue().isEmpty()) {
        about.inlineString(r, 1, line.getValue());
      }
      r++;
    }
    about.finish();
  }

  @Override
  public void table(String title, List<String> header) throws IOException {
    if (sheet != null) {
      sheet.finish();
    }
    sheet = workbook.newWorksheet(title.length() > SHEET_NAME ? title.substring(0, SHEET_NAME) : title);
    for (int c = 0; c < header.size(); c++) {
      // Widths go before the first row is flushed: the sheet's column settings precede its rows in the file.
      sheet.width(c, Math.max(10, Math.min(40, header.get(c).length() * 2.2 + 2)));
      sheet.value(0, c, header.get(c));
      sheet.style(0, c).bold().set();
    }
    row = 1;
  }

  @Override
  public void row(List<Cell> cells) {
    for (int c = 0; c < cells.size(); c++) {
      Cell cell = cells.get(c);
      if (cell instanceof Cell.Figure figure) {
        BigDecimal value = figure.shown().scaled(figure.value());
        sheet.value(row, c, value.scale() < 0 ? value.setScale(0) : value);
        if (figure.shown() != Cell.Shown.DECIMAL) {
          sheet.style(row, c).format(figure.shown().excelFormat()).set();
        }
      } else if (!((Cell.Text) cell).text().isEmpty()) {
        sheet.inlineString(row, c, ((Cell.Text) cell).text());
      }
    }
    row++;
  }

  @Override
  public void finish() throws IOException {
    if (sheet != null) {
      sheet.finish();
    }
    workbook.finish();
  }

  @Override
  public Buffer take() throws IOException {
    if (sheet != null) {
      sheet.flush();
    }
    return out.take();
  }

  /** What the workbook writes, collected until it is taken. */
  private static final class Parts extends OutputStream {

    private Buffer part = Buffer.buffer(64 * 1024);

    @Override
    public void write(int b) {
      part.appendByte((byte) b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      part.appendBytes(b, off, len);
    }

    Buffer take() {
      Buffer taken = part;
      part = Buffer.buffer(64 * 1024);
      return taken;
    }
  }
}
