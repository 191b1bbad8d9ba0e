package io.storedash.gateway;

import io.storedash.common.DashboardQuery;
import io.storedash.common.Gzip;
import io.storedash.common.QueryKind;
import io.storedash.common.ReplyHeaders;
import io.storedash.common.RequestHeaders;
import io.storedash.common.testing.Eventually;
import io.storedash.common.testing.ManualClock;
import io.storedash.gateway.auth.Sessions;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.ext.web.client.HttpResponse;
import org.dhatim.fastexcel.reader.CellType;
import org.dhatim.fastexcel.reader.ReadableWorkbook;
import org.dhatim.fastexcel.reader.ReadingOptions;
import org.dhatim.fastexcel.reader.Row;
import org.dhatim.fastexcel.reader.Sheet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exports of the views (docs/DESIGN.md §13.1) against a stand-in cache-service that serves a store's order lines a
 * page at a time: the rows of the CSV and of the workbook are the JSON view's rows over every page, text a
 * spreadsheet would run as a formula stays text, a manager gets the JSON view's 404 for a store outside their access,
 * and the parameters and the flood of exports are refused as documented.
 */
class ExportTest {

  /** More lines than two pages of the largest page (500). */
  static final int LINES = 1_234;
  static final int MAX_ROWS = 60_000;
  /** The lines of S004, a store whose export is measured. */
  static final int LARGE = 50_000;
  /** Text that a spreadsheet would take for a formula, and text CSV must quote. */
  static final List<String> HOSTILE = List.of("=HYPERLINK(\"http://evil.example\",\"点我\")", "+1+1", "-2+3", "@SUM(A1:A9)",
    "\tcmd", "\rcr", "a,b", "say \"hi\"", "两行\n文字");

  /** Cells read with their number formats. */
  static final ReadingOptions FORMATS = new ReadingOptions(true, false);
  private static StandIns gateway;
  private static String prefix;
  /** Replies held back, by the client they were asked for, while a test holds that client's pages. */
  private static final List<Message<JsonObject>> held = new CopyOnWriteArrayList<>();
  private static volatile String holdClient;

