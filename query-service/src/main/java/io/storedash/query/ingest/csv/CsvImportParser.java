package io.storedash.query.ingest.csv;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads an order export fed chunk by chunk, CSV text or an Excel workbook, told apart by the first bytes, never by
 * the file's name:
 * <ul>
 *   <li>{@code PK\x03\x04} (a ZIP archive, as an .xlsx workbook is): the bytes are spooled to a temporary file; at
 *       {@link #finish} the archive is checked ({@link XlsxGuard}), then {@link #readRows} reads the first sheet's
 *       rows ({@link XlsxSheetReader}) a batch at a time. The file is deleted at the end of the sheet or by
 *       {@link #close};</li>
 *   <li>{@code D0 CF 11 E0 A1 B1 1A E1} (an Excel 97–2003 .xls workbook) is refused;</li>
 *   <li>anything else is CSV text: decoded ({@link TextDecoder}: UTF-8, with or without BOM, or GBK), split into
 *       records ({@link CsvTokenizer}) as it arrives.</li>
 * </ul>
 * Both give records to the same header ({@link ImportHeader}) and line ({@link LineParser}) rules. Valid lines come
 * out in batches of {@link #BATCH} to be staged; problems are collected in a bounded {@link RejectionList}. Memory
 * stays bounded by a chunk (or a sheet row), a batch and the kept rejections, whatever the size of the file. No
 * Vert.x types.
 */
public final class CsvImportParser {

  /** Lines per staging batch. */
  public static final int BATCH = 5_000;
  /** Bytes needed to tell the formats apart: the .xls signature is 8 long. */
  static final int SIGNATURE = 8;
  private static final int[] ZIP = {'P', 'K', 3, 4};
  private static final int[] XLS = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};

  private enum Format { UNDECIDED, CSV, XLSX }

  private final long maxBytes;
  private final long sharedStringsBudget;
  private Format format = Format.UNDECIDED;
  /** The first bytes, while the format is undecided. */
  private byte[] signature = new byte[0];
  private Path spoolFile;
  private OutputStream spool;
  private XlsxSheetReader sheet;
  /** The row of a workbook read last. */
  private int sheetLine;
  /** Nanoseconds spent checking a workbook's archive ({@link XlsxGuard}). */
  private long checkNanos;
  private final TextDecoder decoder = new TextDecoder();
  private final CsvTokenizer tokenizer = new CsvTokenizer(this::record);
  private final RejectionList rejections = new RejectionList();
  private final List<List<ParsedLine>> ready = new ArrayList<>();
  private List<ParsedLine> batch = new ArrayList<>(BATCH);
  private ImportHeader header;
  private LineParser lineParser;
  private long bytes;
  private long lines;
  private long staged;
  private boolean broken;
  private boolean finished;

  /**
   * @param maxBytes the largest file accepted
   */
  public CsvImportParser(long maxBytes) {
    this(maxBytes, Runtime.getRuntime().maxMemory() / 3);
  }

  /**
   * @param maxBytes            the largest file accepted
   * @param sharedStringsBudget the heap a workbook's shared-strings table may take, by {@link XlsxGuard}'s estimate
   */
  public CsvImportParser(long maxBytes, long sharedStringsBudget) {
    this.maxBytes = maxBytes;
    this.sharedStringsBudget = sharedStringsBudget;
  }

  /**
   * @throws ImportRefused 413 past the size limit, 400 when the bytes are neither CSV text nor a workbook
   */
  public void feed(byte[] chunk) {
    if (finished) {
      throw new IllegalStateException("the file has ended");
    }
    count(chunk.length);
    byte[] bytes = chunk;
    if (format == Format.UNDECIDED) {
      signature = TextDecoder.concat(signature, chunk);
      if (signature.length < SIGNATURE) {
        return;
      }
      bytes = signature;
      signature = null;
      decide(bytes);
    }
    if (format == Format.XLSX) {
      spool(bytes);
    } else if (!broken) {
      text(decoder.decode(bytes, false));
    }
  }

  /**
   * Ends the file. CSV: the last record, the checks that need the whole file. A workbook: the archive is checked and
   * its first sheet opened; its rows are read by {@link #readRows}.
   *
   * @throws ImportRefused 400 when a workbook is no workbook, 413 when it cannot be read in bounded memory
   */
  public void finish() {
    if (finished) {
      return;
    }
    finished = true;
    if (format == Format.UNDECIDED) {
      byte[] bytes = signature;
      signature = null;
      decide(bytes);
      if (format == Format.XLSX) {
        spool(bytes);
      } else if (!broken) {
        text(decoder.decode(bytes, false));
      }
    }
    if (format == Format.XLSX) {
      openWorkbook();
      return;
    }
    if (!broken) {
      text(decoder.decode(new byte[0], true));
      if (!broken) {
        try {
          tokenizer.finish();
        } catch (CsvFormatException e) {
          broken = true;
          rejections.add(new Rejection(e.line(), null, e.getMessage()));
        }
      }
    }
    ended();
  }

  /** The checks at the end of the records, and the last batch. */
  private void ended() {
    if (header == null && !broken) {
      rejections.add(new Rejection(1, null, "the file is empty: it needs a header row and at least one order line"));
    } else if (header != null && lines == 0 && !broken) {
      rejections.add(new Rejection(2, null, "the file has a header row but no order lines"));
    }
    if (!batch.isEmpty()) {
      ready.add(batch);
      batch = new ArrayList<>(0);
    }
  }

  /** Whether {@link #readRows} has rows to read: a workbook after {@link #finish}, until the end of its sheet. */
  public boolean rowsRemain() {
    return sheet != null;
  }

  /**
   * Reads a workbook's rows until a batch of lines is ready, {@code 4 × BATCH} rows were read, or the sheet ends (then
   * the file is closed and deleted); nothing for CSV. Memory holds one row and one batch, never the sheet.
   *
   * @return the batches completed, as {@link #takeBatches}
   * @throws ImportRefused 413 past the sheet's row limit, 400 when the sheet cannot be read
   */
  public List<List<ParsedLine>> readRows() {
    if (sheet == null) {
      return takeBatches();
    }
    try {
      // A sheet of bad lines fills no batch: a call still ends after a few batches' worth of rows.
      for (int read = 0; ready.isEmpty() && read < 4 * BATCH; read++) {
        XlsxSheetReader.SheetRow row;
        try {
          row = sheet.next();
        } catch (CsvFormatException e) {
          // As in CSV: the rest is not read, the problem is named with its row.
          broken = true;
          rejections.add(new Rejection(e.line(), null, e.getMessage()));
          row = null;
        }
        if (row == null) {
          close();
          ended();
          break;
        }
        sheetLine = row.line();
        sheetRow(row);
      }
    } catch (RuntimeException e) {
      throw closedAfter(e);
    }
    return takeBatches();
  }

  /**
   * Closes and deletes a workbook's temporary file, if any; the import cannot go on after it. Safe to call more than
   * once, and on every path: the end of the sheet, a refusal, an abort.
   */
  public void close() {
    XlsxSheetReader reading = sheet;
    sheet = null;
    if (reading != null) {
      reading.close();
    }
    closeSpool();
    if (spoolFile != null) {
      try {
        Files.deleteIfExists(spoolFile);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot delete the temporary file " + spoolFile + ": " + e.getMessage(), e);
      }
      spoolFile = null;
    }
  }

  /** Closes after a failure; the failure is what the importer is told, not a file that could not be deleted. */
  private RuntimeException closedAfter(RuntimeException failure) {
    try {
      close();
    } catch (RuntimeException e) {
      failure.addSuppressed(e);
    }
    return failure;
  }

    /** Milliseconds spent checking a workbook's archive before reading it (0 for CSV), for the logs. */
  public long workbookCheckMillis() {
    return checkNanos / 1_000_000;
  }

  /** Whether the file is an .xlsx workbook (known after its first {@value #SIGNATURE} bytes). */
  public boolean workbook() {
    return format == Format.XLSX;
  }

  /** The batches of valid lines completed since the last call. */
  public List<List<ParsedLine>> takeBatches() {
    List<List<ParsedLine>> taken = new ArrayList<>(ready);
    ready.clear();
    return taken;
  }

  private void count(int length) {
    bytes += length;
    if (bytes > maxBytes) {
      throw new ImportRefused(413, "the file is larger than the import limit of " + describe(maxBytes)
        + ": split it into smaller files (each is imported on its own)");
    }
  }

  private void decide(byte[] first) {
    if (TextDecoder.startsWith(first, ZIP)) {
      format = Format.XLSX;
      try {
        spoolFile = Files.createTempFile(SPOOL_PREFIX, SPOOL_SUFFIX);
        spool = Files.newOutputStream(spoolFile);
      } catch (IOException e) {
        throw closedAfter(new UncheckedIOException("cannot create a temporary file for the workbook: " + e.getMessage(), e));
      }
    } else if (TextDecoder.startsWith(first, XLS)) {
      throw new ImportRefused(400, "the file is an Excel 97–2003 .xls workbook: save it as .xlsx or CSV UTF-8");
    } else {
      format = Format.CSV;
    }
  }

  private void spool(byte[] bytes) {
    try {
      spool.write(bytes);
    } catch (IOException e) {
      throw closedAfter(new UncheckedIOException("cannot write the workbook to a temporary file: " + e.getMessage(), e));
    }
  }

  private void closeSpool() {
    if (spool != null) {
      try {
        spool.close();
      } catch (IOException e) {
        // Deleted next, or read and then deleted: a failed close shows when it is opened.
      }
      spool = null;
    }
  }

  private void openWorkbook() {
    try {
      closeSpool();
      long started = System.nanoTime();
      XlsxGuard.Inspection inspection = XlsxGuard.inspect(spoolFile, maxBytes, sharedStringsBudget);
      checkNanos = System.nanoTime() - started;
      sheet = XlsxSheetReader.open(spoolFile, inspection);
    } catch (RuntimeException e) {
      throw closedAfter(e);
    }
  }

  /** A row of a workbook: errors in the columns read refuse the line; the rest goes to {@link #record}. */
  private void sheetRow(XlsxSheetReader.SheetRow row) {
    if (header == null) {
      record(row.line(), row.fields());
      if (header != null) {
        sheet.timeColumn(header.index(ImportColumn.ORDERED_AT));
      }
      return;
    }
    long before = rejections.total();
    for (int index : row.errors()) {
      ImportColumn column = header.columnAt(index);
      if (column != null && column.kind() != ImportColumn.Kind.PERSONAL) {
        rejections.add(new Rejection(row.line(), column.english(), "is the spreadsheet error "
          + row.fields().get(index) + " (cell " + XlsxSheetReader.column(index) + row.line() + "): correct the formula "
          + "or the value in the workbook"));
      }
    }
    List<String> fields = row.fields();
    if (fields.size() > header.width()) {
      rejections.add(new Rejection(row.line(), null, "has a value in column " + XlsxSheetReader.column(fields.size() - 1)
        + ", right of the header's last column " + XlsxSheetReader.column(header.width() - 1)
        + ": a column without a name in the header row?"));
    }
    if (rejections.total() > before) {
      lines++;
      return;
    }
    if (fields.size() < header.width()) {
      // A sheet's rows stop at their last value: the cells after it are empty.
      List<String> padded = new ArrayList<>(header.width());
      padded.addAll(fields);
      while (padded.size() < header.width()) {
        padded.add("");
      }
      fields = padded;
    }
    record(row.line(), fields);
  }


  private void text(String text) {
    if (text.isEmpty()) {
      return;
    }
    try {
      tokenizer.feed(text);
    } catch (CsvFormatException e) {
      // The rest cannot be split into lines: report where it went wrong and read no further.
      broken = true;
      rejections.add(new Rejection(e.line(), null, e.getMessage()));
    }
  }

  private void record(int line, List<String> fields) {
    if (header == null) {
      header = ImportHeader.parse(line, fields);
      header.problems().forEach(rejections::add);
      lineParser = new LineParser(header, rejections);
      return;
    }
    lines++;
    ParsedLine parsed = lineParser.parse(line, fields);
    if (parsed != null) {
      staged++;
      batch.add(parsed);
      if (batch.size() == BATCH) {
        ready.add(batch);
        batch = new ArrayList<>(BATCH);
      }
    }
  }

  public RejectionList rejections() {
    return rejections;
  }

  /** The header, or null before the first record. */
  public ImportHeader header() {
    return header;
  }

  /** Order lines read (records after the header). */
  public long lines() {
    return lines;
  }

  /** Valid lines passed on in batches. */
  public long staged() {
    return staged;
  }

  public long bytes() {
    return bytes;
  }

  /** The physical line being read (the row, in a workbook). */
  public int currentLine() {
    if (format == Format.XLSX) {
      return Math.max(1, sheet == null ? sheetLine : sheet.line());
    }
    return tokenizer.line();
  }

  /** "xlsx" for a workbook; for CSV the text's encoding ({@link TextDecoder#encoding}). */
  public String encoding() {
    return format == Format.XLSX ? "xlsx" : decoder.encoding();
  }

  public boolean convertedFromGbk() {
    return format != Format.XLSX && decoder.convertedFromGbk();
  }

  /** The names of the temporary copies of workbooks being imported, in {@code java.io.tmpdir}. */
  static final String SPOOL_PREFIX = "storedash-import-";
  static final String SPOOL_SUFFIX = ".xlsx";

  /**
   * Deletes the temporary copies of workbooks that a killed query-service left in {@code directory}: they hold a
   * whole upload, personal columns included. A copy being written is modified with every chunk and one being read
   * lives minutes, so one untouched for {@code olderThan} is nobody's. Returns how many were deleted.
   */
  public static int deleteStaleSpools(Path directory, java.time.Duration olderThan, java.time.Instant now) {
    int deleted = 0;
    try (java.nio.file.DirectoryStream<Path> spools = Files.newDirectoryStream(directory, SPOOL_PREFIX + "*" + SPOOL_SUFFIX)) {
      for (Path spool : spools) {
        try {
          if (Files.getLastModifiedTime(spool).toInstant().isBefore(now.minus(olderThan)) && Files.deleteIfExists(spool)) {
            deleted++;
          }
        } catch (IOException e) {
          // Another process's file, or gone meanwhile: not ours to insist on.
        }
      }
    } catch (IOException e) {
      return deleted;
    }
    return deleted;
  }

  static String describe(long bytes) {
    return bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MiB" : bytes + " bytes";
  }
}
