package io.storedash.gateway;

import io.storedash.common.Addresses;
import io.storedash.common.ImportProtocol;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /api/v1/imports}: only with the admin token, CSV as the body or as a multipart file, the bytes passed
 * to query-service untouched, and its report answered as 200 or as a 422 problem naming every rejected line.
 */
class ImportRouteTest {

  private static final String CSV = "订单ID,门店编码,渠道,下单时间,商品名称,销量,商品实售价,成本\n"
    + "A1,S001,美团,2026-10-01 12:00:00,可乐,2,3.50,1.20\n";

  private StandIns gateway;
  /** What the stand-in query-service received: the open request, then every chunk, then the end message. */
  private final List<Message<Object>> received = new CopyOnWriteArrayList<>();
  private final List<JsonObject> opened = new CopyOnWriteArrayList<>();
  private final AtomicInteger sessions = new AtomicInteger();
  /** How the stand-in answers the end message (by default: every line imported). */
  private volatile Consumer<Message<Object>> answer;
  private MessageConsumer<Object> queryService;

  @BeforeEach
  void start() {
    gateway = StandIns.withCache();
    answer = msg -> msg.reply(new JsonObject().put("imported", true).put("lines", 1).put("orders", 1)
      .put("stores", new JsonArray().add("S001")).put("rejected", new JsonArray()));
    standInQueryService();
  }

  /** A stand-in that speaks the import protocol: a session address per file, chunks acknowledged one by one. */
  private void standInQueryService() {
    queryService = gateway.vertx.eventBus().consumer(Addresses.IMPORT, open -> {
      opened.add((JsonObject) open.body());
      String session = Addresses.IMPORT + ".session-" + sessions.incrementAndGet();
      gateway.vertx.eventBus().consumer(session, msg -> {
        received.add(msg);
        if ("true".equals(msg.headers().get(ImportProtocol.END))) {
          answer.accept(msg);
        } else if (!"true".equals(msg.headers().get(ImportProtocol.ABORT))) {
          msg.reply(new JsonObject().put("bytes", bytesReceived()));
        }
      }).completion().onSuccess(v -> open.reply(new JsonObject().put(ImportProtocol.SESSION, session)));
    });
    queryService.completion().await();
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  private long bytesReceived() {
    return received.stream().mapToLong(m -> ((Buffer) m.body()).length()).sum();
  }

  private byte[] bytesOfFile() {
    Buffer all = Buffer.buffer();
    received.forEach(m -> all.appendBuffer((Buffer) m.body()));
    return all.getBytes();
  }

  private HttpResponse<Buffer> postCsv(String csv, String token) {
    var request = gateway.client.post("/api/v1/imports").putHeader("Content-Type", "text/csv; charset=utf-8");
    if (token != null) {
      request.bearerTokenAuthentication(token);
    }
    return request.sendBuffer(Buffer.buffer(csv, "UTF-8")).await();
  }

  @Test
  void aCsvBodyGoesToQueryServiceAsItIsAndItsReportComesBack() {
    HttpResponse<Buffer> response = postCsv(CSV, StandIns.TOKEN);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getInteger("lines")).isEqualTo(1);
    assertThat(new String(bytesOfFile(), StandardCharsets.UTF_8)).isEqualTo(CSV);
    assertThat(opened).containsExactly(new JsonObject().put(ImportProtocol.FILENAME, "upload.csv")
      .put(ImportProtocol.SIZE, CSV.getBytes(StandardCharsets.UTF_8).length).put(ImportProtocol.USER, "admin-token"));
    assertThat(received.get(received.size() - 1).headers().get(ImportProtocol.END)).isEqualTo("true");
  }

  @Test
  void aLargeFileStreamsInAcknowledgedChunks() {
    StringBuilder csv = new StringBuilder(CSV);
    for (int i = 2; csv.length() < 3 * 1024 * 1024; i++) {
      csv.append("A").append(i).append(",S001,美团,2026-10-01 12:00:00,可乐,2,3.50,1.20\n");
    }
    HttpResponse<Buffer> response = postCsv(csv.toString(), StandIns.TOKEN);
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(bytesOfFile()).isEqualTo(csv.toString().getBytes(StandardCharsets.UTF_8));
    // Several messages, none larger than a chunk: the gateway never held the file whole.
    assertThat(received.size()).isGreaterThan(10);
    assertThat(received).allSatisfy(m -> assertThat(((Buffer) m.body()).length()).isLessThanOrEqualTo(ImportRoutes.CHUNK_BYTES));
    assertThat(ImportRoutes.CHUNK_BYTES).isLessThanOrEqualTo(ImportProtocol.MAX_CHUNK_BYTES);
  }

