package io.storedash.standalone;

import io.storedash.cache.CacheService;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestStorage;
import io.storedash.gateway.GatewayService;
import io.storedash.gateway.auth.Users;
import io.storedash.monitor.MonitorService;
import io.storedash.query.QueryService;
import io.storedash.query.ingest.DemoData;
import io.storedash.query.ingest.DemoOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.dhatim.fastexcel.reader.Cell;
import org.dhatim.fastexcel.reader.CellType;
import org.dhatim.fastexcel.reader.ReadableWorkbook;
import org.dhatim.fastexcel.reader.Row;
import org.dhatim.fastexcel.reader.Sheet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Exports (docs/DESIGN.md §13.1) through the whole stack, gateway → cache-service → query-service → PostgreSQL, over
 * demo data: every exporting view's real JSON fills every column of its spec, and the order lines of a store with
 * several pages of them come out as the JSON API pages them.
 */
class ExportStackTest {

  private static final String PASSWORD = "export stack test password";
  /** The last 15 days of the data: the previous 15 (环比) have data too. */
  private static final String RANGE = "from=2026-10-17&to=2026-10-31";
  /** Every day of the data. */
  private static final String ALL_DAYS = "from=2026-10-02&to=2026-10-31";
  /** Columns a view may leave empty over demo data. */
  private static final Set<String> MAY_BE_EMPTY = Set.of("Issues", "Advice", "Qty trend");

  private static Node node;
  private static WebClient client;
  private static String token;

  @BeforeAll
  static void start() {
    StoreDashConfig config = TestStorage.config(Map.of());
    node = Node.local(config);
    node.deploy(QueryService.DESCRIPTOR, 1)
      .compose(id -> DemoData.loadIfEmpty(node.vertx(), node.signatures(), config,
        new DemoOptions(3, 1_500, 30, 19, LocalDate.of(2026, 10, 31))))
      .compose(v -> node.deploy(CacheService.DESCRIPTOR, 1))
      .compose(id -> node.deploy(MonitorService.DESCRIPTOR, 1))
      .compose(id -> node.deploy(GatewayService.DESCRIPTOR, 1))
      .await();
    client = WebClient.create(node.vertx(), new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(config.httpPort()));
    Users.ensureAdmin(node.vertx(), config, PASSWORD).await();
    HttpResponse<Buffer> signedIn = client.post("/api/v1/session")
      .sendJsonObject(new JsonObject().put("username", Users.FIRST_ADMIN).put("password", PASSWORD)).await();
    assertThat(signedIn.statusCode()).as(signedIn.bodyAsString()).isEqualTo(200);
    String cookie = signedIn.cookies().stream().filter(c -> c.startsWith("storedash_session=")).findFirst().orElseThrow();
    HttpResponse<Buffer> created = client.post("/api/v1/tokens").putHeader("Cookie", cookie.substring(0, cookie.indexOf(';')))
      .putHeader("X-CSRF-Token", signedIn.bodyAsJsonObject().getString("csrf_token"))
      .sendJsonObject(new JsonObject().put("name", "export test")).await();
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    token = created.bodyAsJsonObject().getString("token");
  }

  @AfterAll
  static void stop() {
    node.shutdown().await();
  }

  private static HttpResponse<Buffer> get(String uri) {
    HttpResponse<Buffer> response = client.get(uri).bearerTokenAuthentication(token).send().await();
    assertThat(response.statusCode()).as(uri + ": " + response.bodyAsString()).isEqualTo(200);
    return response;
  }

  /** The rows of the workbook's data sheet (the one after 说明). */
  private static List<Row> dataRows(HttpResponse<Buffer> response) throws Exception {
    try (ReadableWorkbook workbook = new ReadableWorkbook(new ByteArrayInputStream(response.body().getBytes()))) {
      return workbook.getSheets().toList().get(1).read();
    }
  }

  @Test
  void everyViewsJsonFillsEveryColumnOfItsExport() throws Exception {
    Map<String, String> views = Map.of(
      "/api/v1/stores/S001/overview", "kpis", "/api/v1/stores/all/trend", "days", "/api/v1/stores/S001/channels", "channels",
      "/api/v1/stores/S001/categories", "categories", "/api/v1/stores/S001/hours", "hours",
      "/api/v1/stores/S001/products", "products", "/api/v1/stores/S001/diagnosis", "products",
      "/api/v1/ranking", "stores");
    for (Map.Entry<String, String> view : views.entrySet()) {
      String uri = view.getKey() + "?" + RANGE;
      JsonObject json = get(uri).bodyAsJsonObject();
      Object rows = json.getValue(view.getValue());
      int expected = json.containsKey("total") ? json.getInteger("total")
        : rows instanceof JsonArray list ? list.size() : ((JsonObject) rows).size();
      try (ReadableWorkbook workbook = new ReadableWorkbook(new ByteArrayInputStream(
        get(uri + "&format=xlsx&lang=en").body().getBytes()))) {
        List<Sheet> sheets = workbook.getSheets().toList();
        assertThat(sheets.get(0).getName()).isEqualTo("About");
        List<Row> data = sheets.get(1).read();
        assertThat(data).as(uri).hasSize(expected + 1);
        List<String> header = new ArrayList<>();
        data.get(0).forEach(c -> header.add(c.asString()));
        for (int c = 0; c < header.size(); c++) {
          int column = c;
          boolean filled = data.stream().skip(1).anyMatch(r -> r.getCellCount() > column && r.getCell(column) != null
            && !r.getCell(column).getText().isEmpty());
          assertThat(filled || MAY_BE_EMPTY.contains(header.get(c))).as(uri + " column " + header.get(c)).isTrue();
        }
      }
      System.out.printf("export of %s: %d rows, columns filled%n", uri, expected);
    }
  }

