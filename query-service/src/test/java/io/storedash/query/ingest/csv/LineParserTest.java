package io.storedash.query.ingest.csv;

import org.junit.jupiter.api.Test;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LineParserTest {

  private static final List<String> ZH_HEADER = List.of("订单ID", "门店ID", "门店名称", "渠道", "下单时间", "条码", "商品名称",
    "一级分类名", "销量", "实收价格", "商品实售价", "商品原价", "成本", "利润额", "平台服务费", "企客后返", "物流配送费", "满减金额",
    "用户支付配送费", "打包袋金额", "配送距离", "收货地址", "备注");

  private final RejectionList rejections = new RejectionList();

  @Test
  void aLineOfThePlatformsExport() {
    ParsedLine line = parse(ZH_HEADER, "A1,1001,和兴路店,美团闪购,2026-03-01 12:30:00,6920,可口可乐 330ml,饮料,2,¥3.50,3.80,4,"
      + "5.10,1.90,0.42,0.10,5,,3,1,1800,某路 1 号,备注");
    assertThat(rejections.first()).isEmpty();
    assertThat(line.storeKey()).isEqualTo("id:1001");
    assertThat(line.storeExternalId()).isEqualTo("1001");
    assertThat(line.channel()).isEqualTo("美团闪购");
    assertThat(line.sku()).as("the barcode is the product's key").isEqualTo("6920");
    assertThat(line.quantity()).isEqualTo(2);
    assertThat(line.unitPrice()).isEqualTo(350);
    assertThat(line.salePrice()).isEqualTo(380);
    assertThat(line.listPrice()).isEqualTo(400);
    assertThat(line.cost()).as("成本 is the line's cost").isEqualTo(510);
    assertThat(line.grossProfit()).isEqualTo(190);
    assertThat(line.serviceFee()).isEqualTo(42);
    assertThat(line.rebate()).isEqualTo(10);
    assertThat(line.distance()).isEqualTo(1800);
    assertThat(line.orderMoney()[ImportColumn.ORDER_MONEY.indexOf(ImportColumn.DELIVERY_COST)]).isEqualTo(500);
    assertThat(line.orderMoney()[ImportColumn.ORDER_MONEY.indexOf(ImportColumn.FULL_REDUCTION)]).isNull();
    assertThat(line.orderMoney()[ImportColumn.ORDER_MONEY.indexOf(ImportColumn.PACKAGING_FEE)]).isEqualTo(100);
  }

  @Test
  void refundedLinesAndNegativeMoneyAreAccepted() {
    ParsedLine refunded = parse(ZH_HEADER, "A1,1001,和兴路店,饿了么,2026-03-01 12:30:00,6920,可口可乐 330ml,饮料,0,3.50,3.50,4,"
      + "0,0,0,,,,,,,,");
    ParsedLine negative = parse(ZH_HEADER, "A2,1001,和兴路店,饿了么,2026-03-01 12:30:00,6920,可口可乐 330ml,饮料,-1,3.50,3.50,4,"
      + "-2.00,-1.50,-0.20,,,,,,,,");
    assertThat(rejections.first()).isEmpty();
    assertThat(refunded.quantity()).isZero();
    assertThat(negative.quantity()).isEqualTo(-1);
    assertThat(negative.cost()).isEqualTo(-200);
    assertThat(negative.serviceFee()).isEqualTo(-20);
  }

  @Test
  void storeDashsLayoutAnyCaseAndDefaults() {
    List<String> header = List.of("Order ID", "STORE_NAME", "channel", "ordered-at", "product_name", "quantity", "unit_price", "unit_cost");
    ParsedLine line = parse(header, " A2 , 中山路店 ,Eleme,2026/3/1 9:05,新鲜鸡蛋 10枚,2.00,\"1,234.50\",8");
    assertThat(rejections.first()).isEmpty();
    assertThat(line.storeKey()).isEqualTo("name:中山路店");
    assertThat(line.storeCode()).isNull();
    assertThat(line.channel()).isEqualTo("Eleme");
    assertThat(line.localTime()).isEqualTo(LocalDateTime.of(2026, 3, 1, 9, 5));
    assertThat(line.sku()).isEqualTo(LineParser.derivedSku("新鲜鸡蛋 10枚")).startsWith("N-").hasSize(14);
    assertThat(line.skuDerived()).isTrue();
    assertThat(line.category()).isEqualTo("未分类");
    assertThat(line.quantity()).isEqualTo(2);
    assertThat(line.unitPrice()).isEqualTo(123450);
    assertThat(line.listPrice()).isEqualTo(123450);
    assertThat(line.cost()).as("unit_cost × quantity").isEqualTo(1600);
    assertThat(line.grossProfit()).isEqualTo(2 * 123450 - 1600);
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
      "list_price", "unit_cost", "discount", "distance_m");
    assertThat(parse(header, ",和兴路,,2026-02-30 10:00:00,,-2.5,abc,-1,1.234,x,-3")).isNull();
    assertThat(rejections.first()).extracting(r -> r.line() + " " + r.column() + ": " + r.reason()).containsExactly(
      "2 channel: is empty; every line needs it",
      "2 discount: must be an amount of yuan like 12.50, got 'x'",
      "2 distance_m: must be from 0 to 1000000, got -3",
      "2 list_price: must not be negative, got -1",
      "2 order_id: is empty; every line needs it",
      "2 ordered_at: is not a real date and time: '2026-02-30 10:00:00'",
      "2 product_name: is empty; every line needs it",
      "2 quantity: must be a whole number, got '-2.5'",
      "2 store_code: must be letters, digits, _ or - (at most 32), got '和兴路'",
      "2 unit_cost: has more than 2 decimals (cents), got 1.234",
      "2 unit_price: must be an amount of yuan like 12.50, got 'abc'");
  }

  @Test
  void quantitiesAndPrices() {
    List<String> header = List.of("order_id", "store_code", "channel", "ordered_at", "product_name", "quantity", "unit_price",
      "list_price", "unit_cost");
    assertThat(parse(header, "A,S1,meituan,2026-03-01 10:00:00,p,0,1,1,1")).as("a refunded line").isNotNull();
    assertThat(parse(header, "A,S1,meituan,2026-03-01 10:00:00,p,1.5,1,1,1")).isNull();
    assertThat(parse(header, "A,S1,meituan,2026-03-01 10:00:00,p,2,5.00,4.99,1")).as("a list price below the price").isNotNull();
    assertThat(parse(header, "A,S1,meituan,yesterday,p,2,5,5,1")).isNull();
    assertThat(parse(header, "A,S1,meituan,2026-03-01 10:00:00,p,2000000,5,5,1")).isNull();
    assertThat(rejections.first()).extracting(r -> r.column() + ": " + r.reason()).containsExactly(
      "ordered_at: must be a time like 2026-03-01 12:30:00 (store-local) or 2026-03-01T12:30:00+08:00, got 'yesterday'",
      "quantity: must be a whole number, got '1.5'",
      "quantity: must be from -1000000 to 1000000, got 2000000");
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
    ImportHeader header = ImportHeader.parse(1, List.of("订单ID", "渠道", "商品名称", "quantity", "销量", "备注", "用户ID"));
    assertThat(header.ignored()).containsExactly("备注");
    assertThat(header.personal()).containsExactly("用户ID");
    assertThat(header.problems()).extracting(r -> r.line() + " " + r.column() + ": " + r.reason()).containsExactly(
      "1 quantity: the column is named twice (as 'quantity' and '销量'): keep one",
      "1 ordered_at: required column 下单时间 / ordered_at is missing",
      "1 unit_price: required column 实收价格 / unit_price is missing",
      "1 store_name: the store is missing: add the column 门店ID / store_id or 门店名称 / store_name",
      "1 cost: required column 成本 / cost (the line's cost) is missing");
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
