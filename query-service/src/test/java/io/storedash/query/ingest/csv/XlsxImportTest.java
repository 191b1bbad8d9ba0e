package io.storedash.query.ingest.csv;

import io.storedash.query.ingest.ExportXlsx;
import org.dhatim.fastexcel.reader.CellType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Workbooks through {@link CsvImportParser}: told from CSV by content, read through the same header and line rules,
 * cells converted as Excel shows them, and every archive that would not fit in memory refused before it is read.
 */
class XlsxImportTest {

  private static final List<String> HEADER = List.of("order_id", "ordered_at", "store_code", "channel", "product_name",
    "quantity", "unit_price", "cost");
  private static final long MIB = 1024 * 1024;

  private Set<Path> tempFilesBefore;

  @BeforeEach
  void listTempFiles() throws IOException {
    tempFilesBefore = importTempFiles();
  }

  /** Whatever a test did, the workbook's temporary file is gone. */
  @AfterEach
  void noTempFileIsLeft() throws IOException {
    assertThat(importTempFiles()).isSubsetOf(tempFilesBefore);
  }

  // ---- Detection ------------------------------------------------------------------------------------------------

  @Test
  void anOldXlsWorkbookIsRefusedByItsSignature() {
    byte[] xls = {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0, (byte) 0xA1, (byte) 0xB1, 0x1A, (byte) 0xE1, 0, 0, 0, 0};
    assertThatThrownBy(() -> parse(xls, 3, 10 * MIB))
      .isInstanceOfSatisfying(ImportRefused.class, e -> assertThat(e.code()).isEqualTo(400))
      .hasMessage("the file is an Excel 97–2003 .xls workbook: save it as .xlsx or CSV UTF-8");
  }

  @Test
  void aZipThatIsNoWorkbookIsRefused() {
    Map<String, byte[]> docx = new LinkedHashMap<>();
    docx.put("[Content_Types].xml", RawWorkbooks.utf8(RawWorkbooks.CONTENT_TYPES));
    docx.put("word/document.xml", RawWorkbooks.utf8("<w:document/>"));
    assertThatThrownBy(() -> parse(RawWorkbooks.zip(docx), 1000, 10 * MIB))
      .isInstanceOfSatisfying(ImportRefused.class, e -> assertThat(e.code()).isEqualTo(400))
      .hasMessageStartingWith("the file is not an .xlsx workbook: it is a ZIP archive without xl/workbook.xml");
    // Only the signature of a ZIP archive: no archive at all.
    assertThatThrownBy(() -> parse(new byte[] {'P', 'K', 3, 4, 20, 0, 6, 0, 8, 0, 0, 0, 33, 0}, 4, 10 * MIB))
      .isInstanceOfSatisfying(ImportRefused.class, e -> assertThat(e.code()).isEqualTo(400))
      .hasMessageStartingWith("the file is not an .xlsx workbook: it starts like a ZIP archive");
  }

