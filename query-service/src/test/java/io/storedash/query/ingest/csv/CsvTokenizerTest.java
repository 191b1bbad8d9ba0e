package io.storedash.query.ingest.csv;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CsvTokenizerTest {

  private static final String TEXT = "id,name,qty\r\n"
    + "1,\"可口可乐, 330ml\",2\r\n"
    + "\r\n"
    + "2,\"礼盒\r\n第二行 \"\"特价\"\"\",1\r\n"
    + "3,plain,\n"
    + "4,\"\",5";

  private static final List<String> EXPECTED = List.of(
    "1:[id, name, qty]",
    "2:[1, 可口可乐, 330ml, 2]",
    "4:[2, 礼盒\r\n第二行 \"特价\", 1]",
    "6:[3, plain, ]",
    "7:[4, , 5]");

  @Test
  void quotesCommasLineBreaksAndLineNumbers() {
    assertThat(tokenize(List.of(TEXT))).containsExactlyElementsOf(EXPECTED);
  }

  @Test
  void everySplitGivesTheSameRecords() {
    for (int split = 0; split <= TEXT.length(); split++) {
      assertThat(tokenize(List.of(TEXT.substring(0, split), TEXT.substring(split)))).as("split at %d", split)
        .containsExactlyElementsOf(EXPECTED);
    }
    List<String> singleChars = new ArrayList<>();
    for (char c : TEXT.toCharArray()) {
      singleChars.add(String.valueOf(c));
    }
    assertThat(tokenize(singleChars)).containsExactlyElementsOf(EXPECTED);
  }

  @Test
  void lfOnlyAndLoneCrLineEnds() {
    assertThat(tokenize(List.of("a,b\n1,2\n"))).containsExactly("1:[a, b]", "2:[1, 2]");
    assertThat(tokenize(List.of("a,b\r1,2\r"))).containsExactly("1:[a, b]", "2:[1, 2]");
    assertThat(tokenize(List.of("a,\"x\ny\"\n1,2"))).containsExactly("1:[a, x\ny]", "3:[1, 2]");
  }

  @Test
  void strayQuotesAreKept() {
    assertThat(tokenize(List.of("a,5\"寸,\"b\"c\n"))).containsExactly("1:[a, 5\"寸, bc]");
  }

  @Test
  void anUnclosedQuoteIsReportedWhereItOpens() {
    List<String> records = new ArrayList<>();
    CsvTokenizer tokenizer = new CsvTokenizer((line, fields) -> records.add(line + ":" + fields));
    tokenizer.feed("a,b\n1,\"never closed\n2,3\n");
    assertThatThrownBy(tokenizer::finish).isInstanceOf(CsvFormatException.class)
      .hasMessageContaining("never closed").extracting(e -> ((CsvFormatException) e).line()).isEqualTo(2);
    CsvTokenizer endless = new CsvTokenizer((line, fields) -> { });
    assertThatThrownBy(() -> endless.feed("a\n\"" + "x".repeat(CsvTokenizer.MAX_FIELD_CHARS + 1)))
      .isInstanceOf(CsvFormatException.class).hasMessageContaining("closing quote").extracting(e -> ((CsvFormatException) e).line())
      .isEqualTo(2);
  }

  private static List<String> tokenize(List<String> pieces) {
    List<String> records = new ArrayList<>();
    CsvTokenizer tokenizer = new CsvTokenizer((line, fields) -> records.add(line + ":" + fields));
    pieces.forEach(tokenizer::feed);
    tokenizer.finish();
    return records;
  }
}
