package io.storedash.query.ingest;

import io.storedash.query.ingest.csv.CsvTokenizer;
import io.storedash.query.ingest.csv.ImportColumn;
import io.storedash.query.ingest.csv.TextDecoder;
import org.dhatim.fastexcel.Workbook;
import org.dhatim.fastexcel.Worksheet;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes an order export as an .xlsx workbook: one sheet, a header row, then one row per order line — the same
 * columns in the same order as the CSV export the rows come from (the caller gives the header and the rows, so this
 * class knows no layout). Streamed with {@code fastexcel}: rows are flushed to the archive every {@value #FLUSH_ROWS}
 * rows, so memory holds those rows and the shared strings, whatever the number of lines. Cells by type:
 * <ul>
 *   <li>{@link String}: a text cell (never a formula: {@code =HYPERLINK(...)} stays text); empty or null: no cell;</li>
 *   <li>{@link Number}: a number cell;</li>
 *   <li>{@link LocalDateTime}: text {@code yyyy-MM-dd HH:mm:ss}, as the CSV export writes times;</li>
 *   <li>{@link ExcelTime}: an Excel date (a day serial in the 1900 system, shown {@code yyyy-mm-dd hh:mm:ss});</li>
 *   <li>{@link Boolean}: a boolean cell; anything else: its text.</li>
 * </ul>
 * Text goes into the workbook's shared-strings table as Excel writes it ({@link Strings#SHARED}: the writer keeps
 * every distinct string until the end), or, by default ({@link Strings#BOUNDED}), only the first
 * {@value #SHARED_PER_COLUMN} distinct values of each column (stores, channels, products) and the rest inline in the
 * sheet (order ids, addresses), so memory stays bounded.
 *
 * <p>From the command line, a CSV export (such as {@link ExportCsv} writes) becomes a workbook — numbers in the
 * money, price and quantity columns as numbers, times as Excel dates with {@code --times date}:
 * <pre>
 * java -cp query-service-fat.jar io.storedash.query.ingest.ExportXlsx --from orders.csv --out orders.xlsx \
 *   [--times text|date] [--strings bounded|shared]
 * </pre>
 */
public final class ExportXlsx implements Closeable {

  /** How text cells are stored. */
  public enum Strings { SHARED, BOUNDED }

  /** A time written as an Excel date cell instead of text. */
  public record ExcelTime(LocalDateTime time) {
  }

  /** Rows kept before they are written out. */
  static final int FLUSH_ROWS = 1_000;
  /** Distinct values of a column put in the shared-strings table ({@link Strings#BOUNDED}). */
  static final int SHARED_PER_COLUMN = 1_000;
  /** Rows a sheet may have (Excel's limit), the header included. */
  public static final int MAX_ROWS = 1_048_576;

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final String DATE_FORMAT = "yyyy-mm-dd hh:mm:ss";
  private static final LocalDate EPOCH = LocalDate.of(1899, 12, 30);
  private static final Pattern PLAIN_NUMBER = Pattern.compile("[+-]?\\d{1,15}(?:\\.\\d{1,15})?");
  private static final Pattern PLAIN_TIME = Pattern.compile("\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}");
  private static final String USAGE = "usage: ExportXlsx --from FILE.csv --out FILE.xlsx [--times text|date] "
    + "[--strings bounded|shared]";

  private final Workbook workbook;
  private final Worksheet sheet;
  private final Strings strings;
  private final int width;
  private final List<Set<String>> shared;
  private int row;
  private boolean finished;

  /**
   * Starts a workbook and writes the header row.
   *
   * @param out the stream the archive goes to (not closed here)
   */
  public ExportXlsx(OutputStream out, List<String> header, Strings strings) {
    this.workbook = new Workbook(out, "StoreDash", "1.0");
    this.sheet = workbook.newWorksheet("订单明细");
    this.strings = strings;
    this.width = header.size();
    this.shared = new ArrayList<>(header.size());
    for (int i = 0; i < header.size(); i++) {
      shared.add(new HashSet<>());
      sheet.value(0, i, header.get(i));
    }
    row = 1;
  }

  public ExportXlsx(OutputStream out, List<String> header) {
    this(out, header, Strings.BOUNDED);
  }

  /**
   * Writes one line. Cells beyond the header's width are refused: every cell needs its column.
   *
   * @throws IllegalArgumentException when the row is wider than the header, or the sheet is full
   */
  public void row(List<?> cells) throws IOException {
    if (finished) {
      throw new IllegalStateException("the workbook is finished");
    }
    if (cells.size() > width) {
      throw new IllegalArgumentException("a row of " + cells.size() + " cells for a header of " + width);
    }
    if (row >= MAX_ROWS) {
      throw new IllegalArgumentException("a sheet holds at most " + (MAX_ROWS - 1) + " lines under its header");
    }
    for (int c = 0; c < cells.size(); c++) {
      cell(c, cells.get(c));
    }
    row++;
    if (row % FLUSH_ROWS == 0) {
      sheet.flush();
    }
  }

  private void cell(int c, Object value) {
    if (value == null) {
      return;
    }
    if (value instanceof String text) {
      text(c, text);
    } else if (value instanceof BigDecimal number) {
      sheet.value(row, c, number.scale() < 0 ? number.setScale(0) : number);
    } else if (value instanceof Number number) {
      sheet.value(row, c, number);
    } else if (value instanceof LocalDateTime time) {
      text(c, TIME.format(time));
    } else if (value instanceof ExcelTime time) {
      sheet.value(row, c, serial(time.time()));
      sheet.style(row, c).format(DATE_FORMAT).set();
    } else if (value instanceof Boolean bool) {
      sheet.value(row, c, bool);
    } else {
      text(c, value.toString());
    }
  }

  private void text(int c, String text) {
    if (text.isEmpty()) {
      return;
    }
    Set<String> seen = shared.get(c);
    if (strings == Strings.SHARED || seen.contains(text) || (seen.size() < SHARED_PER_COLUMN && seen.add(text))) {
      sheet.value(row, c, text);
    } else {
      sheet.inlineString(row, c, text);
    }
  }

  /** Lines written (rows under the header). */
  public long lines() {
    return row - 1L;
  }

  /** Writes the rest of the archive; the stream stays open. */
  public void finish() throws IOException {
    if (finished) {
      return;
    }
    finished = true;
    sheet.finish();
    workbook.finish();
  }

  @Override
  public void close() throws IOException {
    finish();
  }

  /**
   * A time as an Excel day serial in the 1900 system (days since 1899-12-30, valid from 1900-03-01), to 10 decimals:
   * read back and rounded to the second, it is the same time.
   */
  public static BigDecimal serial(LocalDateTime time) {
    long days = ChronoUnit.DAYS.between(EPOCH, time.toLocalDate());
    BigDecimal fraction = BigDecimal.valueOf(time.toLocalTime().toSecondOfDay()).divide(BigDecimal.valueOf(86_400), 10,
      RoundingMode.HALF_UP);
    BigDecimal serial = BigDecimal.valueOf(days).add(fraction).stripTrailingZeros();
    return serial.scale() < 0 ? serial.setScale(0) : serial;
  }

  /**
   * The cell a CSV field becomes in a workbook: in the money, price, quantity and count columns a plain decimal
   * ({@code 12.50}, {@code -1}) is a number; in the order-time column a {@code yyyy-MM-dd HH:mm:ss} time is an
   * {@link ExcelTime} when {@code timesAsDates}; everything else, and text columns always (an id such as 门店ID
   * {@code 1001} stays text), is text; an empty field is no cell.
   *
   * @param column the column, null for one the import does not know
   */
  public static Object cell(ImportColumn column, String text, boolean timesAsDates) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    if (column == null) {
      return text;
    }
    return switch (column.kind()) {
      case MONEY, PRICE, QUANTITY, COUNT -> PLAIN_NUMBER.matcher(text).matches() ? new BigDecimal(text) : text;
      case TIME -> timesAsDates && PLAIN_TIME.matcher(text).matches()
        ? new ExcelTime(LocalDateTime.parse(text, TIME)) : text;
      default -> text;
    };
  }

  /**
   * Writes a CSV export (UTF-8 with or without BOM, or GBK) as a workbook with the same header and rows, each field
   * typed by {@link #cell}. Streamed: memory holds a chunk of the CSV file and the rows not yet flushed.
   *
   * @return the lines written
   */
  public static long fromCsv(InputStream csv, OutputStream xlsx, boolean timesAsDates, Strings strings) throws IOException {
    TextDecoder decoder = new TextDecoder();
    ExportXlsx[] writer = new ExportXlsx[1];
    List<ImportColumn> columns = new ArrayList<>();
    CsvTokenizer tokenizer = new CsvTokenizer((line, fields) -> {
      try {
        if (writer[0] == null) {
          fields.forEach(name -> columns.add(ImportColumn.ofHeader(name)));
          writer[0] = new ExportXlsx(xlsx, fields, strings);
          return;
        }
        List<Object> cells = new ArrayList<>(fields.size());
        for (int i = 0; i < fields.size(); i++) {
          cells.add(cell(i < columns.size() ? columns.get(i) : null, fields.get(i), timesAsDates));
        }
        writer[0].row(cells);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    });
    byte[] chunk = new byte[64 * 1024];
    int n;
    while ((n = csv.read(chunk)) > 0) {
      tokenizer.feed(decoder.decode(n == chunk.length ? chunk : Arrays.copyOf(chunk, n), false));
    }
    tokenizer.feed(decoder.decode(new byte[0], true));
    tokenizer.finish();
    if (writer[0] == null) {
      throw new IllegalArgumentException("the CSV file is empty: it has no header row");
    }
    writer[0].finish();
    return writer[0].lines();
  }

  /**
   * Writes every line of a dataset as the platforms' export in a workbook: the columns of {@link ExportCsv#COLUMNS},
   * money and counts as numbers, 下单时间 as an Excel date ({@code timesAsDates}) or as text. Returns the lines.
   */
  public static long write(Dataset dataset, OutputStream out, ExportCsv.Headers headers, boolean timesAsDates)
    throws IOException {
    List<String> header = ExportCsv.COLUMNS.stream()
      .map(c -> headers == ExportCsv.Headers.ZH ? c.chinese() : c.english()).toList();
    try (ExportXlsx xlsx = new ExportXlsx(out, header)) {
      List<Object> cells = new ArrayList<>(header.size());
      ExportCsv.forEachLine(dataset, line -> {
        cells.clear();
        for (ImportColumn column : ExportCsv.COLUMNS) {
          Object value = line.value(column);
          cells.add(timesAsDates && value instanceof LocalDateTime time ? new ExcelTime(time) : value);
        }
        try {
          xlsx.row(cells);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      xlsx.finish();
      return xlsx.lines();
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  public static void main(String[] args) {
    Map<String, String> flags;
    Path from;
    Path out;
    boolean dates;
    Strings strings;
    try {
      flags = CommandFlags.parse(args, List.of("from", "out", "times", "strings"));
      if (!flags.containsKey("from") || !flags.containsKey("out")) {
        throw new IllegalArgumentException("--from FILE.csv and --out FILE.xlsx are required");
      }
      from = Path.of(flags.get("from"));
      out = Path.of(flags.get("out"));
      String times = flags.getOrDefault("times", "text");
      if (!times.equals("text") && !times.equals("date")) {
        throw new IllegalArgumentException("--times must be text or date, got '" + times + "'");
      }
      dates = times.equals("date");
      strings = Strings.valueOf(flags.getOrDefault("strings", "bounded").toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      System.err.println("ExportXlsx: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    long started = System.nanoTime();
    try (InputStream in = new BufferedInputStream(Files.newInputStream(from));
         OutputStream xlsx = new BufferedOutputStream(Files.newOutputStream(out))) {
      long lines = fromCsv(in, xlsx, dates, strings);
      xlsx.flush();
      System.out.printf(Locale.ROOT, "wrote %,d lines (%,d bytes) to %s in %.1f s%n", lines, Files.size(out), out,
        (System.nanoTime() - started) / 1e9);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot convert " + from + ": " + e.getMessage(), e);
    }
  }
}