  @Test
  void csvIsStillReadAsBefore() {
    String csv = String.join(",", HEADER) + "\nT1,2026-03-01 12:30:00,S001,meituan,可口可乐 330ml,2,3.50,2.00\n";
    CsvImportParser bom = parse(concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, csv.getBytes(StandardCharsets.UTF_8)), 5, 10 * MIB);
    assertThat(bom.encoding()).isEqualTo("UTF-8 (BOM)");
    assertThat(bom.staged()).isEqualTo(1);
    CsvImportParser gbk = parse(csv.getBytes(Charset.forName("GBK")), 7, 10 * MIB);
    assertThat(gbk.encoding()).isEqualTo("GBK");
    assertThat(gbk.convertedFromGbk()).isTrue();
    assertThat(gbk.workbook()).isFalse();
    assertThat(gbk.staged()).isEqualTo(1);
  }

  // ---- Cells ---------------------------------------------------------------------------------------------------

  @Test
  void numbersAreReadAsExcelShowsThem() {
    assertThat(XlsxSheetReader.number(new BigDecimal("0.30000000000000004"))).isEqualTo("0.3");
    assertThat(XlsxSheetReader.number(new BigDecimal("5.00"))).isEqualTo("5");
    assertThat(XlsxSheetReader.number(new BigDecimal("1.2E+3"))).isEqualTo("1200");
    assertThat(XlsxSheetReader.number(new BigDecimal("-0.0"))).isEqualTo("0");
    assertThat(XlsxSheetReader.number(new BigDecimal("12.349999999999999"))).isEqualTo("12.35");
    assertThat(XlsxSheetReader.number(new BigDecimal("6901234567890"))).isEqualTo("6901234567890");
    // A whole number keeps every digit: two 19-digit order ids written as numbers stay two orders.
    assertThat(XlsxSheetReader.number(new BigDecimal("8012345678901234567"))).isEqualTo("8012345678901234567");
    assertThat(XlsxSheetReader.number(new BigDecimal("8012345678901229999"))).isEqualTo("8012345678901229999");
    assertThat(XlsxSheetReader.text(CellType.BOOLEAN, Boolean.TRUE, false, false)).isEqualTo("true");
    assertThat(XlsxSheetReader.text(CellType.EMPTY, null, false, false)).isEmpty();
    // A number is a date only in the order-time column.
    assertThat(XlsxSheetReader.text(CellType.NUMBER, new BigDecimal("46328.5"), false, false)).isEqualTo("46328.5");
    assertThat(XlsxSheetReader.text(CellType.NUMBER, new BigDecimal("46328.5"), true, false)).isEqualTo("2026-11-02 12:00:00");
    assertThat(XlsxSheetReader.text(CellType.FORMULA, new BigDecimal("2"), false, false)).isEqualTo("2");
    assertThat(XlsxSheetReader.error(CellType.ERROR, "#DIV/0!", "#DIV/0!")).isEqualTo("#DIV/0!");
    assertThat(XlsxSheetReader.error(CellType.FORMULA, "#N/A", "#N/A")).isEqualTo("#N/A");
    assertThat(XlsxSheetReader.error(CellType.STRING, "#N/A", "#N/A")).isNull();
    assertThat(XlsxSheetReader.column(0)).isEqualTo("A");
    assertThat(XlsxSheetReader.column(27)).isEqualTo("AB");
    assertThat(XlsxSheetReader.column(16_383)).isEqualTo("XFD");
  }

  @Test
  void dateSerialsAreTimesToTheSecond() {
    assertThat(XlsxSheetReader.time(new BigDecimal("46328"), false)).isEqualTo("2026-11-02 00:00:00");
    assertThat(XlsxSheetReader.time(new BigDecimal("46328.427083333336"), false)).isEqualTo("2026-11-02 10:15:00");
    // 23:59:59.6 is the next day's first second, as Excel shows it.
    assertThat(XlsxSheetReader.time(new BigDecimal("46328.99999537"), false)).isEqualTo("2026-11-03 00:00:00");
    assertThat(XlsxSheetReader.time(new BigDecimal("46328.999988426"), false)).isEqualTo("2026-11-02 23:59:59");
    // Day 60 is Excel's 29 February 1900; from day 61 on the days count from 1899-12-30.
    assertThat(XlsxSheetReader.time(new BigDecimal("1"), false)).isEqualTo("1900-01-01 00:00:00");
    assertThat(XlsxSheetReader.time(new BigDecimal("61"), false)).isEqualTo("1900-03-01 00:00:00");
    assertThat(XlsxSheetReader.time(new BigDecimal("44866"), true)).isEqualTo("2026-11-02 00:00:00");
    assertThat(XlsxSheetReader.time(new BigDecimal("-1"), false)).isNull();
    assertThat(XlsxSheetReader.time(new BigDecimal("1E+300"), false)).isNull();
    // What the writer writes reads back to the same second.
    LocalDateTime time = LocalDateTime.of(2026, 11, 2, 23, 59, 59);
    assertThat(XlsxSheetReader.time(ExportXlsx.serial(time), false)).isEqualTo("2026-11-02 23:59:59");
  }

  // ---- Sheets --------------------------------------------------------------------------------------------------

  @Test
  void aWorkbookIsReadThroughTheSameRules() {
    Map<Integer, List<String>> rows = new LinkedHashMap<>();
    rows.put(1, header());
    // A date serial for the time, numbers for the amounts, a float artefact, a formula with its cached value.
    rows.put(2, List.of("A2:T1", "B2=46328.427083333336", "C2:S001", "D2:meituan", "E2:可口可乐 330ml", "F2~1+1|2",
      "G2=0.30000000000000004", "H2=0.2"));
    // Sparse: no channel cell is an empty channel (refused), the trailing cost cell is missing (refused).
    rows.put(3, List.of("A3:T2", "B3:2026-11-02 11:00:00", "C3:S001", "E3:薯片", "F3=1", "G3=3.5"));
    // Two empty rows in the middle (one with an empty cell): skipped, the numbering is the sheet's.
    rows.put(4, List.of());
    rows.put(5, List.of("C5:"));
    rows.put(6, List.of("A6:T3", "B6:2026-11-02 12:00:00", "C6=1001", "D6:eleme", "E6:面包", "F6?1", "G6=8", "H6=5"));
    CsvImportParser parser = parse(RawWorkbooks.zip(RawWorkbooks.parts(false, RawWorkbooks.sheet(rows))), 100, 10 * MIB);
    assertThat(parser.workbook()).isTrue();
    assertThat(parser.encoding()).isEqualTo("xlsx");
    assertThat(parser.lines()).isEqualTo(3);
    assertThat(rejections(parser)).containsExactly(
      "3 channel: is empty; every line needs it",
      "3 cost: is empty; every line needs it",
      // 销量 TRUE is text "true": not a number.
      "6 quantity: must be a whole number, got 'true'");
    List<ParsedLine> lines = staged(parser);
    assertThat(lines).hasSize(1);
    ParsedLine t1 = lines.get(0);
    assertThat(t1.line()).isEqualTo(2);
    assertThat(t1.localTime()).isEqualTo(LocalDateTime.of(2026, 11, 2, 10, 15));
    assertThat(t1.quantity()).isEqualTo(2);
    assertThat(t1.unitPrice()).isEqualTo(30);
    assertThat(t1.cost()).isEqualTo(20);
  }

  @Test
  void errorCellsRefuseTheirLineWhereTheColumnIsRead() {
    List<String> header = new ArrayList<>(header());
    header.add("I1:备注");
    Map<Integer, List<String>> rows = new LinkedHashMap<>();
    rows.put(1, header);
    rows.put(2, List.of("A2:T1", "B2:2026-11-02 10:00:00", "C2:S001", "D2:meituan", "E2:可乐", "F2=1", "G2~1/0|#DIV/0!",
      "H2=1", "I2!#N/A"));
    // An error in a column that is not read (备注) is no problem.
    rows.put(3, List.of("A3:T2", "B3:2026-11-02 10:00:00", "C3:S001", "D3:meituan", "E3:可乐", "F3=1", "G3=2", "H3=1",
      "I3!#REF!"));
    rows.put(4, List.of("A4:T3", "B4:2026-11-02 10:00:00", "C4!#NAME?", "D4:meituan", "E4:可乐", "F4=1", "G4=2", "H4=1"));
    CsvImportParser parser = parse(RawWorkbooks.zip(RawWorkbooks.parts(false, RawWorkbooks.sheet(rows))), 64, 10 * MIB);
    assertThat(rejections(parser)).containsExactly(
      "2 unit_price: is the spreadsheet error #DIV/0! (cell G2): correct the formula or the value in the workbook",
      "4 store_code: is the spreadsheet error #NAME? (cell C4): correct the formula or the value in the workbook");
    assertThat(parser.lines()).isEqualTo(3);
    assertThat(parser.staged()).isEqualTo(1);
  }

  @Test
  void aValueRightOfTheHeaderRefusesItsLine() {
    Map<Integer, List<String>> rows = new LinkedHashMap<>();
    rows.put(1, header());
    rows.put(2, List.of("A2:T1", "B2:2026-11-02 10:00:00", "C2:S001", "D2:meituan", "E2:可乐", "F2=1", "G2=2", "H2=1",
      "K2:stray"));
    CsvImportParser parser = parse(RawWorkbooks.zip(RawWorkbooks.parts(false, RawWorkbooks.sheet(rows))), 1 << 20, 10 * MIB);
    assertThat(rejections(parser)).containsExactly(
      "2 null: has a value in column K, right of the header's last column H: a column without a name in the header row?");
  }

  @Test
  void anEmptyFirstSheetIsAnEmptyFile() {
    Map<Integer, List<String>> second = new LinkedHashMap<>();
    second.put(1, header());
    // The first sheet has only empty rows; the data on the second sheet is not read.
    Map<Integer, List<String>> first = new LinkedHashMap<>();
    first.put(1, List.of("A1:"));
    CsvImportParser parser = parse(RawWorkbooks.zip(RawWorkbooks.parts(false, RawWorkbooks.sheet(first),
      RawWorkbooks.sheet(second))), 1 << 20, 10 * MIB);
    assertThat(rejections(parser)).containsExactly(
      "1 null: the file is empty: it needs a header row and at least one order line");
    CsvImportParser noRows = parse(RawWorkbooks.zip(RawWorkbooks.parts(false, RawWorkbooks.sheet(Map.of()))), 1 << 20, 10 * MIB);
    assertThat(rejections(noRows)).containsExactly(
      "1 null: the file is empty: it needs a header row and at least one order line");
  }

  @Test
  void aSheetWithoutKnownColumnsIsRefusedLikeCsv() {
    Map<Integer, List<String>> rows = new LinkedHashMap<>();
    rows.put(1, List.of("A1:订单明细数据导出汇总"));
    assertThatThrownBy(() -> parse(RawWorkbooks.zip(RawWorkbooks.parts(false, RawWorkbooks.sheet(rows))), 1 << 20, 10 * MIB))
      .isInstanceOfSatisfying(ImportRefused.class, e -> assertThat(e.code()).isEqualTo(400))
      .hasMessageStartingWith("the first line names none of the columns of an order export");
  }

  @Test
  void sharedStringsAndWrittenDatesReadBack() throws IOException {
    // Written by fastexcel as Excel writes: every text in the shared-strings table, times as date cells.
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ExportXlsx xlsx = new ExportXlsx(out, HEADER, ExportXlsx.Strings.SHARED)) {
      for (int i = 0; i < 12_000; i++) {
        xlsx.row(List.of("O" + i, new ExportXlsx.ExcelTime(LocalDateTime.of(2026, 11, 2, 0, 0).plusSeconds(i * 7L)),
          "S00" + (i % 3), i % 2 == 0 ? "美团闪购" : "饿了么", "商品 " + (i % 50), 1 + i % 3, new BigDecimal("2.50"),
          new BigDecimal("1.20")));
      }
    }
    CsvImportParser parser = parse(out.toByteArray(), 1 << 20, 100 * MIB);
    assertThat(rejections(parser)).isEmpty();
    List<ParsedLine> lines = staged(parser);
    assertThat(lines).hasSize(12_000);
    assertThat(lines.get(11_999).line()).isEqualTo(12_001);
    assertThat(lines.get(11_999).orderNo()).isEqualTo("O11999");
    assertThat(lines.get(11_999).localTime()).isEqualTo(LocalDateTime.of(2026, 11, 2, 0, 0).plusSeconds(11_999 * 7L));
    assertThat(lines.get(11_999).channel()).isEqualTo("饿了么");
    assertThat(lines.get(11_999).unitPrice()).isEqualTo(250);
  }

  // ---- Bounds --------------------------------------------------------------------------------------------------

  @Test
  void aWorkbookOverTheUploadLimitIsRefusedAsItArrives() {
    Map<Integer, List<String>> rows = new LinkedHashMap<>();
    rows.put(1, header());
    byte[] xlsx = RawWorkbooks.zip(RawWorkbooks.parts(false, RawWorkbooks.sheet(rows)));
    assertThatThrownBy(() -> parse(xlsx, 100, xlsx.length - 1))
      .isInstanceOfSatisfying(ImportRefused.class, e -> assertThat(e.code()).isEqualTo(413))
      .hasMessageStartingWith("the file is larger than the import limit");
  }

  @Test
  void anEntryThatUnpacksPastTheCapIsRefusedBeforeItIsRead() {
    Map<String, byte[]> parts = RawWorkbooks.parts(false, RawWorkbooks.sheet(Map.of(1, header())));
    // 41 MiB of zeros pack into ~41 KB: past 40 × a 1 MiB upload limit.
    parts.put("xl/media/image1.png", new byte[41 * 1024 * 1024]);
    byte[] bomb = RawWorkbooks.zip(parts);
    assertThat(bomb.length).isLessThan(1024 * 1024);
    assertThatThrownBy(() -> parse(bomb, 1 << 16, MIB))
      .isInstanceOfSatisfying(ImportRefused.class, e -> assertThat(e.code()).isEqualTo(413))
      .hasMessageStartingWith("the workbook's part 'xl/media/image1.png' unpacks to 42991616 bytes, more than the 41943040");
  }

  @Test
  void aPartThatUnpacksToMoreThanItDeclaresIsRefused() {
    Map<Integer, List<String>> rows = new LinkedHashMap<>();
    rows.put(1, header());
    rows.put(2, List.of("A2:" + "x".repeat(4000)));
    byte[] forged = RawWorkbooks.forgeDeclaredSize(RawWorkbooks.zip(RawWorkbooks.parts(false, RawWorkbooks.sheet(rows))),
      "xl/worksheets/sheet1.xml", 100);
    assertThatThrownBy(() -> parse(forged, 1 << 16, 10 * MIB))
      .isInstanceOfSatisfying(ImportRefused.class, e -> assertThat(e.code()).isEqualTo(413))
      .hasMessage("the workbook's part 'xl/worksheets/sheet1.xml' unpacks to more than the 100 bytes it declares: a forged "
        + "archive (a ZIP bomb?)");
  }

  @Test
  void whatNoExcelSheetHasIsRefusedBeforeItIsRead() {
    // A cell of 2 MiB: more than any cell holds (it would be one string in memory).
    Map<Integer, List<String>> huge = new LinkedHashMap<>();
    huge.put(1, List.of("A1:" + "订".repeat(700_000)));
    assertThatThrownBy(() -> parse(RawWorkbooks.zip(RawWorkbooks.parts(false, RawWorkbooks.sheet(huge))), 1 << 16, 10 * MIB))
      .isInstanceOfSatisfying(ImportRefused.class, e -> assertThat(e.code()).isEqualTo(413))
      .hasMessageContaining("bytes without markup");
    // A reference past column XFD would make the reader allocate a row of millions of cells.
    Map<Integer, List<String>> wide = new LinkedHashMap<>();
    wide.put(1, List.of("ZZZZZ1:x"));
    assertThatThrownBy(() -> parse(RawWorkbooks.zip(RawWorkbooks.parts(false, RawWorkbooks.sheet(wide))), 1 << 16, 10 * MIB))
      .isInstanceOfSatisfying(ImportRefused.class, e -> assertThat(e.code()).isEqualTo(413))
      .hasMessageContaining("past column XFD");
    // So would a row of more cells than Excel has columns.
    String manyCells = "<?xml version=\"1.0\"?><worksheet><sheetData><row r=\"1\">" + "<c/>".repeat(16_385)
      + "</row></sheetData></worksheet>";
    assertThatThrownBy(() -> parse(RawWorkbooks.zip(RawWorkbooks.parts(false, manyCells)), 1 << 16, 10 * MIB))
      .isInstanceOfSatisfying(ImportRefused.class, e -> assertThat(e.code()).isEqualTo(413))
      .hasMessageContaining("more than 16384 cells");
    // A row number past Excel's last row.
    Map<Integer, List<String>> tall = new LinkedHashMap<>();
    tall.put(1, header());
    tall.put(1_048_577, List.of("A1048577:T1"));
    assertThatThrownBy(() -> parse(RawWorkbooks.zip(RawWorkbooks.parts(false, RawWorkbooks.sheet(tall))), 1 << 16, 10 * MIB))
      .isInstanceOfSatisfying(ImportRefused.class, e -> assertThat(e.code()).isEqualTo(413))
      .hasMessageStartingWith("the sheet has more than 1048576 rows");
  }

  /**
   * The reader finds the shared strings and the sheets by their content type, not their name: a table renamed
   * xl/sst.bin, declared as the shared strings in [Content_Types].xml, gets the same budget; and a part with any
   * extension is inflated and counted, so a forged size there is caught too.
   */
  @Test
  void partsAreCheckedByTheirContentTypeNotTheirName() {
    StringBuilder sst = new StringBuilder("<?xml version=\"1.0\"?><sst>");
    for (int i = 0; i < 1000; i++) {
      sst.append("<si><t>string ").append(i).append("</t></si>");
    }
    Map<String, byte[]> parts = RawWorkbooks.parts(false, RawWorkbooks.sheet(Map.of(1, List.of("A1#0"))));
    parts.put("[Content_Types].xml", RawWorkbooks.utf8(RawWorkbooks.CONTENT_TYPES.replace("/xl/sharedStrings.xml", "/xl/sst.bin")));
    parts.put("xl/sst.bin", RawWorkbooks.utf8(sst.append("</sst>").toString()));
    CsvImportParser parser = new CsvImportParser(10 * MIB, 32 * 1024);
    parser.feed(RawWorkbooks.zip(parts));
    assertThatThrownBy(parser::finish)
      .isInstanceOfSatisfying(ImportRefused.class, e -> assertThat(e.code()).isEqualTo(413))
      .hasMessageStartingWith("the workbook's shared-strings table (1000 strings, ");

    Map<String, byte[]> odd = RawWorkbooks.parts(false, RawWorkbooks.sheet(Map.of(1, List.of("A1:订单ID"))));
    odd.put("xl/media/blob.bin", new byte[100_000]);
    byte[] forged = RawWorkbooks.forgeDeclaredSize(RawWorkbooks.zip(odd), "xl/media/blob.bin", 10);
    CsvImportParser forgedParser = new CsvImportParser(10 * MIB, MIB);
    forgedParser.feed(forged);
    assertThatThrownBy(forgedParser::finish)
      .isInstanceOfSatisfying(ImportRefused.class, e -> assertThat(e.code()).isEqualTo(413))
      .hasMessageContaining("unpacks to more than the 10 bytes it declares");
  }

  /** A workbook copy a killed query-service left behind is deleted at the next start; one in use is not. */
  @Test
  void staleWorkbookCopiesAreDeletedAndFreshOnesKept(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.time.Instant now = java.time.Instant.parse("2026-12-03T08:00:00Z");
    java.nio.file.Path stale = java.nio.file.Files.createFile(dir.resolve(CsvImportParser.SPOOL_PREFIX + "1" + CsvImportParser.SPOOL_SUFFIX));
    java.nio.file.Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.from(now.minusSeconds(7_200)));
    java.nio.file.Path busy = java.nio.file.Files.createFile(dir.resolve(CsvImportParser.SPOOL_PREFIX + "2" + CsvImportParser.SPOOL_SUFFIX));
    java.nio.file.Files.setLastModifiedTime(busy, java.nio.file.attribute.FileTime.from(now.minusSeconds(60)));
    java.nio.file.Path other = java.nio.file.Files.createFile(dir.resolve("someone-else.xlsx"));
    java.nio.file.Files.setLastModifiedTime(other, java.nio.file.attribute.FileTime.from(now.minusSeconds(7_200)));
    assertThat(CsvImportParser.deleteStaleSpools(dir, java.time.Duration.ofHours(1), now)).isEqualTo(1);
    assertThat(stale).doesNotExist();
    assertThat(busy).exists();
    assertThat(other).exists();
  }

  @Test
  void aSharedStringsTableOverTheHeapBudgetIsRefused() {
    StringBuilder sst = new StringBuilder("<?xml version=\"1.0\"?><sst>");
    for (int i = 0; i < 1000; i++) {
      sst.append("<si><t>string ").append(i).append("</t></si>");
    }
    Map<String, byte[]> parts = RawWorkbooks.parts(false, RawWorkbooks.sheet(Map.of(1, List.of("A1#0"))));
    parts.put("xl/sharedStrings.xml", RawWorkbooks.utf8(sst.append("</sst>").toString()));
    byte[] xlsx = RawWorkbooks.zip(parts);
    // 1,000 strings of 10 Latin-1 characters: about 58 KB once read.
    CsvImportParser parser = new CsvImportParser(10 * MIB, 32 * 1024);
    parser.feed(xlsx);
    assertThatThrownBy(parser::finish)
      .isInstanceOfSatisfying(ImportRefused.class, e -> assertThat(e.code()).isEqualTo(413))
      .hasMessageStartingWith("the workbook's shared-strings table (1000 strings, ");
    // Within the budget, the same workbook is read.
    CsvImportParser roomy = new CsvImportParser(10 * MIB, MIB);
    roomy.feed(xlsx);
    assertThatThrownBy(() -> {
      roomy.finish();
      roomy.readRows();
    }).hasMessageStartingWith("the first line names none of the columns");
  }

  // ---- Helpers -------------------------------------------------------------------------------------------------

  private static List<String> header() {
    List<String> cells = new ArrayList<>();
    for (int i = 0; i < HEADER.size(); i++) {
      cells.add(XlsxSheetReader.column(i) + "1:" + HEADER.get(i));
    }
    return cells;
  }

  /** Feeds the file in chunks, ends it and reads every row; the parser keeps the rejections and counts. */
  private final Map<CsvImportParser, List<ParsedLine>> stagedLines = new LinkedHashMap<>();

  private CsvImportParser parse(byte[] file, int chunk, long maxBytes) {
    CsvImportParser parser = new CsvImportParser(maxBytes);
    List<ParsedLine> lines = new ArrayList<>();
    try {
      for (int from = 0; from < file.length; from += chunk) {
        parser.feed(Arrays.copyOfRange(file, from, Math.min(file.length, from + chunk)));
        parser.takeBatches().forEach(lines::addAll);
      }
      parser.finish();
      parser.takeBatches().forEach(lines::addAll);
      while (parser.rowsRemain()) {
        parser.readRows().forEach(lines::addAll);
      }
    } finally {
      parser.close();
    }
    stagedLines.put(parser, lines);
    return parser;
  }

  private List<ParsedLine> staged(CsvImportParser parser) {
    return stagedLines.get(parser);
  }

  private static List<String> rejections(CsvImportParser parser) {
    return parser.rejections().first().stream().map(r -> r.line() + " " + r.column() + ": " + r.reason())
      .collect(Collectors.toList());
  }

  private static Set<Path> importTempFiles() throws IOException {
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files.filter(f -> f.getFileName().toString().startsWith("storedash-import-")).collect(Collectors.toSet());
    }
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
