package io.storedash.query.ingest.csv;

import org.dhatim.fastexcel.reader.Cell;
import org.dhatim.fastexcel.reader.CellType;
import org.dhatim.fastexcel.reader.ReadableWorkbook;
import org.dhatim.fastexcel.reader.ReadingOptions;
import org.dhatim.fastexcel.reader.Row;
import org.dhatim.fastexcel.reader.Sheet;

import java.io.Closeable;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The rows of a workbook's first sheet, one at a time, as the text a user sees in Excel, for the same header and line
 * rules as CSV ({@link CsvImportParser}). Streamed with {@code fastexcel-reader} from the archive on disk (the sheet's
 * XML is parsed as it is inflated; only the current row is in memory, and the shared-strings table, which
 * {@link XlsxGuard} bounds). Cells become text:
 * <ul>
 *   <li>text as it is; an empty or missing cell is {@code ""};</li>
 *   <li>a number as Excel shows it: rounded to 15 significant digits, without trailing zeros
 *       ({@code 0.30000000000000004} is {@code 0.3}, {@code 5.00} is {@code 5});</li>
 *   <li>a number in the order-time column (下单时间) is an Excel date: {@code yyyy-MM-dd HH:mm:ss}, to the nearest
 *       second, in the workbook's date system (1900, or 1904 when the workbook says so);</li>
 *   <li>a boolean is {@code true} or {@code false}; a formula is its cached value, converted as above;</li>
 *   <li>an error ({@code #DIV/0!}, {@code #N/A}, also a formula's cached error) is its text, and the row says where
 *       it is ({@link SheetRow#errors}).</li>
 * </ul>
 * A row whose cells are all empty is skipped, as a blank CSV line is; a row's trailing empty cells are dropped. The
 * line number is the sheet's row number (1-based, as Excel shows it). No Vert.x types.
 */
public final class XlsxSheetReader implements Closeable {

  /** Rows a sheet may have: Excel's own limit. */
  public static final int MAX_ROWS = 1_048_576;
  private static final MathContext SHOWN = new MathContext(15, RoundingMode.HALF_UP);
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final BigDecimal SECONDS_PER_DAY = BigDecimal.valueOf(86_400);
  /** 9999-12-31 in the 1900 date system: Excel has no later date. */
  private static final BigDecimal LAST_SERIAL = BigDecimal.valueOf(2_958_466);
  private static final Set<String> ERRORS = Set.of("#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
    "#GETTING_DATA", "#SPILL!", "#CALC!", "#FIELD!", "#BLOCKED!", "#CONNECT!", "#BUSY!", "#UNKNOWN!");

  /**
   * One non-empty row.
   *
   * @param line   the sheet's row number (1-based)
   * @param fields the cells' text, up to the last non-empty cell
   * @param errors the positions (0-based) of the cells that hold an error
   */
  public record SheetRow(int line, List<String> fields, List<Integer> errors) {
  }

  private final ReadableWorkbook workbook;
  private final Stream<Row> stream;
  private final Iterator<Row> rows;
  private final boolean date1904;
  private int timeColumn = -1;
  private long read;
  private int line;

  private XlsxSheetReader(ReadableWorkbook workbook, Stream<Row> stream, boolean date1904) {
    this.workbook = workbook;
    this.stream = stream;
    this.rows = stream == null ? null : stream.iterator();
    this.date1904 = date1904;
  }

  /**
   * Opens the first sheet of a workbook that {@link XlsxGuard#inspect} passed.
   *
   * @throws ImportRefused 400 when the workbook cannot be read
   */
  public static XlsxSheetReader open(Path file, XlsxGuard.Inspection inspection) {
    ReadableWorkbook workbook = null;
    try {
      // Without cell formats (the order-time column, not a format, makes a number a date); a number cell that is no
      // number becomes an error cell instead of failing the sheet.
      workbook = new ReadableWorkbook(file.toFile(), new ReadingOptions(false, true));
      Optional<Sheet> first = workbook.getSheet(0);
      return new XlsxSheetReader(workbook, first.isPresent() ? first.get().openStream() : null, inspection.date1904());
    } catch (IOException | RuntimeException e) {
      closeQuietly(workbook);
      if (e instanceof ImportRefused refused) {
        throw refused;
      }
      throw XlsxGuard.notAWorkbook("it cannot be read as one (" + message(e) + ")");
    }
  }

  /** The position (0-based) of the order-time column, whose numbers are dates; -1 for none. */
  public void timeColumn(int index) {
    this.timeColumn = index;
  }

  /** The row number of the row read last (0 before the first). */
  public int line() {
    return line;
  }

  /**
   * The next non-empty row, or null at the end of the sheet.
   *
   * @throws ImportRefused      413 past {@link #MAX_ROWS} rows, 400 when the sheet cannot be read
   * @throws CsvFormatException when a cell or a row is over the bounds a CSV record has
   */
  public SheetRow next() {
    if (rows == null) {
      return null;
    }
    while (true) {
      Row row;
      try {
        if (!rows.hasNext()) {
          return null;
        }
        row = rows.next();
      } catch (RuntimeException e) {
        throw new ImportRefused(400, "the workbook's sheet cannot be read after row " + line + ": " + message(e),
          line + 1);
      }
      read++;
      line = row.getRowNum();
      if (read > MAX_ROWS || line > MAX_ROWS) {
        throw new ImportRefused(413, "the sheet has more than " + MAX_ROWS + " rows, Excel's own limit: it is no "
          + "sheet Excel writes; split the orders into smaller files", line);
      }
      SheetRow converted = convert(row);
      if (converted != null) {
        return converted;
      }
    }
  }

  private SheetRow convert(Row row) {
    int count = row.getCellCount();
    List<String> fields = new ArrayList<>(count);
    List<Integer> errors = List.of();
    int width = 0;
    for (int i = 0; i < count; i++) {
      Cell cell = row.getCell(i);
      String text;
      if (cell == null) {
        text = "";
      } else {
        String error = error(cell.getType(), cell.getValue(), cell.getRawValue());
        if (error != null) {
          text = error;
          if (errors.isEmpty()) {
            errors = new ArrayList<>(2);
          }
          errors.add(i);
        } else {
          text = text(cell.getType(), cell.getValue(), i == timeColumn, date1904);
        }
      }
      if (text.length() > CsvTokenizer.MAX_FIELD_CHARS) {
        throw new CsvFormatException(line, "the cell " + column(i) + line + " holds " + text.length()
          + " characters, more than the " + CsvTokenizer.MAX_FIELD_CHARS + " a cell may hold in an import");
      }
      fields.add(text);
      if (!text.isEmpty()) {
        width = i + 1;
      }
    }
    if (width == 0) {
      return null;
    }
    if (width > CsvTokenizer.MAX_FIELDS) {
      throw new CsvFormatException(line, "the row has values in more than " + CsvTokenizer.MAX_FIELDS + " columns");
    }
    return new SheetRow(line, width == count ? fields : new ArrayList<>(fields.subList(0, width)), errors);
  }

  /**
   * The text of a cell that holds no error.
   *
   * @param value      fastexcel's value: a String, a BigDecimal, a Boolean or null
   * @param timeColumn whether a number is an Excel date
   */
  static String text(CellType type, Object value, boolean timeColumn, boolean date1904) {
    if (value == null || type == CellType.EMPTY) {
      return "";
    }
    if (value instanceof BigDecimal number) {
      if (timeColumn) {
        String time = time(number, date1904);
        if (time != null) {
          return time;
        }
      }
      return number(number);
    }
    if (value instanceof Boolean bool) {
      return bool ? "true" : "false";
    }
    return value.toString();
  }

  /** The error a cell holds ({@code #DIV/0!}), also as a formula's cached value; null when it holds none. */
  static String error(CellType type, Object value, String raw) {
    if (type == CellType.ERROR) {
      String text = value != null ? value.toString() : raw;
      return text == null || text.isEmpty() ? "#VALUE!" : text;
    }
    if (type == CellType.FORMULA && value instanceof String text && ERRORS.contains(text)) {
      return text;
    }
    return null;
  }

  /**
   * A number as the text it stands for: a whole number with all its digits (a 19-digit 订单ID written as a number by
   * the platform's exporter must stay itself: rounded, two orders would become one); a fraction as Excel shows it,
   * 15 significant digits (0.30000000000000004 is 0.3); no trailing zeros, no exponent.
   */
  public static String number(BigDecimal number) {
    if (number.signum() == 0) {
      return "0";
    }
    BigDecimal plain = number.stripTrailingZeros();
    if (plain.scale() <= 0) {
      return plain.toPlainString();
    }
    // Most cells have fewer digits than Excel shows: rounding them would change nothing, and costs.
    return (number.precision() > SHOWN.getPrecision() ? number.round(SHOWN) : number).stripTrailingZeros().toPlainString();
  }

  /**
   * An Excel date serial as {@code yyyy-MM-dd HH:mm:ss}, to the nearest second; null when it is no date (negative,
   * past 9999-12-31). In the 1900 system day 1 is 1900-01-01 and day 60 the 29 February 1900 that never was (Lotus
   * 1-2-3's error, which Excel keeps), so from day 61 on the days count from 1899-12-30.
   */
  public static String time(BigDecimal serial, boolean date1904) {
    if (serial.signum() < 0 || serial.compareTo(LAST_SERIAL) >= 0) {
      return null;
    }
    long seconds = serial.multiply(SECONDS_PER_DAY).setScale(0, RoundingMode.HALF_UP).longValueExact();
    long days = seconds / 86_400;
    LocalDate epoch = date1904 ? LocalDate.of(1904, 1, 1) : days < 61 ? LocalDate.of(1899, 12, 31) : LocalDate.of(1899, 12, 30);
    return TIME.format(LocalDateTime.of(epoch.plusDays(days), java.time.LocalTime.MIDNIGHT).plusSeconds(seconds % 86_400));
  }

  /** A column's letters: 0 is A, 26 is AA. */
  public static String column(int index) {
    StringBuilder letters = new StringBuilder();
    for (int i = index + 1; i > 0; i = (i - 1) / 26) {
      letters.insert(0, (char) ('A' + (i - 1) % 26));
    }
    return letters.toString();
  }

  @Override
  public void close() {
    if (stream != null) {
      try {
        stream.close();
      } catch (RuntimeException e) {
        // Closing what was read: nothing to tell the importer.
      }
    }
    closeQuietly(workbook);
  }

  private static void closeQuietly(ReadableWorkbook workbook) {
    if (workbook != null) {
      try {
        workbook.close();
      } catch (IOException | RuntimeException e) {
        // The file is deleted next; nothing to tell the importer.
      }
    }
  }

  private static String message(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getMessage() == null) {
      cause = cause.getCause();
    }
    String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    return message.length() > 200 ? message.substring(0, 200) + "…" : message;
  }
}