  /** 今日必做 (§14.1) exports a sheet per section, each row an item of the JSON list, its advice in the file's language. */
  @Test
  void theActionListExportsEachSectionAsASheet() throws Exception {
    String uri = "/api/v1/stores/S001/actions";
    JsonObject json = get(uri).bodyAsJsonObject();
    try (ReadableWorkbook workbook = new ReadableWorkbook(new ByteArrayInputStream(
      get(uri + "?format=xlsx&lang=en").body().getBytes()))) {
      List<Sheet> sheets = workbook.getSheets().toList();
      assertThat(sheets).extracting(Sheet::getName).containsExactly("About", "Urgent", "Watch", "Highlights");
      int rows = 0;
      for (String section : List.of("urgent", "watch", "highlights")) {
        JsonArray items = json.getJsonArray(section);
        List<Row> data = sheets.get(1 + List.of("urgent", "watch", "highlights").indexOf(section)).read();
        assertThat(data).as(section).hasSize(items.size() + 1);
        List<String> header = new ArrayList<>();
        data.get(0).forEach(c -> header.add(c.asString()));
        int advice = header.indexOf("Advice");
        int subject = header.indexOf("Order / SKU");
        for (int i = 0; i < items.size(); i++) {
          JsonObject item = items.getJsonObject(i);
          assertThat(data.get(i + 1).getCell(advice).getText()).isEqualTo(item.getJsonObject("advice").getString("en"));
          assertThat(data.get(i + 1).getCell(subject).getText()).isEqualTo(item.getJsonObject("subject").getString("id"));
        }
        rows += items.size();
      }
      assertThat(rows).as("the demo store has something to do").isPositive();
    }
    HttpResponse<Buffer> file = get(uri + "?format=csv");
    assertThat(file.getHeader("Content-Disposition")).contains("S001_actions_" + json.getString("day") + "_" + json.getString("day") + ".csv");
    String csv = file.bodyAsString();
    assertThat(csv).startsWith("\uFEFF紧急").contains("建议");
  }

  @Test
  void theOrderLinesOfEveryPageComeOutAsTheJsonApiPagesThem() throws Exception {
    List<JsonObject> lines = new ArrayList<>();
    int total;
    int page = 1;
    do {
      JsonObject json = get("/api/v1/stores/S001/orders?" + ALL_DAYS + "&size=500&page=" + page++).bodyAsJsonObject();
      total = json.getInteger("total");
      json.getJsonArray("lines").forEach(l -> lines.add((JsonObject) l));
    } while (lines.size() < total);
    assertThat(total).as("more lines than one page").isGreaterThan(500);

    String csv = get("/api/v1/stores/S001/orders?" + ALL_DAYS + "&format=csv").bodyAsString(StandardCharsets.UTF_8.name());
    String[] records = csv.substring(1).split("\r\n");
    assertThat(records).hasSize(total + 1);
    List<Row> rows = dataRows(get("/api/v1/stores/S001/orders?" + ALL_DAYS + "&format=xlsx"));
    assertThat(rows).hasSize(total + 1);
    for (int i = 0; i < total; i++) {
      JsonObject line = lines.get(i);
      // Demo product names hold no comma or quote: a record splits on commas.
      String[] fields = records[i + 1].split(",", -1);
      assertThat(fields[0]).as("line " + i).isEqualTo(line.getString("order_id"));
      assertThat(fields[1]).isEqualTo(line.getString("ordered_at"));
      assertThat(fields[3]).isEqualTo(line.getString("sku"));
      assertThat(new BigDecimal(fields[8])).isEqualByComparingTo(new BigDecimal(String.valueOf(line.getValue("revenue"))));
      Row row = rows.get(i + 1);
      assertThat(row.getCell(0).asString()).isEqualTo(line.getString("order_id"));
      Cell revenue = row.getCell(8);
      assertThat(revenue.getType()).isEqualTo(CellType.NUMBER);
      assertThat(revenue.asNumber()).isEqualByComparingTo(new BigDecimal(String.valueOf(line.getValue("revenue"))));
    }
    System.out.printf("orders export: %d lines over %d pages equal to the JSON API's%n", total, (total + 499) / 500);
  }
}
