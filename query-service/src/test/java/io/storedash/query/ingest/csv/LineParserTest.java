package io.storedash.query.ingest.csv;

import io.storedash.query.Channel;
import org.junit.jupiter.api.Test;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LineParserTest {

  private static final List<String> ZH_HEADER = List.of("订单ID", "门店编码", "门店名称", "渠道", "下单时间", "商品编码", "商品名称",
    "一级分类名", "销量", "商品实售价", "商品原价", "成本", "物流配送费", "平台服务费", "满减金额", "用户支付配送费", "打包袋金额", "备注");

  private final RejectionList rejections = new RejectionList();

  @Test
  void aChineseLine() {
    ParsedLine line = parse(ZH_HEADER, "A1,S001,和兴路店,美团,2026-03-01 12:30:00,6920,可口可乐 330ml,饮料,2,¥3.50,4,2.10,5,0.48,,3,1,备注");
    assertThat(rejections.first()).isEmpty();
    assertThat(line).isEqualTo(new ParsedLine(2, "A1", "S001", "和兴路店", "S001", Channel.MEITUAN,
      LocalDateTime.of(2026, 3, 1, 12, 30), null, "6920", false, "可口可乐 330ml", "饮料", 2, 350, 400, 210, 500L, 48L, null,
      300L, 100L));
  }

  @Test
  void englishHeadersAnyCaseAndDefaults() {
    List<String> header = List.of("Order ID", "STORE_NAME", "channel", "ordered-at", "product_name", "quantity", "unit_price", "unit_cost");
    ParsedLine line = parse(header, " A2 , 中山路店 ,Eleme,2026/3/1 9:05,新鲜鸡蛋 10枚,2.00,\"1,234.50\",8");
    assertThat(rejections.first()).isEmpty();
    assertThat(line.storeKey()).isEqualTo("#中山路店");
    assertThat(line.storeCode()).isNull();
    assertThat(line.channel()).isEqualTo(Channel.ELEME);
    assertThat(line.localTime()).isEqualTo(LocalDateTime.of(2026, 3, 1, 9, 5));
    assertThat(line.sku()).isEqualTo(LineParser.derivedSku("新鲜鸡蛋 10枚")).startsWith("N-").hasSize(14);
    assertThat(line.skuDerived()).isTrue();
    assertThat(line.category()).isEqualTo("未分类");
    assertThat(line.quantity()).isEqualTo(2);
    assertThat(line.unitPrice()).isEqualTo(123450);
    assertThat(line.listPrice()).isEqualTo(123450);
    assertThat(line.deliveryCost()).isNull();
  }

  @Test
  void isoTimesWithAnOffsetAreInstants() {
    List<String> header = List.of("order_id", "store_code", "channel", "ordered_at", "product_name", "quantity", "unit_price", "unit_cost");
    assertThat(parse(header, "A,S1,jddj,2026-03-01T15:59:59Z,p,1,1,1").instant())
      .isEqualTo(OffsetDateTime.parse("2026-03-01T15:59:59Z"));
    assertThat(parse(header, "A,S1,线下,2026-03-01T23:59:59.5+08:00,p,1,1,1").instant())
      .isEqualTo(OffsetDateTime.parse("2026-03-01T23:59:59.5+08:00"));
    assertThat(parse(header, "A,S1,线下,2026-03-01T23:59:59,p,1,1,1").localTime())
      .isEqualTo(LocalDateTime.of(2026, 3, 1, 23, 59, 59));
    assertThat(rejections.first()).isEmpty();
  }

  @Test
  void everyBadCellOfALineIsNamed() {
    List<String> header = List.of("order_id", "store_code", "channel", "ordered_at", "product_name", "quantity", "unit_price",
      "list_price", "unit_cost", "discount");
    assertThat(parse(header, ",和兴路,微信,2026-02-30 10:00:00,,-2,abc,-1,1.234,-5")).isNull();
    assertThat(rejections.first()).extracting(r -> r.line() + " " + r.column() + ": " + r.reason()).containsExactly(
      "2 channel: must be one of 美团/meituan, 饿了么/eleme, 京东到家/jddj, 线下/offline, got '微信'",
      "2 discount: must not be negative, got -5",
      "2 list_price: must not be negative, got -1",
      "2 order_id: is empty; every line needs it",
      "2 ordered_at: is not a real date and time: '2026-02-30 10:00:00'",
      "2 product_name: is empty; every line needs it",
      "2 quantity: must be a whole number > 0, got '-2'",
      "2 store_code: must be letters, digits, _ or - (at most 32), got '和兴路'",
      "2 unit_cost: has more than 2 decimals (cents), got 1.234",
      "2 unit_price: must be an amount of yuan like 12.50, got 'abc'");
  }

  @Test
  void quantitiesAndPrices() {
    List<String> header = List.of("order_id", "store_code", "channel", "ordered_at", "product_name", "quantity", "unit_price",
      "list_price", "unit_cost");
    assertThat(parse(header, "A,S1,meituan,2026-03-01 10:00:00,p,0,1,1,1")).isNull();
    assertThat(parse(header, "A,S1,meituan,2026-03-01 10:00:00,p,1.5,1,1,1")).isNull();
    assertThat(parse(header, "A,S1,meituan,2026-03-01 10:00:00,p,2,5.00,4.99,1")).isNull();
    assertThat(parse(header, "A,S1,meituan,yesterday,p,2,5,5,1")).isNull();
    assertThat(parse(header, "A,S1,meituan,2026-03-01 10:00:00,p,3,0,0,0")).isNotNull();
    assertThat(rejections.first()).extracting(r -> r.column() + ": " + r.reason()).containsExactly(
      "list_price: must be at least the unit price 5.00, got 4.99",
      "ordered_at: must be a time like 2026-03-01 12:30:00 (store-local) or 2026-03-01T12:30:00+08:00, got 'yesterday'",
      "quantity: must be a whole number > 0, got '1.5'",
      "quantity: must be a whole number > 0, got 0");
  }

  @Test
  void tooManyOrTooFewFields() {
    List<String> header = List.of("order_id", "store_code", "channel", "ordered_at", "product_name", "quantity", "unit_price", "unit_cost");
    assertThat(parse(header, "A,S1,meituan,2026-03-01 10:00:00,p,1,1")).isNull();
    assertThat(parse(header, "A,S1,meituan,2026-03-01 10:00:00,p,1,1,1,extra")).isNull();
    assertThat(parse(header, "A,S1,meituan,2026-03-01 10:00:00,p,1,1,1,,")).as("empty trailing fields are fine").isNotNull();
    assertThat(rejections.first()).extracting(r -> r.column() + ": " + r.reason()).containsExactly(
      "null: has 7 field(s) where the header has 8: a value or a comma is missing",
      "null: has 9 fields where the header has 8: an extra comma, or a value with a comma that is not in quotes?");
  }

  @Test
  void theHeaderNamesWhatIsMissingOrTwice() {
    ImportHeader header = ImportHeader.parse(1, List.of("订单ID", "渠道", "商品名称", "quantity", "销量", "备注"));
    assertThat(header.ignored()).containsExactly("备注");
    assertThat(header.problems()).extracting(r -> r.line() + " " + r.column() + ": " + r.reason()).containsExactly(
      "1 quantity: the column is named twice (as 'quantity' and '销量'): keep one",
      "1 ordered_at: required column 下单时间 / ordered_at is missing",
      "1 unit_price: required column 商品实售价 / unit_price is missing",
      "1 unit_cost: required column 成本 / unit_cost is missing",
      "1 store_code: the store is missing: add the column 门店编码 / store_code or 门店名称 / store_name");
    assertThatThrownBy(() -> ImportHeader.parse(1, List.of("PK\u0003\u0004", "garbage")))
      .isInstanceOf(ImportRefused.class).hasMessageContaining("not an order export");
  }

  @Test
  void rejectionsKeepTheFirstByLineAndCountAll() {
    RejectionList list = new RejectionList(3);
    for (int line : new int[] {9, 4, 7, 2, 8, 3}) {
      list.add(new Rejection(line, null, "bad"));
    }
    assertThat(list.total()).isEqualTo(6);
    assertThat(list.first()).extracting(Rejection::line).containsExactly(2, 3, 4);
  }

  private ParsedLine parse(List<String> header, String csv) {
    ImportHeader parsed = ImportHeader.parse(1, header);
    List<String> fields = new ArrayList<>();
    new CsvTokenizer((line, f) -> fields.addAll(f)).feed(csv + "\n");
    return new LineParser(parsed, rejections).parse(2, fields.isEmpty() ? Arrays.asList("") : fields);
  }
}