  @Test
  void aMultipartFileIsImportedToo() throws Exception {
    Path file = Files.createTempFile("orders", ".csv");
    byte[] gbk = CSV.getBytes("GBK");
    Files.write(file, gbk);
    HttpResponse<Buffer> response = gateway.client.post("/api/v1/imports").bearerTokenAuthentication(StandIns.TOKEN)
      .sendMultipartForm(MultipartForm.create().textFileUpload("file", "../../门店 10月.csv", file.toString(), "text/csv")).await();
    assertThat(response.statusCode()).isEqualTo(200);
    // The bytes arrive as they were sent: query-service detects the encoding.
    assertThat(bytesOfFile()).isEqualTo(gbk);
    assertThat(opened.get(0).getString(ImportProtocol.FILENAME)).isEqualTo("门店 10月.csv");
    Files.delete(file);
  }

  /** A workbook goes as it is, whatever its declared type: query-service tells it from CSV by its bytes. */
  @Test
  void aWorkbookIsPassedOnAsItIsUnderAnyOfItsTypes() throws Exception {
    byte[] xlsx = new byte[70_000];
    new java.util.Random(3).nextBytes(xlsx);
    System.arraycopy(new byte[] {'P', 'K', 3, 4}, 0, xlsx, 0, 4);
    for (String type : List.of(ImportRoutes.XLSX, "application/octet-stream")) {
      received.clear();
      HttpResponse<Buffer> response = gateway.client.post("/api/v1/imports").bearerTokenAuthentication(StandIns.TOKEN)
        .putHeader("Content-Type", type).sendBuffer(Buffer.buffer(xlsx)).await();
      assertThat(response.statusCode()).as(type).isEqualTo(200);
      assertThat(bytesOfFile()).as(type).isEqualTo(xlsx);
    }
    assertThat(opened.get(0).getString(ImportProtocol.FILENAME)).isEqualTo("upload.xlsx");
    Path file = Files.createTempFile("orders", ".xlsx");
    Files.write(file, xlsx);
    received.clear();
    HttpResponse<Buffer> form = gateway.client.post("/api/v1/imports").bearerTokenAuthentication(StandIns.TOKEN)
      .sendMultipartForm(MultipartForm.create().binaryFileUpload("file", "订单.xlsx", file.toString(), ImportRoutes.XLSX)).await();
    assertThat(form.statusCode()).isEqualTo(200);
    assertThat(bytesOfFile()).isEqualTo(xlsx);
    assertThat(opened.get(2).getString(ImportProtocol.FILENAME)).isEqualTo("订单.xlsx");
    Files.delete(file);
  }

  @Test
  void rejectedLinesAreA422ProblemNamingEachLine() {
    JsonArray rejected = new JsonArray().add(new JsonObject().put("line", 17).put("column", "quantity")
      .put("reason", "must be a whole number > 0, got -2"));
    answer = msg -> msg.reply(new JsonObject().put("lines", 0).put("rejected", rejected));
    HttpResponse<Buffer> response = postCsv(CSV, StandIns.TOKEN);
    assertThat(response.statusCode()).isEqualTo(422);
    JsonObject problem = StandIns.problem(response);
    assertThat(problem.getJsonArray("rejected")).isEqualTo(rejected);
    assertThat(problem.getString("detail")).contains("nothing was imported", "1 line");

    // The same report may come as a 422 failure whose message is the report, as query-service sends it.
    answer = msg -> msg.fail(422, new JsonObject().put("detail", "the file has no column 销量 (quantity)")
      .put("rejected", new JsonArray().add(new JsonObject().put("line", 1).put("column", "quantity").put("reason", "missing"))).encode());
    HttpResponse<Buffer> failed = postCsv(CSV, StandIns.TOKEN);
    assertThat(failed.statusCode()).isEqualTo(422);
    assertThat(StandIns.problem(failed).getString("detail")).isEqualTo("the file has no column 销量 (quantity)");
    assertThat(StandIns.problem(failed).getJsonArray("rejected")).hasSize(1);
  }

  @Test
  void onlyTheAdminTokenMayImport() {
    assertThat(postCsv(CSV, null).statusCode()).isEqualTo(401);
    assertThat(postCsv(CSV, "not-the-token-00000000000").statusCode()).isEqualTo(401);
    HttpResponse<Buffer> inQuery = gateway.client.post("/api/v1/imports?token=" + StandIns.TOKEN)
      .putHeader("Content-Type", "text/csv").sendBuffer(Buffer.buffer(CSV)).await();
    // A token in the URL is refused as such (400), not merely as a missing header.
    assertThat(inQuery.statusCode()).isEqualTo(400);
    assertThat(StandIns.problem(inQuery).getString("detail")).contains("credentials are not accepted in the URL");
    assertThat(received).isEmpty();
  }

