package io.storedash.query.ingest.csv;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns the bytes of an uploaded file into text, chunk by chunk, whatever the chunk boundaries (a character split
 * between two chunks is completed by the next). The encoding is detected, not declared:
 * <ul>
 *   <li>a UTF-8 byte-order mark means UTF-8 (the mark is dropped);</li>
 *   <li>otherwise text stays undecided while it is plain ASCII (identical in UTF-8 and GBK); at the first non-ASCII
 *       byte a window of up to {@value #WINDOW} bytes is checked: valid UTF-8 means UTF-8, else valid GBK (read as
 *       GB18030, its superset, as Chinese Excel writes it) means GBK, else the file is refused;</li>
 *   <li>UTF-16, Excel workbooks (.xlsx, .xls: {@link CsvImportParser} reads an .xlsx and refuses an .xls before
 *       any byte gets here), ZIP and other archives or compressed files (gzip, bzip2, xz, zstd,
 *       7-Zip, RAR — never unpacked, so a zip bomb stays the few bytes it is), PDF and binary files (NUL bytes) are
 *       refused with what to do instead.</li>
 * </ul>
 * A byte sequence that the chosen encoding cannot decode later in the file refuses the file too (400), naming the
 * byte offset. No Vert.x types: tested on its own.
 */
public final class TextDecoder {

  /** Bytes looked at to decide between UTF-8 and GBK. */
  static final int WINDOW = 8192;
  private static final Charset GBK = Charset.forName("GB18030");
  /** Compressed formats by their first bytes: a zip bomb is refused by its magic number, never inflated. */
  private static final Object[][] COMPRESSED = {
    {"gzip-compressed", new int[] {0x1F, 0x8B}},
    {"bzip2-compressed", new int[] {'B', 'Z', 'h'}},
    {"xz-compressed", new int[] {0xFD, '7', 'z', 'X', 'Z', 0}},
    {"zstd-compressed", new int[] {0x28, 0xB5, 0x2F, 0xFD}},
    {"a 7-Zip archive", new int[] {'7', 'z', 0xBC, 0xAF, 0x27, 0x1C}},
    {"a RAR archive", new int[] {'R', 'a', 'r', '!', 0x1A, 0x07}},
  };

  private enum Mode { START, UNDECIDED, DECODING }

  private Mode mode = Mode.START;
  private CharsetDecoder decoder;
  private String encoding;
  private boolean bom;
  /** Bytes received but not yet decoded: a split character, or bytes waiting for the detection window. */
  private byte[] pending = new byte[0];
  private long offset;
  /** Line breaks in the text returned so far: the line of a problem is one more. */
  private int newlines;

  /**
   * Decodes a chunk.
   *
   * @param last true for the end of the file (the chunk may be empty)
   * @return the text decoded so far that was not returned before
   * @throws ImportRefused with code 400 when the bytes are not text in a supported encoding
   */
  public String decode(byte[] chunk, boolean last) {
    byte[] bytes = pending.length == 0 ? chunk : concat(pending, chunk);
    pending = new byte[0];
    StringBuilder out = new StringBuilder(bytes.length);
    int from = 0;
    if (mode == Mode.START) {
      if (bytes.length < 4 && !last) {
        pending = bytes;
        return "";
      }
      from = sniff(bytes);
      mode = Mode.UNDECIDED;
    }
    if (mode == Mode.UNDECIDED) {
      int i = from;
      while (i < bytes.length && bytes[i] >= 0) {
        if (bytes[i] == 0) {
          throw binary(offset + i - from, newlines + count(out) + 1);
        }
        out.append((char) bytes[i]);
        i++;
      }
      offset += i - from;
      from = i;
      if (from == bytes.length || (bytes.length - from < WINDOW && !last)) {
        pending = Arrays.copyOfRange(bytes, from, bytes.length);
        newlines += count(out);
        return out.toString();
      }
      choose(bytes, from);
    }
    ByteBuffer in = ByteBuffer.wrap(bytes, from, bytes.length - from);
    // No supported encoding gives more than one char per byte except surrogate pairs (4 bytes → 2 chars).
    CharBuffer chars = CharBuffer.allocate(in.remaining() + 16);
    CoderResult result = decoder.decode(in, chars, last);
    if (result.isOverflow()) {
      throw new IllegalStateException("decoder overflow: " + encoding + " gave more chars than bytes");
    }
    if (result.isError()) {
      chars.flip();
      throw new ImportRefused(400, "the file is not valid " + encoding + " text at byte " + (offset + in.position() - from)
        + ": save it again as \"CSV UTF-8\"", newlines + count(out) + count(chars) + 1);
    }
    if (last) {
      decoder.flush(chars);
      if (in.hasRemaining()) {
        throw new ImportRefused(400, "the file ends in the middle of a " + encoding + " character: it is truncated");
      }
    }
    offset += in.position() - from;
    if (in.hasRemaining()) {
      pending = Arrays.copyOfRange(bytes, in.position(), bytes.length);
    }
    chars.flip();
    for (int i = 0; i < chars.length(); i++) {
      if (chars.charAt(i) == 0) {
        throw binary(offset, newlines + count(out) + count(chars.subSequence(0, i)) + 1);
      }
    }
    String text = out.append(chars).toString();
    newlines += count(text);
    return text;
  }

