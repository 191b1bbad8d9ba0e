package io.storedash.query.ingest.csv;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;

/**
 * Looks at an uploaded ZIP archive before any workbook reader opens it: is it an .xlsx workbook, and can it be read in
 * bounded memory? The reader ({@code fastexcel-reader}) streams the sheet row by row, but it inflates whatever the
 * archive holds and keeps two things whole: the shared-strings table, and the cells of the row it is reading. So,
 * without keeping anything but counters:
 * <ul>
 *   <li>an archive that is no readable ZIP, or has no {@code xl/workbook.xml} and {@code [Content_Types].xml} (a
 *       .docx, a zip of CSV files), is refused (400, "not an .xlsx workbook");</li>
 *   <li>more than {@value #MAX_ENTRIES} entries, an entry that declares more than {@link #entryCap} bytes unpacked, an
 *       XML part that unpacks to more than it declares (a forged header), a run of more than {@value #MAX_RUN} bytes
 *       without markup (a cell is at most 32,767 characters in Excel), a sheet row with more than
 *       {@value #MAX_CELLS} cells or a cell reference past column XFD, and a shared-strings table over
 *       {@link #MAX_SHARED_STRINGS_BYTES} or, by estimate ({@link Inspection#sharedStringsHeap}), over the given heap
 *       budget, are refused (413);</li>
 *   <li>every XML part ({@code .xml}, {@code .rels}) is inflated once, counted, and dropped: a ZIP bomb is found by
 *       its real size, never held.</li>
 * </ul>
 * Also reads {@code date1904} from the workbook part: dates are then counted from 1904-01-01. No Vert.x types.
 */
public final class XlsxGuard {

  /** Entries an archive may have: a workbook has a dozen, a few hundred with pictures. */
  static final int MAX_ENTRIES = 10_000;
  /** Bytes without markup: a cell holds at most 32,767 characters, 6 bytes each as the most escaped XML. */
  static final int MAX_RUN = 1024 * 1024;
  /** Cells in one row: Excel's 16,384 columns. */
  static final int MAX_CELLS = 16_384;
  /** Unpacked bytes of the shared-strings table: fastexcel-reader holds the table in memory. */
  public static final long MAX_SHARED_STRINGS_BYTES = 64L * 1024 * 1024;
  /** Bytes of heap a shared string costs beside its characters (object, array header, list slot), for the estimate. */
  static final int STRING_OVERHEAD = 48;
  private static final long MIB = 1024 * 1024;

  private static final Pattern DATE_1904 = Pattern.compile("date1904\\s*=\\s*[\"'](?:1|true)[\"']");
  private static final int WORKBOOK_HEAD = 64 * 1024;

  /**
   * What the archive is: a readable workbook, and its date system.
   *
   * @param sharedStringsHeap the heap the shared-strings table takes once read, by estimate: per string
   *                          {@value #STRING_OVERHEAD} bytes and its characters, 1 byte each when all are Latin-1
   *                          (Java's compact strings), else 2
   */
  public record Inspection(boolean date1904, long xmlBytes, long sharedStrings, long sharedStringsBytes,
                           long sharedStringsHeap) {
  }

  private XlsxGuard() {
  }

  /** The most an entry may unpack to: 40 × the upload limit, at most 2 GiB. */
  public static long entryCap(long maxBytes) {
    return Math.min(Math.max(maxBytes, 1) * 40, 2L * 1024 * 1024 * 1024);
  }