  @Test
  void whatCannotBeAnImportIsRefusedWithAReason() {
    HttpResponse<Buffer> json = gateway.client.post("/api/v1/imports").bearerTokenAuthentication(StandIns.TOKEN)
      .sendJsonObject(new JsonObject().put("csv", CSV)).await();
    assertThat(json.statusCode()).isEqualTo(415);
    assertThat(StandIns.problem(json).getString("detail")).contains("text/csv", "multipart/form-data", "application/json");
    HttpResponse<Buffer> empty = postCsv("", StandIns.TOKEN);
    assertThat(empty.statusCode()).isEqualTo(400);
    assertThat(StandIns.problem(empty).getString("detail")).contains("empty");

    HttpResponse<Buffer> noFile = gateway.client.post("/api/v1/imports").bearerTokenAuthentication(StandIns.TOKEN)
      .sendMultipartForm(MultipartForm.create().attribute("note", "x")).await();
    assertThat(noFile.statusCode()).isEqualTo(400);
    assertThat(StandIns.problem(noFile).getString("detail")).contains("'file'");
    assertThat(opened).isEmpty();
  }

  @Test
  void aFileQueryServiceRefusesMidwayEndsTheUploadWithItsReason() {
    queryService.unregister().await();
    // This stand-in refuses the second chunk, as query-service does when the file is not CSV text.
    gateway.vertx.eventBus().<JsonObject>consumer(Addresses.IMPORT, open -> {
      AtomicInteger chunks = new AtomicInteger();
      gateway.vertx.eventBus().<Buffer>consumer(Addresses.IMPORT + ".refusing", msg -> {
        if (chunks.incrementAndGet() == 2) {
          msg.fail(400, new JsonObject().put("detail", "this is not CSV text: line 40 has a NUL byte").encode());
        } else {
          msg.reply(new JsonObject());
        }
      }).completion().onSuccess(v -> open.reply(new JsonObject().put(ImportProtocol.SESSION, Addresses.IMPORT + ".refusing")));
    }).completion().await();
    HttpResponse<Buffer> response = postCsv(CSV.repeat(40_000), StandIns.TOKEN);
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(StandIns.problem(response).getString("detail")).isEqualTo("this is not CSV text: line 40 has a NUL byte");
  }

  @Test
  void aDeclaredSizeOverTheLimitIsRefusedBeforeAnythingIsRead() {
    HttpResponse<Buffer> response = gateway.client.post("/api/v1/imports").bearerTokenAuthentication(StandIns.TOKEN)
      .putHeader("Content-Type", "text/csv").putHeader("Content-Length", String.valueOf(ImportRoutes.MAX_BYTES + 1))
      .send().await();
    assertThat(response.statusCode()).isEqualTo(413);
    assertThat(StandIns.problem(response).getString("detail")).contains("256 MiB");
    assertThat(opened).isEmpty();
  }

  @Test
  void withoutQueryServiceTheImportIsA503() {
    queryService.unregister().await();
    HttpResponse<Buffer> response = postCsv(CSV, StandIns.TOKEN);
    assertThat(response.statusCode()).isEqualTo(503);
    assertThat(StandIns.problem(response).getString("detail")).isEqualTo("no query-service instance that takes imports is running");
  }

  @Test
  void aManagerSignedInUploadsALargeFileWholeThroughTheSessionCheck() {
    // The session and its user are looked up before the upload is read (asynchronously): not a byte may be lost.
    gateway.close();
    gateway = StandIns.withSignIn(java.util.Map.of(), null);
    standInQueryService();
    HttpResponse<Buffer> created = gateway.client.post("/api/v1/admin/users").bearerTokenAuthentication(StandIns.TOKEN)
      .sendJsonObject(new JsonObject().put("username", "manager.import").put("password", SignInTest.PASSWORD)
        .put("role", "manager").put("stores", new JsonArray().add("S001"))).await();
    assertThat(created.statusCode()).isEqualTo(201);
    SignInTest.Browser manager = SignInTest.signIn(gateway, "manager.import");
    StringBuilder csv = new StringBuilder(CSV);
    for (int i = 2; csv.length() < 2 * 1024 * 1024; i++) {
      csv.append("A").append(i).append(",S001,美团,2026-10-01 12:00:00,可乐,2,3.50,1.20\n");
    }
    HttpResponse<Buffer> response = gateway.client.post("/api/v1/imports").putHeader("Content-Type", "text/csv; charset=utf-8")
      .putHeader("Cookie", io.storedash.gateway.auth.Sessions.COOKIE + "=" + manager.cookie())
      .putHeader(io.storedash.gateway.auth.Sessions.CSRF_HEADER, manager.csrf())
      .sendBuffer(Buffer.buffer(csv.toString(), "UTF-8")).await();
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(bytesOfFile()).isEqualTo(csv.toString().getBytes(StandardCharsets.UTF_8));
  }
}