  private static int count(CharSequence text) {
    int n = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == '\n') {
        n++;
      }
    }
    return n;
  }

  /** The encoding found: "UTF-8" (also for plain ASCII), "UTF-8 (BOM)" or "GBK". */
  public String encoding() {
    if (encoding == null) {
      return "UTF-8";
    }
    return bom ? encoding + " (BOM)" : encoding;
  }

  /** Whether the text was converted from GBK. */
  public boolean convertedFromGbk() {
    return "GBK".equals(encoding);
  }

  /** Looks at the first bytes; returns where the text starts. */
  private int sniff(byte[] b) {
    if (startsWith(b, 0xEF, 0xBB, 0xBF)) {
      bom = true;
      encoding = "UTF-8";
      decoder = decoderFor(StandardCharsets.UTF_8);
      mode = Mode.DECODING;
      return 3;
    }
    if (startsWith(b, 0xFF, 0xFE) || startsWith(b, 0xFE, 0xFF)) {
      throw new ImportRefused(400, "the file is UTF-16 text (Excel's \"Unicode text\"): save it as \"CSV UTF-8\" instead");
    }
    if (startsWith(b, 'P', 'K', 3, 4) || startsWith(b, 'P', 'K', 5, 6) || startsWith(b, 'P', 'K', 7, 8)) {
      throw new ImportRefused(400, "the file is a ZIP archive (an Excel .xlsx workbook is one), not CSV text: unzip "
        + "it, or open the workbook in Excel and save it as \"CSV UTF-8\"; archives are never unpacked here");
    }
    for (Object[] archive : COMPRESSED) {
      if (startsWith(b, (int[]) archive[1])) {
        throw new ImportRefused(400, "the file is " + archive[0] + ", not CSV text: decompress it and send the CSV "
          + "file itself; compressed files are never unpacked here");
      }
    }
    if (startsWith(b, '%', 'P', 'D', 'F')) {
      throw new ImportRefused(400, "the file is a PDF document, not CSV: export the orders from the platform as CSV");
    }
    if (startsWith(b, 0xD0, 0xCF, 0x11, 0xE0)) {
      throw new ImportRefused(400, "the file is an old Excel workbook (.xls), not CSV: open it in Excel and save it as \"CSV UTF-8\"");
    }
    return 0;
  }

  private void choose(byte[] bytes, int from) {
    if (decodes(StandardCharsets.UTF_8, bytes, from)) {
      encoding = "UTF-8";
      decoder = decoderFor(StandardCharsets.UTF_8);
    } else if (decodes(GBK, bytes, from)) {
      encoding = "GBK";
      decoder = decoderFor(GBK);
    } else {
      throw new ImportRefused(400, "the file is neither UTF-8 nor GBK text (first non-ASCII byte at " + offset
        + "): save it as \"CSV UTF-8\"", newlines + 1);
    }
    mode = Mode.DECODING;
  }

  /**
   * Whether the window decodes without error; a character cut by the end of the window is not an error (when the
   * file itself ends there, decoding reports it as a truncated file).
   */
  private static boolean decodes(Charset charset, byte[] bytes, int from) {
    int length = Math.min(WINDOW, bytes.length - from);
    ByteBuffer in = ByteBuffer.wrap(bytes, from, length);
    CharBuffer out = CharBuffer.allocate(length * 2 + 4);
    CoderResult result = decoderFor(charset).decode(in, out, false);
    return !result.isError() && in.remaining() < 4;
  }

  private static CharsetDecoder decoderFor(Charset charset) {
    return charset.newDecoder().onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
  }

  private static ImportRefused binary(long at, int line) {
    return new ImportRefused(400, "the file contains a NUL byte at byte " + at + ": it is a binary file, not CSV text", line);
  }

  /** Whether {@code b} begins with the bytes {@code prefix} (as unsigned values). */
  static boolean startsWith(byte[] b, int... prefix) {
    if (b.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((b[i] & 0xFF) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** {@code a} then {@code b}, in a new array. */
  static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
