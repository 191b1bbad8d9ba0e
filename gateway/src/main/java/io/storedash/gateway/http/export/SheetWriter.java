package io.storedash.gateway.http.export;

import io.vertx.core.buffer.Buffer;

import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Writes an export's tables as a file, a part at a time: every call appends to what {@link #take()} hands out next,
 * so the file is sent while it is written and memory holds one page's part, not the file. Called from one thread
 * at a time (the export's worker tasks run one after another).
 */
interface SheetWriter {

  static SheetWriter of(ExportFormat format, Language language, int tables) {
    return format == ExportFormat.CSV ? new CsvSheets(tables > 1) : new XlsxSheets(language);
  }

  /** What the export is (store, range, filters, when, by whom), as label-value lines: the workbook's 说明 sheet. */
  void about(Map<String, String> lines) throws IOException;

  /** Starts a table: its title and header row. */
  void table(String title, List<String> header) throws IOException;

  /** One row of the current table. */
  void row(List<Cell> cells) throws IOException;

  /** Ends the file. */
  void finish() throws IOException;

  /** The bytes written since the last call. */
  Buffer take() throws IOException;
}