  @BeforeAll
  static void start() {
    // A page held back by a test waits for its answer, not for the request timeout.
    gateway = StandIns.withSignIn(Map.of("EXPORT_MAX_ROWS", String.valueOf(MAX_ROWS), "REQUEST_TIMEOUT", "30s"),
      new ManualClock());
    prefix = "x" + UUID.randomUUID().toString().substring(0, 8) + ".";
    gateway.cacheAnswer = ExportTest::answer;
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @BeforeEach
  void clear() {
    gateway.seenByCache.clear();
  }

  // ---- the stand-in cache-service ----------------------------------------------------------------------------------

  private static void answer(Message<JsonObject> msg) {
    if (holdClient != null && holdClient.equals(msg.headers().get(RequestHeaders.CLIENT))) {
      held.add(msg);
    } else {
      serve(msg);
    }
  }

  private static void serve(Message<JsonObject> msg) {
    DashboardQuery query = DashboardQuery.fromJson(msg.body());
    if (query.kind() == QueryKind.ORDERS && query.store().equals("S001")) {
      reply(msg, ordersPage(LINES, Integer.parseInt(query.param("page", "1")), Integer.parseInt(query.param("size", "50"))));
    } else if (query.kind() == QueryKind.ORDERS && query.store().equals("S004")) {
      reply(msg, ordersPage(LARGE, Integer.parseInt(query.param("page", "1")), Integer.parseInt(query.param("size", "50"))));
    } else if (query.kind() == QueryKind.DIAGNOSIS) {
      reply(msg, diagnosis());
    } else if (query.kind() == QueryKind.ORDERS && query.store().equals("S003")) {
      reply(msg, ordersPage(MAX_ROWS + 1, Integer.parseInt(query.param("page", "1")), Integer.parseInt(query.param("size", "50"))));
    } else if (query.kind() == QueryKind.OVERVIEW) {
      reply(msg, overview());
    } else if (query.kind() == QueryKind.HOURS) {
      reply(msg, hours());
    } else if (query.kind() == QueryKind.LOSING_PRODUCTS) {
      reply(msg, losingProducts(Integer.parseInt(query.param("page", "1")), Integer.parseInt(query.param("size", "50"))));
    } else {
      StandIns.echoHit(msg);
    }
  }

  static void reply(Message<JsonObject> msg, JsonObject view) {
    msg.reply(Buffer.buffer(Gzip.compress(view.encode().getBytes(StandardCharsets.UTF_8))),
      new DeliveryOptions().addHeader(ReplyHeaders.TIER, "L2").addHeader(ReplyHeaders.CACHE_STATUS, "HIT")
        .addHeader(ReplyHeaders.ENCODING, "gzip").addHeader(ReplyHeaders.ETAG, "W/\"v1\""));
  }

  /** Line {@code i} (0-based, newest first) of a store with {@code total} lines. */
  static JsonObject line(int i) {
    long cents = 100 + i * 37L;
    int quantity = 1 + i % 3;
    long cost = cents * quantity * 7 / 10 + (i % 11 == 0 ? cents * quantity : 0);
    return new JsonObject()
      .put("order_id", "O" + (100_000 + i / 2))
      .put("ordered_at", String.format("2026-10-%02dT%02d:%02d:00+08:00", 30 - i % 30, 8 + i % 12, i % 60))
      .put("channel", i % 2 == 0 ? "meituan" : "eleme")
      .put("sku", "SKU" + (i % 97))
      .put("product_name", i % 50 < HOSTILE.size() ? HOSTILE.get(i % 50) : "商品" + (i % 97))
      .put("quantity", quantity)
      .put("unit_price", money(cents))
      .put("list_price", money(cents + 50))
      .put("revenue", money(cents * quantity))
      .put("cost", money(cost))
      .put("gross_profit", money(cents * quantity - cost))
      .put("service_fee", money(i % 7 == 0 ? 0 : cents / 10))
      .put("valid_order", i % 13 != 0);
  }

  static BigDecimal money(long cents) {
    return BigDecimal.valueOf(cents, 2);
  }

  static JsonObject ordersPage(int total, int page, int size) {
    JsonArray lines = new JsonArray();
    for (int i = (page - 1) * size; i < Math.min(total, page * size); i++) {
      lines.add(line(i));
    }
    return new JsonObject().put("store", "S001").put("from", "2026-10-01").put("to", "2026-10-30").put("page", page)
      .put("size", size).put("total", total).put("lines", lines);
  }

  static JsonObject overview() {
    JsonObject kpis = new JsonObject().put("orders", 120).put("revenue", new BigDecimal("1234.50"))
      .put("profit_margin", new BigDecimal("0.3064")).put("aov", null).put("active_products", 33);
    JsonObject previous = new JsonObject().put("from", "2026-09-01").put("to", "2026-09-30").put("orders", 100)
      .put("revenue", new BigDecimal("1000.00")).put("profit_margin", new BigDecimal("0.3079")).put("aov", null)
      .put("active_products", 30);
    JsonObject change = new JsonObject().put("orders", new JsonObject().put("relative", new BigDecimal("0.2000")))
      .put("revenue", new JsonObject().put("relative", new BigDecimal("0.2345")))
      .put("profit_margin", new JsonObject().put("points", new BigDecimal("-0.15")))
      .put("aov", new JsonObject().put("relative", null))
      .put("active_products", new JsonObject().put("relative", new BigDecimal("0.1000")));
    return new JsonObject().put("store", "S001").put("from", "2026-10-01").put("to", "2026-10-30").put("kpis", kpis)
      .put("previous", previous).put("change", change);
  }

  static JsonObject diagnosis() {
    JsonObject flagged = new JsonObject().put("sku", "SKU1").put("name", "牛奶").put("category", "乳品").put("quantity", 3)
      .put("revenue", new BigDecimal("-1.00")).put("quadrant", "laggard").put("quadrant_zh", "问题").put("score", 35)
      .put("trend", null).put("flags", new JsonArray()
        .add(new JsonObject().put("code", "negative_margin").put("name_zh", "负毛利")
          .put("recommendation", new JsonObject().put("zh", "检查成本与售价").put("en", "Check cost and price")))
        .add(new JsonObject().put("code", "slow_moving").put("name_zh", "滞销")
          .put("recommendation", new JsonObject().put("zh", "考虑下架").put("en", "Consider delisting"))));
    JsonObject healthy = new JsonObject().put("sku", "SKU2").put("name", "面包").put("quadrant", "star").put("score", 100)
      .put("flags", new JsonArray());
    return new JsonObject().put("store", "S001").put("from", "2026-10-01").put("to", "2026-10-30").put("health", 80.5)
      .put("page", 1).put("size", 500).put("total", 2).put("products", new JsonArray().add(flagged).add(healthy));
  }

  static JsonObject hours() {
    JsonArray hours = new JsonArray();
    for (int h = 0; h < 24; h++) {
      hours.add(new JsonObject().put("hour", h).put("orders", h).put("items", 2 * h).put("revenue", money(h * 1000L))
        .put("profit", money(h * 100L)));
    }
    JsonArray parts = new JsonArray().add(new JsonObject().put("name", "清晨").put("from", 6).put("to", 9).put("orders", 3)
      .put("order_share", new BigDecimal("0.0500")));
    return new JsonObject().put("store", "S001").put("from", "2026-10-01").put("to", "2026-10-30").put("hours", hours)
      .put("day_parts", parts).put("distance_bands", null);
  }

  // ---- what a line becomes -----------------------------------------------------------------------------------------

  static final List<String> ORDER_HEADER_ZH = List.of("订单ID", "下单时间", "渠道", "商品编码", "商品", "销量", "实收价格", "商品原价",
    "商品实收额", "成本", "利润额", "平台服务费", "订单状态");
  static final List<String> MONEY = List.of("unit_price", "list_price", "revenue", "cost", "gross_profit", "service_fee");

  /** The CSV fields of a line as the JSON API gave it. */
  static List<String> csvFields(JsonObject line) {
    List<String> fields = new ArrayList<>();
    for (String text : List.of("order_id", "ordered_at", "channel", "sku", "product_name")) {
      fields.add(guarded(line.getString(text)));
    }
    fields.add(String.valueOf(line.getInteger("quantity")));
    for (String money : MONEY) {
      fields.add(yuan(line.getValue(money)).toPlainString());
    }
    fields.add(line.getBoolean("valid_order") ? "有效" : "无效（取消/退款）");
    return fields;
  }

  static String guarded(String text) {
    return !text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0 ? "'" + text : text;
  }

  static BigDecimal yuan(Object value) {
    return new BigDecimal(String.valueOf(value)).setScale(2, RoundingMode.HALF_UP);
  }

  /** Every line of S001, asked of the JSON API a page of 500 at a time. */
  static List<JsonObject> jsonLines() {
    List<JsonObject> lines = new ArrayList<>();
    for (int page = 1; ; page++) {
      HttpResponse<Buffer> response = gateway.get("/api/v1/stores/S001/orders?page=" + page + "&size=500");
      assertThat(response.statusCode()).isEqualTo(200);
      JsonArray pageLines = response.bodyAsJsonObject().getJsonArray("lines");
      pageLines.forEach(l -> lines.add((JsonObject) l));
      if (pageLines.size() < 500) {
        return lines;
      }
    }
  }

  /** RFC 4180 records: quoted fields may hold commas, quotes and line breaks. */
  static List<List<String>> parseCsv(String text) {
    List<List<String>> records = new ArrayList<>();
    List<String> record = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (quoted) {
        if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
          field.append('"');
          i++;
        } else if (c == '"') {
          quoted = false;
        } else {
          field.append(c);
        }
      } else if (c == '"') {
        quoted = true;
      } else if (c == ',') {
        record.add(field.toString());
        field.setLength(0);
      } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
        record.add(field.toString());
        field.setLength(0);
        records.add(record);
        record = new ArrayList<>();
        i++;
      } else {
        field.append(c);
      }
    }
    assertThat(field.length() == 0 && record.isEmpty()).as("the file ends with CRLF").isTrue();
    return records;
  }

  static String fileName(HttpResponse<Buffer> response) {
    String disposition = response.getHeader("Content-Disposition");
    assertThat(disposition).startsWith("attachment; filename=\"");
    String encoded = disposition.substring(disposition.indexOf("filename*=UTF-8''") + "filename*=UTF-8''".length());
    return URLDecoder.decode(encoded, StandardCharsets.UTF_8);
  }

  static String csvBody(HttpResponse<Buffer> response) {
    byte[] bytes = response.body().getBytes();
    assertThat(bytes).startsWith((byte) 0xEF, (byte) 0xBB, (byte) 0xBF);
    return new String(bytes, 3, bytes.length - 3, StandardCharsets.UTF_8);
  }

  // ---- the tests ---------------------------------------------------------------------------------------------------

  @Test
  void theCsvHasTheJsonRowsOfEveryPageFormulaSafe() {
    List<JsonObject> json = jsonLines();
    assertThat(json).hasSize(LINES);
    gateway.seenByCache.clear();

    HttpResponse<Buffer> response = gateway.get("/api/v1/stores/S001/orders?format=csv");
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).isEqualTo("text/csv; charset=utf-8");
    assertThat(response.getHeader("Cache-Control")).isEqualTo("no-store");
    assertThat(fileName(response)).isEqualTo("S001_订单明细_2026-10-01_2026-10-30.csv");
    assertThat(response.getHeader("Content-Disposition"))
      .startsWith("attachment; filename=\"S001_order-lines_2026-10-01_2026-10-30.csv\"; filename*=UTF-8''S001_");
    List<List<String>> records = parseCsv(csvBody(response));
    assertThat(records.get(0)).isEqualTo(ORDER_HEADER_ZH);
    assertThat(records).hasSize(LINES + 1);
    for (int i = 0; i < LINES; i++) {
      assertThat(records.get(i + 1)).as("line " + i).isEqualTo(csvFields(json.get(i)));
    }
    // Formula-safe: every hostile text is there with its leading quote; a negative amount stays a number.
    assertThat(records.stream().map(r -> r.get(4))).contains("'=HYPERLINK(\"http://evil.example\",\"点我\")", "'+1+1",
      "'-2+3", "'@SUM(A1:A9)", "'\tcmd", "'\rcr", "a,b", "say \"hi\"", "两行\n文字");
    assertThat(records.stream().map(r -> r.get(10)).filter(v -> v.startsWith("-"))).isNotEmpty()
      .allMatch(v -> v.matches("-\\d+\\.\\d\\d"));

    // Three pages of the largest size, nothing of the export's own parameters in the queries asked.
    List<DashboardQuery> asked = gateway.seenByCache.stream().map(DashboardQuery::fromJson).toList();
    assertThat(asked).extracting(q -> q.param("page", null) + "/" + q.param("size", null))
      .containsExactly("1/500", "2/500", "3/500");
    assertThat(asked).allMatch(q -> !q.params().containsKey("format") && !q.params().containsKey("lang"));
  }

  @Test
  void theWorkbookHasTheJsonRowsOfEveryPageTextAsTextNumbersAsNumbers() throws Exception {
    List<JsonObject> json = jsonLines();
    HttpResponse<Buffer> response = gateway.get("/api/v1/stores/S001/orders?format=xlsx&lang=en");
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type"))
      .isEqualTo("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    assertThat(fileName(response)).isEqualTo("S001_order-lines_2026-10-01_2026-10-30.xlsx");
    try (ReadableWorkbook workbook = new ReadableWorkbook(new ByteArrayInputStream(response.body().getBytes()), FORMATS)) {
      List<Sheet> sheets = workbook.getSheets().toList();
      assertThat(sheets).extracting(Sheet::getName).containsExactly("About", "Order lines");
      List<Row> about = sheets.get(0).read();
      assertThat(about).extracting(r -> r.getCellText(0))
        .containsExactly("Store", "View", "Range", "Filters", "Rows", "Generated at", "Exported by", "Units");
      assertThat(about.get(2).getCellText(1)).isEqualTo("2026-10-01 – 2026-10-30");
      assertThat(about.get(4).getCellText(1)).isEqualTo(String.valueOf(LINES));
      assertThat(about.get(6).getCellText(1)).isEqualTo("admin-token");

      List<Row> rows = sheets.get(1).read();
      assertThat(rows).hasSize(LINES + 1);
      assertThat(rows.get(0).getCellText(0)).isEqualTo("Order");
      for (int i = 0; i < LINES; i++) {
        JsonObject line = json.get(i);
        Row row = rows.get(i + 1);
        List<String> texts = List.of("order_id", "ordered_at", "channel", "sku", "product_name");
        for (int c = 0; c < texts.size(); c++) {
          assertThat(row.getCell(c).getType()).as("line " + i + " " + texts.get(c)).isEqualTo(CellType.STRING);
          assertThat(row.getCell(c).asString()).as("line " + i + " " + texts.get(c)).isEqualTo(line.getString(texts.get(c)));
        }
        assertThat(row.getCell(5).getType()).isEqualTo(CellType.NUMBER);
        assertThat(row.getCell(5).asNumber()).isEqualByComparingTo(BigDecimal.valueOf(line.getInteger("quantity")));
        for (int m = 0; m < MONEY.size(); m++) {
          assertThat(row.getCell(6 + m).getType()).as("line " + i + " " + MONEY.get(m)).isEqualTo(CellType.NUMBER);
          assertThat(row.getCell(6 + m).asNumber()).as("line " + i + " " + MONEY.get(m))
            .isEqualByComparingTo(yuan(line.getValue(MONEY.get(m))));
          assertThat(row.getCell(6 + m).getDataFormatString()).isEqualTo("0.00");
        }
        assertThat(row.getCell(12).asString()).isEqualTo(line.getBoolean("valid_order") ? "valid" : "invalid (cancelled/refunded)");
      }
      // The formula stays the text it was: no cell of the workbook holds a formula.
      assertThat(rows.stream().flatMap(Row::stream).filter(c -> c != null && c.getFormula() != null)).isEmpty();
      assertThat(rows.stream().map(r -> r.getCellText(4))).contains(HOSTILE.get(0), "-2+3", "@SUM(A1:A9)");
    }
  }

  @Test
  void theOverviewIsASummaryOfItsFiguresWithPreviousAndChange() {
    HttpResponse<Buffer> response = gateway.client.get("/api/v1/stores/S001/overview")
      .bearerTokenAuthentication(StandIns.TOKEN).putHeader("Accept", "text/csv").send().await();
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(fileName(response)).isEqualTo("S001_核心指标_2026-10-01_2026-10-30.csv");
    List<List<String>> records = parseCsv(csvBody(response));
    assertThat(records).containsExactly(
      List.of("指标", "本期", "上期 2026-09-01–2026-09-30", "环比"),
      List.of("订单数", "120", "100", "20.00%"),
      List.of("商品实收额", "1234.50", "1000.00", "23.45%"),
      List.of("利润率", "30.64%", "30.79%", "-0.15"),
      List.of("客单价", "", "", ""),
      List.of("动销商品数", "33", "30", "10.00%"));
  }

  @Test
  void aViewOfSeveralTablesWritesEachUnderItsTitle() throws Exception {
    HttpResponse<Buffer> csv = gateway.get("/api/v1/stores/S001/hours?format=csv&lang=en");
    List<List<String>> records = parseCsv(csvBody(csv));
    assertThat(records.get(0)).containsExactly("Hours");
    assertThat(records.get(1)).startsWith("Hour", "Orders");
    assertThat(records.get(25)).containsExactly("23", "23", "46", "230.00", "23.00");
    assertThat(records.get(26)).containsExactly("");
    assertThat(records.get(27)).containsExactly("Day parts");
    assertThat(records.get(29)).startsWith("Early morning", "6", "9", "3");
    assertThat(records.get(29).get(7)).isEqualTo("5.00%");
    assertThat(records.get(31)).containsExactly("Delivery distance");
    assertThat(records).hasSize(33);

    HttpResponse<Buffer> xlsx = gateway.get("/api/v1/stores/S001/hours?format=xlsx");
    try (ReadableWorkbook workbook = new ReadableWorkbook(new ByteArrayInputStream(xlsx.body().getBytes()), FORMATS)) {
      assertThat(workbook.getSheets().map(Sheet::getName)).containsExactly("说明", "各小时", "时段", "配送距离");
      Row share = workbook.getSheets().toList().get(2).read().get(1);
      assertThat(share.getCell(7).asNumber()).isEqualByComparingTo("0.05");
      assertThat(share.getCell(7).getDataFormatString()).isEqualTo("0.00%");
    }
  }

  @Test
  void aManagerExportingAStoreOutsideTheirAccessGetsTheJsonViewsAnswer() {
    String name = prefix + "manager";
    HttpResponse<Buffer> created = SignInTest.send(gateway, HttpMethod.POST, "/api/v1/admin/users", new JsonObject()
        .put("username", name).put("password", SignInTest.PASSWORD).put("role", "manager")
        .put("stores", new JsonArray().add("S001")),
      MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + StandIns.TOKEN));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    SignInTest.Browser manager = SignInTest.signIn(gateway, name);
    MultiMap cookie = MultiMap.caseInsensitiveMultiMap().add("Cookie", Sessions.COOKIE + "=" + manager.cookie());

    HttpResponse<Buffer> json = SignInTest.send(gateway, HttpMethod.GET, "/api/v1/stores/S002/orders", null, cookie);
    for (String format : List.of("csv", "xlsx")) {
      HttpResponse<Buffer> export = SignInTest.send(gateway, HttpMethod.GET, "/api/v1/stores/S002/orders?format=" + format,
        null, cookie);
      assertThat(export.statusCode()).isEqualTo(404).isEqualTo(json.statusCode());
      assertThat(StandIns.problem(export).getString("detail")).isEqualTo(StandIns.problem(json).getString("detail"))
        .isEqualTo("unknown store 'S002'");
    }
    assertThat(gateway.seenByCache).noneMatch(q -> q.getString("store", "").equals("S002"));
    // Their own store exports, under their name and charged to their budget.
    HttpResponse<Buffer> own = SignInTest.send(gateway, HttpMethod.GET, "/api/v1/stores/S001/orders?format=csv", null, cookie);
    assertThat(own.statusCode()).isEqualTo(200);
    assertThat(parseCsv(csvBody(own))).hasSize(LINES + 1);
  }

  @Test
  void theExportsParametersAreCheckedAndNoPartOfTheView() {
    for (String uri : List.of("/api/v1/stores/S001/orders?format=pdf", "/api/v1/stores/S001/orders?format=CSV",
      "/api/v1/stores/S001/orders?format=csv&format=xlsx", "/api/v1/stores?format=csv")) {
      HttpResponse<Buffer> response = gateway.get(uri);
      assertThat(response.statusCode()).as(uri).isEqualTo(400);
      assertThat(StandIns.problem(response).getString("parameter")).as(uri).isEqualTo("format");
    }
    HttpResponse<Buffer> lang = gateway.get("/api/v1/stores/S001/orders?format=csv&lang=fr");
    assertThat(StandIns.problem(lang).getString("parameter")).isEqualTo("lang");
    // The view's own checks stay: a bad page size is a 400 of the view, before any page is asked.
    HttpResponse<Buffer> size = gateway.get("/api/v1/stores/S001/orders?format=csv&size=501");
    assertThat(StandIns.problem(size).getString("parameter")).isEqualTo("size");
    assertThat(gateway.seenByCache).isEmpty();

    // lang on the JSON view is the same question, under the same cache key.
    assertThat(gateway.get("/api/v1/stores/S001/overview?lang=en").statusCode()).isEqualTo(200);
    assertThat(gateway.get("/api/v1/stores/S001/overview").statusCode()).isEqualTo(200);
    assertThat(gateway.seenByCache).hasSize(2);
    assertThat(DashboardQuery.fromJson(gateway.seenByCache.get(0)))
      .isEqualTo(DashboardQuery.fromJson(gateway.seenByCache.get(1)));
    // A browser's Accept stays JSON.
    HttpResponse<Buffer> browser = gateway.client.get("/api/v1/stores/S001/overview").bearerTokenAuthentication(StandIns.TOKEN)
      .putHeader("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8").send().await();
    assertThat(browser.getHeader("Content-Type")).startsWith("application/json");
  }

  @Test
  void anExportLongerThanTheBoundIsRefusedBeforeItsFirstByte() {
    HttpResponse<Buffer> response = gateway.get("/api/v1/stores/S003/orders?format=xlsx");
    assertThat(response.statusCode()).isEqualTo(422);
    assertThat(StandIns.problem(response).getString("detail")).contains("60001 rows", "EXPORT_MAX_ROWS");
    assertThat(gateway.seenByCache).hasSize(1);
    // The refusal freed the client's slot.
    assertThat(gateway.get("/api/v1/stores/S001/orders?format=csv").statusCode()).isEqualTo(200);
  }

  @Test
  void aFloodOfExportsFromOneClientIsRefusedWhileItsExportRuns() {
    holdClient = RequestHeaders.OPERATOR_CLIENT;
    Future<HttpResponse<Buffer>> first;
    try {
      first = gateway.client.get("/api/v1/stores/S001/orders?format=csv").bearerTokenAuthentication(StandIns.TOKEN).send();
      Eventually.until(Duration.ofSeconds(10), () -> !held.isEmpty());
      List<Future<HttpResponse<Buffer>>> flood = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        flood.add(gateway.client.get("/api/v1/stores/S001/" + (i % 2 == 0 ? "orders" : "overview") + "?format=xlsx")
          .bearerTokenAuthentication(StandIns.TOKEN).send());
      }
      for (Future<HttpResponse<Buffer>> refused : flood) {
        HttpResponse<Buffer> response = refused.await();
        assertThat(response.statusCode()).isEqualTo(429);
        assertThat(response.getHeader("Retry-After")).isEqualTo("5");
        assertThat(StandIns.problem(response).getString("detail")).contains("one export at a time");
      }
      assertThat(held).hasSize(1);
    } finally {
      holdClient = null;
    }
    held.forEach(ExportTest::serve);
    held.clear();
    HttpResponse<Buffer> done = first.await();
    assertThat(done.statusCode()).isEqualTo(200);
    assertThat(parseCsv(csvBody(done))).hasSize(LINES + 1);
    // Finished, the slot is free again.
    assertThat(gateway.get("/api/v1/stores/S001/overview?format=xlsx").statusCode()).isEqualTo(200);
  }

  @Test
  void aClientThatGoesAwayStopsItsExportAndFreesItsSlot() {
    holdClient = RequestHeaders.OPERATOR_CLIENT;
    NetSocket socket = gateway.vertx.createNetClient().connect(gateway.config.httpPort(), "127.0.0.1").await();
    Buffer received = Buffer.buffer();
    socket.handler(received::appendBuffer);
    try {
      socket.write("GET /api/v1/stores/S001/orders?format=csv HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
        + StandIns.TOKEN + "\r\n\r\n").await();
      Eventually.until(Duration.ofSeconds(10), () -> held.size() == 1);
      serve(held.remove(0));
      // Page 1 is on its way to the client, and page 2 asked: the client leaves.
      Eventually.until(Duration.ofSeconds(10), () -> held.size() == 1 && received.toString().contains("商品实收额"));
      assertThat(received.toString()).startsWith("HTTP/1.1 200 OK");
      socket.close().await();
    } finally {
      holdClient = null;
    }
    serve(held.remove(0));
    // The slot is free again (a refusal would be a 429) ...
    assertThat(Eventually.until(Duration.ofSeconds(10),
      () -> gateway.get("/api/v1/stores/S001/overview?format=csv").statusCode() == 200)).isTrue();
    // ... and the export that lost its client asked no further page.
    assertThat(gateway.seenByCache.stream().map(DashboardQuery::fromJson).filter(q -> q.kind() == QueryKind.ORDERS)
      .map(q -> q.param("page", null))).containsExactly("1", "2");
  }

  @Test
  void theDiagnosisWritesQuadrantsFlagsAndAdviceInTheExportsLanguage() {
    List<List<String>> zh = parseCsv(csvBody(gateway.get("/api/v1/stores/S001/diagnosis?format=csv&quadrant=laggard")));
    assertThat(zh.get(0)).startsWith("商品编码", "商品", "品类", "象限", "健康分", "问题", "建议");
    assertThat(zh.get(1)).startsWith("SKU1", "牛奶", "乳品", "问题", "35", "负毛利、滞销", "检查成本与售价、考虑下架");
    assertThat(zh.get(1).get(9)).isEqualTo("-1.00");
    assertThat(zh.get(2)).startsWith("SKU2", "面包", "", "明星", "100", "", "");
    List<List<String>> en = parseCsv(csvBody(gateway.get("/api/v1/stores/S001/diagnosis?format=csv&lang=en")));
    assertThat(en.get(1)).startsWith("SKU1", "牛奶", "乳品", "Laggard", "35", "Negative margin; Slow-moving",
      "Check cost and price; Consider delisting");
    // The filter is in the file's name, and went to the view unchanged.
    HttpResponse<Buffer> named = gateway.get("/api/v1/stores/S001/diagnosis?format=xlsx&quadrant=laggard&flag=slow_moving");
    assertThat(fileName(named)).isEqualTo("S001_商品健康诊断_2026-10-01_2026-10-30_flag-slow_moving_quadrant-laggard.xlsx");
    assertThat(gateway.seenByCache.stream().map(DashboardQuery::fromJson).filter(q -> q.params().containsKey("flag")))
      .allMatch(q -> q.param("flag", null).equals("slow_moving") && q.param("quadrant", null).equals("laggard")
        && q.param("size", null).equals("500"));
  }

  /** 250 products losing money, each in two stores: a page of the chain's list (§13.2). */
  private static JsonObject losingProducts(int page, int size) {
    io.vertx.core.json.JsonArray products = new io.vertx.core.json.JsonArray();
    for (int i = (page - 1) * size; i < Math.min(page * size, 250); i++) {
      products.add(new JsonObject().put("sku", "L" + i).put("name", "=HYPERLINK(\"x\")").put("category", "饮料")
        .put("quantity", 3).put("revenue", 9.5).put("gross_profit", -1.25).put("gross_margin", -0.1316)
        .put("stores", new io.vertx.core.json.JsonArray()
          .add(new JsonObject().put("code", "S001").put("name", "一店").put("gross_profit", -1.0))
          .add(new JsonObject().put("code", "S002").put("name", "二店").put("gross_profit", -0.25))));
    }
    return new JsonObject().put("store", "all").put("from", "2026-10-01").put("to", "2026-10-30").put("page", page)
      .put("size", size).put("total", 250).put("loss", -312.5).put("products", products);
  }

  /** The chain's money-losing products export every page (200 at a time), their stores joined in one cell. */
  @Test
  void theChainsMoneyLosingProductsExportEveryPageWithTheirStores() {
    List<List<String>> rows = parseCsv(csvBody(gateway.get("/api/v1/stores/all/losing-products?format=csv")));
    assertThat(rows.get(0)).containsExactly("商品编码", "商品", "品类", "销量", "商品实收额", "利润额", "毛利率", "亏损门店");
    assertThat(rows).hasSize(251);
    assertThat(rows.get(1)).containsExactly("L0", "'=HYPERLINK(\"x\")", "饮料", "3", "9.50", "-1.25", "-13.16%", "S001、S002");
    assertThat(rows.get(250).get(0)).isEqualTo("L249");
    assertThat(gateway.seenByCache.stream().map(DashboardQuery::fromJson)
      .filter(q -> q.kind() == QueryKind.LOSING_PRODUCTS).map(q -> q.param("page", null) + "/" + q.param("size", null)))
      .containsExactly("1/200", "2/200");
  }

  /** Figures: how long a 50,000-line export takes through the stand-in (100 pages of 500), and how large it is. */
  @Test
  void aLargeExportStreamsEveryLine() throws Exception {
    for (String format : List.of("csv", "xlsx")) {
      long t0 = System.nanoTime();
      HttpResponse<Buffer> response = gateway.get("/api/v1/stores/S004/orders?format=" + format);
      double seconds = (System.nanoTime() - t0) / 1e9;
      assertThat(response.statusCode()).isEqualTo(200);
      long rows;
      if (format.equals("csv")) {
        rows = csvBody(response).split("\r\n", -1).length - 2;
      } else {
        try (ReadableWorkbook workbook = new ReadableWorkbook(new ByteArrayInputStream(response.body().getBytes()))) {
          try (var stream = workbook.getSheets().toList().get(1).openStream()) {
            rows = stream.count() - 1;
          }
        }
      }
      assertThat(rows).isEqualTo(LARGE);
      System.out.printf(java.util.Locale.ROOT, "export of %,d order lines as %s: %,d bytes in %.1f s (%,.0f lines/s)%n",
        LARGE, format, response.body().length(), seconds, LARGE / seconds);
    }
  }

  /**
   * Backpressure: a client that stops reading (a 4 KiB receive window, paused) stops the export, which asks for no
   * page beyond what the connection has room for; reading again, the client gets the whole file.
   */
  @Test
  void aClientThatStopsReadingStopsTheExportUntilItReadsAgain() {
    NetSocket socket = gateway.vertx.createNetClient(new NetClientOptions().setReceiveBufferSize(4096))
      .connect(gateway.config.httpPort(), "127.0.0.1").await();
    Buffer received = Buffer.buffer();
    socket.handler(received::appendBuffer);
    socket.pause();
    socket.write("GET /api/v1/stores/S004/orders?format=csv HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
      + StandIns.TOKEN + "\r\nConnection: close\r\n\r\n").await();
    int pagesInAll = LARGE / 500;
    // Wait until the export has stopped asking: the same number of pages asked for two seconds, or all of them.
    long[] last = {-1, System.nanoTime()};
    Eventually.until(Duration.ofSeconds(60), () -> {
      long asked = gateway.seenByCache.size();
      if (asked != last[0]) {
        last[0] = asked;
        last[1] = System.nanoTime();
      }
      return asked >= pagesInAll || (asked > 0 && System.nanoTime() - last[1] > 2_000_000_000L);
    });
    long askedWhilePaused = gateway.seenByCache.size();
    System.out.printf("a paused client (4 KiB receive window): the export asked %d of %d pages, then waited%n",
      askedWhilePaused, pagesInAll);
    // What the client has not read waits in the kernel's send buffer (up to net.ipv4.tcp_wmem's maximum, 4 MiB here:
    // about half of this 5.9 MB file), not in the gateway, which stops asking once the connection takes no more.
    assertThat(askedWhilePaused).isLessThan(pagesInAll);
    Promise<Void> closed = Promise.promise();
    socket.closeHandler(v -> closed.complete());
    socket.resume();
    closed.future().await();
    assertThat(gateway.seenByCache).hasSize(pagesInAll);
    String response = received.toString(StandardCharsets.UTF_8);
    // The whole file: the last chunk of a chunked body ends it.
    assertThat(response).startsWith("HTTP/1.1 200 OK").containsIgnoringCase("transfer-encoding: chunked")
      .endsWith("\r\n0\r\n\r\n");
  }
}
