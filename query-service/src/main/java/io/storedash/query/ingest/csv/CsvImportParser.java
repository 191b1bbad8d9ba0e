package io.storedash.query.ingest.csv;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads an order export fed chunk by chunk: decodes it ({@link TextDecoder}), splits it into records
 * ({@link CsvTokenizer}), reads the header ({@link ImportHeader}) and every line ({@link LineParser}). Valid lines
 * come out in batches of {@link #BATCH} to be staged; problems are collected in a bounded {@link RejectionList}.
 * Memory stays bounded by a chunk, a batch and the kept rejections, whatever the size of the file. No Vert.x types.
 */
public final class CsvImportParser {

  /** Lines per staging batch. */
  public static final int BATCH = 5_000;

  private final long maxBytes;
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
    this.maxBytes = maxBytes;
  }

  /**
   * @throws ImportRefused 413 past the size limit, 400 when the bytes are not CSV text
   */
  public void feed(byte[] chunk) {
    if (finished) {
      throw new IllegalStateException("the file has ended");
    }
    count(chunk.length);
    if (!broken) {
      text(decoder.decode(chunk, false));
    }
  }

  /** Ends the file: the last record, the checks that need the whole file. */
  public void finish() {
    if (finished) {
      return;
    }
    finished = true;
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

  /** The physical line being read. */
  public int currentLine() {
    return tokenizer.line();
  }

  public String encoding() {
    return decoder.encoding();
  }

  public boolean convertedFromGbk() {
    return decoder.convertedFromGbk();
  }

  static String describe(long bytes) {
    return bytes % (1024 * 1024) == 0 ? bytes / (1024 * 1024) + " MiB" : bytes + " bytes";
  }
}
