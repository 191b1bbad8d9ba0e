package io.storedash.query.ingest.csv;

import org.junit.jupiter.api.Test;

import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TextDecoderTest {

  private static final String TEXT = "订单ID,门店名称,渠道\r\nA1,和兴路店,美团\r\nA2,\"中山路店, 二楼\",饿了么\r\n";
  private static final Charset GBK = Charset.forName("GBK");

  @Test
  void utf8WithAndWithoutBomAtEverySplit() {
    byte[] plain = TEXT.getBytes(StandardCharsets.UTF_8);
    byte[] bom = concat(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF}, plain);
    for (int split = 0; split <= bom.length; split++) {
      TextDecoder decoder = new TextDecoder();
      assertThat(decodeSplit(decoder, bom, split)).as("split at %d", split).isEqualTo(TEXT);
      assertThat(decoder.encoding()).isEqualTo("UTF-8 (BOM)");
    }
    for (int split = 0; split <= plain.length; split++) {
      TextDecoder decoder = new TextDecoder();
      assertThat(decodeSplit(decoder, plain, split)).isEqualTo(TEXT);
      assertThat(decoder.encoding()).isEqualTo("UTF-8");
      assertThat(decoder.convertedFromGbk()).isFalse();
    }
  }

  @Test
  void gbkIsDetectedAndConvertedAtEverySplit() {
    byte[] gbk = TEXT.getBytes(GBK);
    for (int split = 0; split <= gbk.length; split++) {
      TextDecoder decoder = new TextDecoder();
      assertThat(decodeSplit(decoder, gbk, split)).as("split at %d", split).isEqualTo(TEXT);
      assertThat(decoder.encoding()).isEqualTo("GBK");
      assertThat(decoder.convertedFromGbk()).isTrue();
    }
  }

  @Test
  void oneByteAtATimeDecidesOnAFullWindow() {
    String long8k = "order_id\n" + "x".repeat(9000) + "\n" + "和兴路店\n".repeat(2000);
    for (Charset charset : new Charset[] {StandardCharsets.UTF_8, GBK}) {
      byte[] bytes = long8k.getBytes(charset);
      TextDecoder decoder = new TextDecoder();
      StringBuilder out = new StringBuilder();
      for (byte b : bytes) {
        out.append(decoder.decode(new byte[] {b}, false));
      }
      out.append(decoder.decode(new byte[0], true));
      assertThat(out.toString()).isEqualTo(long8k);
      assertThat(decoder.convertedFromGbk()).isEqualTo(charset == GBK);
    }
  }

  @Test
  void plainAsciiIsUtf8() {
    TextDecoder decoder = new TextDecoder();
    assertThat(decoder.decode("a,b\n1,2\n".getBytes(StandardCharsets.US_ASCII), true)).isEqualTo("a,b\n1,2\n");
    assertThat(decoder.encoding()).isEqualTo("UTF-8");
  }

  @Test
  void workbooksUtf16AndBinaryAreRefusedWithWhatToDo() {
    assertRefused(new byte[] {'P', 'K', 3, 4, 20, 0, 6, 0}, "a ZIP archive (an Excel .xlsx workbook is one)");
    assertRefused(new byte[] {0x1F, (byte) 0x8B, 8, 0, 0, 0, 0, 0}, "the file is gzip-compressed, not CSV text");
    assertRefused(new byte[] {'%', 'P', 'D', 'F', '-', '1', '.', '7'}, "a PDF document");
    assertRefused(new byte[] {(byte) 0xD0, (byte) 0xCF, 0x11, (byte) 0xE0, 1, 2}, "(.xls)");
    assertRefused("a,b".getBytes(StandardCharsets.UTF_16LE), "NUL byte");
    assertRefused(concat(new byte[] {(byte) 0xFF, (byte) 0xFE}, "a,b".getBytes(StandardCharsets.UTF_16LE)), "UTF-16");
    assertRefused(new byte[] {'a', ',', 'b', 0, 'c', '\n'}, "NUL byte at byte 3");
    assertRefused(new byte[] {'a', ',', (byte) 0xFF, (byte) 0xFF, (byte) 0xFF, '\n'}, "neither UTF-8 nor GBK");
  }

  @Test
  void aBadSequenceAfterTheDecisionNamesItsOffset() {
    byte[] good = "名称\n".repeat(5000).getBytes(StandardCharsets.UTF_8);
    byte[] bad = concat(good, new byte[] {(byte) 0xE5, 'x', '\n'});
    TextDecoder decoder = new TextDecoder();
    decoder.decode(Arrays.copyOf(bad, 9000), false);
    assertThatThrownBy(() -> decoder.decode(Arrays.copyOfRange(bad, 9000, bad.length), true))
      .isInstanceOf(ImportRefused.class)
      .hasMessageContaining("not valid UTF-8 text at byte " + good.length)
      .extracting(e -> ((ImportRefused) e).code()).isEqualTo(400);
  }

  @Test
  void aTruncatedLastCharacterIsRefused() {
    byte[] bytes = "a,和兴路店,中山路店,和".getBytes(StandardCharsets.UTF_8);
    TextDecoder decoder = new TextDecoder();
    assertThatThrownBy(() -> decoder.decode(Arrays.copyOf(bytes, bytes.length - 1), true))
      .isInstanceOf(ImportRefused.class);
  }

  private static void assertRefused(byte[] bytes, String message) {
    assertThatThrownBy(() -> new TextDecoder().decode(bytes, true))
      .isInstanceOf(ImportRefused.class)
      .hasMessageContaining(message)
      .extracting(e -> ((ImportRefused) e).code()).isEqualTo(400);
  }

  private static String decodeSplit(TextDecoder decoder, byte[] bytes, int split) {
    return decoder.decode(Arrays.copyOf(bytes, split), false)
      + decoder.decode(Arrays.copyOfRange(bytes, split, bytes.length), false)
      + decoder.decode(new byte[0], true);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}