  /**
   * @param maxBytes   the upload limit (entries may unpack to {@link #entryCap} of it)
   * @param heapBudget the bytes of heap the shared-strings table may take, by estimate
   *                   ({@link Inspection#sharedStringsHeap})
   * @throws ImportRefused 400 when it is no workbook, 413 when it cannot be read in bounded memory
   */
  public static Inspection inspect(Path file, long maxBytes, long heapBudget) {
    long cap = entryCap(maxBytes);
    try (ZipFile zip = new ZipFile(file.toFile())) {
      if (zip.size() > MAX_ENTRIES) {
        throw new ImportRefused(413, "the workbook has " + zip.size() + " parts, more than the " + MAX_ENTRIES
          + " an import reads: it is no workbook Excel writes");
      }
      ZipEntry workbook = null;
      boolean contentTypes = false;
      for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
        ZipEntry entry = e.nextElement();
        String name = entry.getName().toLowerCase(Locale.ROOT);
        if (name.equals("xl/workbook.xml")) {
          workbook = entry;
        } else if (name.equals("[content_types].xml")) {
          contentTypes = true;
        }
        if (entry.getSize() > cap) {
          throw new ImportRefused(413, "the workbook's part " + shown(entry.getName()) + " unpacks to " + entry.getSize()
            + " bytes, more than the " + cap + " an import reads: a ZIP bomb, or a workbook to split into smaller files");
        }
      }
      if (workbook == null || !contentTypes) {
        throw notAWorkbook("it is a ZIP archive without " + (workbook == null ? "xl/workbook.xml" : "[Content_Types].xml")
          + " (a Word document or a zip of files?)");
      }
      boolean date1904 = false;
      long xmlBytes = 0;
      long strings = 0;
      long stringBytes = 0;
      long estimate = 0;
      // The reader finds its parts by content type and relationship, not by name: a part is the shared-strings table or
      // a sheet when [Content_Types].xml says so (by its name or its extension), whatever it is called; and every
      // entry is inflated once, whatever its extension, so no part escapes the checks.
      PartTypes types = PartTypes.of(zip);
      for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
        ZipEntry entry = e.nextElement();
        String name = entry.getName().toLowerCase(Locale.ROOT);
        if (entry.isDirectory()) {
          continue;
        }
        boolean sharedStrings = name.endsWith("sharedstrings.xml") || types.sharedStrings(name);
        Scan scan = new Scan(entry.getName(), name.startsWith("xl/worksheets/") || types.sheet(name), sharedStrings,
          name.equals("xl/workbook.xml"));
        long declared = entry.getSize();
        long limit = sharedStrings ? Math.min(cap, MAX_SHARED_STRINGS_BYTES) : cap;
        try (InputStream in = zip.getInputStream(entry)) {
          byte[] buffer = new byte[64 * 1024];
          int n;
          while ((n = in.read(buffer)) > 0) {
            scan.accept(buffer, n);
            if (declared >= 0 && scan.bytes > declared) {
              throw new ImportRefused(413, "the workbook's part " + shown(entry.getName()) + " unpacks to more than the "
                + declared + " bytes it declares: a forged archive (a ZIP bomb?)");
            }
            if (scan.bytes > limit) {
              throw sharedStrings
                ? new ImportRefused(413, "the workbook's shared-strings table unpacks to more than "
                + CsvImportParser.describe(limit) + ": more text than an import holds; save the sheet as CSV UTF-8, or split it")
                : new ImportRefused(413, "the workbook's part " + shown(entry.getName()) + " unpacks to more than "
                + limit + " bytes: a ZIP bomb, or a workbook to split into smaller files");
            }
          }
        }
        xmlBytes += scan.bytes;
        if (scan.workbook) {
          date1904 = DATE_1904.matcher(new String(scan.head, 0, scan.headLength, StandardCharsets.ISO_8859_1)).find();
        }
        if (sharedStrings) {
          scan.endString();
          strings += scan.strings;
          stringBytes += scan.bytes;
          estimate += scan.stringsHeap;
        }
      }
      if (estimate > heapBudget) {
        throw new ImportRefused(413, "the workbook's shared-strings table (" + strings + " strings, "
          + CsvImportParser.describe(stringBytes) + ") needs about " + (estimate + MIB - 1) / MIB + " MiB of memory to read, "
          + "more than the " + heapBudget / MIB + " MiB this server gives it: save the sheet as CSV UTF-8, or split it");
      }
      return new Inspection(date1904, xmlBytes, strings, stringBytes, estimate);
    } catch (ZipException e) {
      throw notAWorkbook("it starts like a ZIP archive (as .xlsx workbooks do) but cannot be read as one: it is "
        + "truncated or damaged");
    } catch (IOException e) {
      throw notAWorkbook("it cannot be read as a ZIP archive (" + e.getMessage() + ")");
    }
  }

  /**
   * What [Content_Types].xml says of the parts: the names (lower case, no leading /) and extensions it gives the
   * shared-strings or the worksheet content type. Read within {@link #MAX_CONTENT_TYPES_BYTES}.
   */
  private record PartTypes(Set<String> stringNames, Set<String> stringExtensions,
                           Set<String> sheetNames, Set<String> sheetExtensions) {

    private static final Pattern ELEMENT = Pattern.compile("<(Override|Default)\\b([^>]*)>");
    private static final Pattern PART_NAME = Pattern.compile("PartName\\s*=\\s*[\"']([^\"']*)[\"']");
    private static final Pattern EXTENSION = Pattern.compile("Extension\\s*=\\s*[\"']([^\"']*)[\"']");
    private static final Pattern TYPE = Pattern.compile("ContentType\\s*=\\s*[\"']([^\"']*)[\"']");

    static PartTypes of(ZipFile zip) throws IOException {
      PartTypes types = new PartTypes(new HashSet<>(), new HashSet<>(), new HashSet<>(),
        new HashSet<>());
      ZipEntry entry = null;
      for (Enumeration<? extends ZipEntry> e = zip.entries(); e.hasMoreElements(); ) {
        ZipEntry candidate = e.nextElement();
        if (candidate.getName().equalsIgnoreCase("[Content_Types].xml")) {
          entry = candidate;
        }
      }
      if (entry == null) {
        return types;
      }
      byte[] bytes;
      try (InputStream in = zip.getInputStream(entry)) {
        bytes = in.readNBytes(MAX_CONTENT_TYPES_BYTES + 1);
      }
      if (bytes.length > MAX_CONTENT_TYPES_BYTES) {
        throw new ImportRefused(413, "the workbook's [Content_Types].xml is larger than "
          + CsvImportParser.describe(MAX_CONTENT_TYPES_BYTES) + ": it is no workbook Excel writes");
      }
      Matcher element = ELEMENT.matcher(new String(bytes, StandardCharsets.UTF_8));
      while (element.find()) {
        Matcher type = TYPE.matcher(element.group(2));
        if (!type.find()) {
          continue;
        }
        String contentType = type.group(1).toLowerCase(Locale.ROOT);
        boolean strings = contentType.contains("sharedstrings");
        boolean sheet = contentType.contains("worksheet");
        if (!strings && !sheet) {
          continue;
        }
        boolean override = element.group(1).equals("Override");
        Matcher key = (override ? PART_NAME : EXTENSION).matcher(element.group(2));
        if (key.find()) {
          String value = key.group(1).toLowerCase(Locale.ROOT).replaceFirst("^/", "");
          (override ? (strings ? types.stringNames : types.sheetNames)
            : (strings ? types.stringExtensions : types.sheetExtensions)).add(value);
        }
      }
      return types;
    }

    boolean sharedStrings(String name) {
      return stringNames.contains(name) || stringExtensions.contains(extension(name));
    }

    boolean sheet(String name) {
      return sheetNames.contains(name) || sheetExtensions.contains(extension(name));
    }

    private static String extension(String name) {
      int dot = name.lastIndexOf('.');
      return dot < 0 ? "" : name.substring(dot + 1);
    }
  }

  /** The largest [Content_Types].xml read: Excel's is a few KiB. */
  static final int MAX_CONTENT_TYPES_BYTES = 1024 * 1024;

  static ImportRefused notAWorkbook(String why) {
    return new ImportRefused(400, "the file is not an .xlsx workbook: " + why + "; send the workbook (.xlsx) or the "
      + "orders as CSV UTF-8");
  }

  private static String shown(String name) {
    String clean = name.replaceAll("[^\\p{L}\\p{N} ._/\\[\\]()-]", "_");
    return "'" + (clean.length() > 80 ? clean.substring(0, 80) + "…" : clean) + "'";
  }

  /**
   * Counts one XML part as it streams past: its bytes, the longest run without markup and, in a sheet, the cells of
   * each row and the column letters of each cell reference; in the shared-strings table, the strings.
   */
  private static final class Scan {
    private enum State { TEXT, NAME, TAG }

    private final String part;
    private final boolean sheet;
    private final boolean sharedStrings;
    private final boolean workbook;
    private final byte[] name = new byte[32];
    private final byte[] head;
    private int headLength;
    private long bytes;
    private long strings;
    /** The estimated heap of the shared strings ended so far, and the characters of the current one. */
    private long stringsHeap;
    private long chars;
    private boolean wide;
    private boolean inString;
    private State state = State.TEXT;
    private int nameLength;
    private int run;
    private boolean closing;
    private boolean cellTag;
    private int cells;
    private byte quote;
    /** The three bytes before the current one inside a tag, to find {@code  r="}. */
    private int window;
    private int refLetters = -1;

    Scan(String part, boolean sheet, boolean sharedStrings, boolean workbook) {
      this.part = part;
      this.sheet = sheet;
      this.sharedStrings = sharedStrings;
      this.workbook = workbook;
      this.head = workbook ? new byte[WORKBOOK_HEAD] : null;
    }

    void accept(byte[] buffer, int length) {
      if (head != null && headLength < head.length) {
        int n = Math.min(length, head.length - headLength);
        System.arraycopy(buffer, 0, head, headLength, n);
        headLength += n;
      }
      bytes += length;
      for (int i = 0; i < length; i++) {
        byte b = buffer[i];
        if (b == '<' && quote == 0) {
          run = 0;
          state = State.NAME;
          nameLength = 0;
          closing = false;
          continue;
        }
        if (++run > MAX_RUN) {
          throw new ImportRefused(413, "the workbook's part " + shown(part) + " has more than " + MAX_RUN
            + " bytes without markup, more than any cell holds: it is no workbook Excel writes");
        }
        switch (state) {
          case TEXT -> {
            if (inString && (b & 0xC0) != 0x80) {
              // A character starts here (UTF-8); from U+0100 on (lead byte C4 and up) Java stores 2 bytes a char.
              chars++;
              wide |= (b & 0xFF) >= 0xC4;
            }
          }
          case NAME -> name(b);
          case TAG -> tag(b);
          default -> throw new IllegalStateException(state.name());
        }
      }
    }

    private void name(byte b) {
      if (b == '/' && nameLength == 0) {
        closing = true;
      } else if (b == ':') {
        nameLength = 0; // a namespace prefix: the local name follows
      } else if (b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '>' || b == '/') {
        startTag();
        state = b == '>' ? State.TEXT : State.TAG;
        window = b == '>' || b == '/' ? 0 : ' ';
      } else if (nameLength < name.length) {
        name[nameLength++] = b;
      } else {
        nameLength = name.length + 1;
      }
    }

    private void startTag() {
      cellTag = false;
      window = 0;
      refLetters = -1;
      if (closing) {
        return;
      }
      if (sheet && is("row")) {
        cells = 0;
      } else if (sheet && is("c")) {
        cellTag = true;
        if (++cells > MAX_CELLS) {
          throw new ImportRefused(413, "a row of the workbook's sheet " + shown(part) + " has more than " + MAX_CELLS
            + " cells, more than Excel's 16,384 columns");
        }
      } else if (sharedStrings && is("si")) {
        endString();
        strings++;
        inString = true;
      }
    }

    private void tag(byte b) {
      if (quote != 0) {
        if (b == quote) {
          quote = 0;
          refLetters = -1;
        } else if (refLetters >= 0) {
          if ((b >= 'A' && b <= 'Z') || (b >= 'a' && b <= 'z')) {
            if (++refLetters > 3) {
              throw new ImportRefused(413, "a cell of the workbook's sheet " + shown(part) + " is past column XFD, "
                + "Excel's last: it is no workbook Excel writes");
            }
          } else {
            refLetters = -2; // digits or '$': the letters are over
          }
        }
        return;
      }
      if (b == '>') {
        state = State.TEXT;
      } else if (b == '"' || b == '\'') {
        quote = b;
        // ' r="' in a cell's tag: its reference, whose letters are the column.
        refLetters = cellTag && window == (((' ' << 8) | 'r') << 8 | '=') ? 0 : -1;
      }
      if (b == '\t' || b == '\n' || b == '\r') {
        b = ' ';
      }
      window = ((window << 8) | (b & 0xFF)) & 0xFFFFFF;
    }

    /** Adds the shared string read so far to the estimate. */
    void endString() {
      if (inString) {
        stringsHeap += STRING_OVERHEAD + (wide ? 2 * chars : chars);
      }
      inString = false;
      chars = 0;
      wide = false;
    }

    private boolean is(String local) {
      if (nameLength != local.length()) {
        return false;
      }
      for (int i = 0; i < nameLength; i++) {
        if (name[i] != local.charAt(i)) {
          return false;
        }
      }
      return true;
    }
  }
}
