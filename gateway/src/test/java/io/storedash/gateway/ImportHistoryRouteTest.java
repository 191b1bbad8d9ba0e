package io.storedash.gateway;

import io.storedash.common.Addresses;
import io.storedash.common.Failure;
import io.storedash.common.ImportProtocol;
import io.storedash.gateway.auth.Sessions;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The gateway's side of the dry run, the import history and the undo (docs/DESIGN.md §13.3), against a stand-in
 * query-service: who may ask, what scope and name travel with the question, how its answers and refusals become HTTP,
 * and the attacker's cases — a viewer, a forged CSRF token, an id that is no id, a flood of undos, a huge dry run.
 */
class ImportHistoryRouteTest {

  private static final String CSV = "订单ID,门店编码,渠道,下单时间,商品名称,销量,商品实售价,成本\n"
    + "A1,S001,美团,2026-10-01 12:00:00,可乐,2,3.50,1.20\n";

  private StandIns gateway;
  private String prefix;
  /** The commands the stand-in query-service received at the import history's address. */
  private final List<JsonObject> commands = new CopyOnWriteArrayList<>();
  /** The open requests of uploads. */
  private final List<JsonObject> opened = new CopyOnWriteArrayList<>();
  /** How the stand-in answers a history command (by default: an empty list, or an undo done). */
  private volatile Consumer<Message<JsonObject>> historyAnswer;
  /** How the stand-in answers the end of an upload. */
  private volatile Consumer<Message<Object>> uploadAnswer;

  @BeforeEach
  void start() {
    gateway = StandIns.withSignIn(Map.of(), null);
    prefix = "h" + UUID.randomUUID().toString().substring(0, 8) + ".";
    historyAnswer = msg -> msg.reply("undo".equals(msg.body().getString("action"))
      ? new JsonObject().put("id", msg.body().getLong("id")).put("status", "undone").put("stores", new JsonArray().add("S001"))
        .put("version", 7L).put("orders_removed", 1).put("orders_restored", 2)
      : new JsonObject().put("imports", new JsonArray()));
    gateway.vertx.eventBus().<JsonObject>consumer(Addresses.IMPORT_HISTORY, msg -> {
      commands.add(msg.body());
      historyAnswer.accept(msg);
    }).completion().await();
    uploadAnswer = msg -> msg.reply(new JsonObject().put("dry_run", true).put("imported", false).put("importable", false)
      .put("rejected", new JsonArray().add(new JsonObject().put("line", 2).put("column", "store_code")
        .put("reason", "store 中山路店 (S002) is not one of the stores you may import for")))
      .put("rejected_total", 1));
    gateway.vertx.eventBus().consumer(Addresses.IMPORT, open -> {
      opened.add((JsonObject) open.body());
      String session = Addresses.IMPORT + ".session-" + opened.size();
      gateway.vertx.eventBus().consumer(session, msg -> {
        if ("true".equals(msg.headers().get(ImportProtocol.END))) {
          uploadAnswer.accept(msg);
        } else {
          msg.reply(new JsonObject());
        }
      }).completion().onSuccess(v -> open.reply(new JsonObject().put(ImportProtocol.SESSION, session)));
    }).completion().await();
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  private String user(String role, String... stores) {
    String name = prefix + role + stores.length;
    HttpResponse<Buffer> created = gateway.client.post("/api/v1/admin/users").bearerTokenAuthentication(StandIns.TOKEN)
      .sendJsonObject(new JsonObject().put("username", name).put("password", SignInTest.PASSWORD).put("role", role)
        .put("stores", new JsonArray(List.of(stores)))).await();
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    return name;
  }

  private HttpResponse<Buffer> as(SignInTest.Browser browser, HttpMethod method, String uri) {
    return SignInTest.as(gateway, browser, method, uri, null, true);
  }

  private HttpResponse<Buffer> upload(SignInTest.Browser browser, String uri, MultiMap extra) {
    return gateway.client.post(uri).putHeader("Content-Type", "text/csv; charset=utf-8")
      .putHeader("Cookie", Sessions.COOKIE + "=" + browser.cookie()).putHeader(Sessions.CSRF_HEADER, browser.csrf())
      .putHeaders(extra).sendBuffer(Buffer.buffer(CSV, "UTF-8")).await();
  }

  @Test
  void aManagersHistoryAndUndoCarryTheirNameAndStores() {
    SignInTest.Browser manager = SignInTest.signIn(gateway, user("manager", "S001"));
    HttpResponse<Buffer> list = as(manager, HttpMethod.GET, "/api/v1/imports?limit=20&before=9");
    assertThat(list.statusCode()).as(list.bodyAsString()).isEqualTo(200);
    assertThat(list.getHeader("Cache-Control")).isEqualTo("no-store");
    HttpResponse<Buffer> undo = as(manager, HttpMethod.POST, "/api/v1/imports/41/undo");
    assertThat(undo.statusCode()).as(undo.bodyAsString()).isEqualTo(200);
    assertThat(undo.bodyAsJsonObject().getString("status")).isEqualTo("undone");
    JsonObject scope = new JsonObject().put("stores", new JsonArray().add("S001")).put("cities", new JsonArray());
    assertThat(commands).containsExactly(
      new JsonObject().put("action", "list").put("limit", 20L).put("before", 9L).put("scope", scope),
      new JsonObject().put("action", "undo").put("id", 41L).put("user", prefix + "manager1").put("scope", scope));
    JsonObject entry = auditEntries("import_undo").getJsonObject(0);
    assertThat(entry.getString("actor")).isEqualTo(prefix + "manager1");
    assertThat(entry.getString("target")).isEqualTo("import 41");
    assertThat(entry.getJsonObject("detail")).isEqualTo(new JsonObject().put("status", 200)
      .put("stores", new JsonArray().add("S001")).put("version", 7).put("orders_removed", 1).put("orders_restored", 2));
  }

  @Test
  void hqSeesEveryImportWithoutAScope() {
    HttpResponse<Buffer> list = gateway.get("/api/v1/imports");
    assertThat(list.statusCode()).isEqualTo(200);
    assertThat(commands).containsExactly(new JsonObject().put("action", "list").put("limit", 50L));
  }

  @Test
  void refusalsOfQueryServiceBecomeTheirStatusesAndAreAuditedButA404() {
    SignInTest.Browser manager = SignInTest.signIn(gateway, user("manager", "S001"));
    for (int code : new int[] {404, 403, 409}) {
      historyAnswer = msg -> msg.fail(code, code == 404 ? "no import 5 among yours" : code == 403
        ? "import 5 also changed stores that are not yours: only hq may undo it" : "import 5 is undone already");
      HttpResponse<Buffer> undo = as(manager, HttpMethod.POST, "/api/v1/imports/5/undo");
      assertThat(undo.statusCode()).isEqualTo(code);
      assertThat(StandIns.problem(undo).getString("detail")).contains("import 5");
    }
    JsonArray entries = auditEntries("import_undo");
    assertThat(entries).hasSize(2);
    assertThat(entries.stream().map(e -> ((JsonObject) e).getJsonObject("detail").getInteger("status")))
      .containsExactlyInAnyOrder(403, 409);
  }

  @Test
  void aViewerAForgedCsrfTokenAndAnIdThatIsNoIdNeverReachQueryService() {
    SignInTest.Browser viewer = SignInTest.signIn(gateway, user("viewer", "S001"));
    assertThat(as(viewer, HttpMethod.GET, "/api/v1/imports").statusCode()).isEqualTo(403);
    assertThat(as(viewer, HttpMethod.POST, "/api/v1/imports/1/undo").statusCode()).isEqualTo(403);
    SignInTest.Browser manager = SignInTest.signIn(gateway, user("manager", "S001"));
    for (String csrf : new String[] {null, "", "forged", manager.csrf() + "x"}) {
      MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Cookie", Sessions.COOKIE + "=" + manager.cookie());
      if (csrf != null) {
        headers.add(Sessions.CSRF_HEADER, csrf);
      }
      HttpResponse<Buffer> forged = SignInTest.send(gateway, HttpMethod.POST, "/api/v1/imports/1/undo", null, headers);
      assertThat(forged.statusCode()).as("CSRF header %s", csrf).isEqualTo(403);
      HttpResponse<Buffer> forgedDryRun = gateway.client.post("/api/v1/imports?dry_run=true")
        .putHeader("Content-Type", "text/csv").putHeaders(headers).sendBuffer(Buffer.buffer(CSV)).await();
      assertThat(forgedDryRun.statusCode()).isEqualTo(403);
    }
    for (String id : new String[] {"0", "-1", "1e3", "abc", "99999999999999999999", "1%20OR%201=1"}) {
      HttpResponse<Buffer> undo = as(manager, HttpMethod.POST, "/api/v1/imports/" + id + "/undo");
      assertThat(undo.statusCode()).as(id).isEqualTo(404);
    }
    assertThat(as(manager, HttpMethod.GET, "/api/v1/imports?limit=100000").statusCode()).isEqualTo(400);
    assertThat(as(manager, HttpMethod.GET, "/api/v1/imports?scope=all").statusCode()).isEqualTo(400);
    assertThat(as(manager, HttpMethod.POST, "/api/v1/imports/1/undo?scope=all").statusCode()).isEqualTo(400);
    assertThat(commands).isEmpty();
    assertThat(opened).isEmpty();
  }

  /** While one undo runs, the others are turned away at once: one reaches query-service, none queue. */
  @Test
  void aFloodOfUndosReachesQueryServiceOneAtATime() {
    SignInTest.Browser manager = SignInTest.signIn(gateway, user("manager", "S001"));
    Promise<Void> release = Promise.promise();
    List<Message<JsonObject>> held = new CopyOnWriteArrayList<>();
    historyAnswer = msg -> {
      held.add(msg);
      release.future().onComplete(v -> msg.reply(new JsonObject().put("status", "undone").put("stores", new JsonArray())));
    };
    List<io.vertx.core.Future<HttpResponse<Buffer>>> flood = new ArrayList<>();
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Cookie", Sessions.COOKIE + "=" + manager.cookie())
      .add(Sessions.CSRF_HEADER, manager.csrf());
    flood.add(gateway.client.post("/api/v1/imports/3/undo").putHeaders(headers).send());
    long deadline = System.currentTimeMillis() + 10_000;
    while (held.isEmpty() && System.currentTimeMillis() < deadline) {
      Thread.onSpinWait();
    }
    for (int i = 0; i < 30; i++) {
      flood.add(gateway.client.post("/api/v1/imports/3/undo").putHeaders(headers).send());
    }
    List<Integer> refused = new ArrayList<>();
    for (int i = 1; i < flood.size(); i++) {
      HttpResponse<Buffer> response = flood.get(i).await();
      refused.add(response.statusCode());
      assertThat(response.getHeader("Retry-After")).isEqualTo("2");
    }
    release.complete();
    assertThat(flood.get(0).await().statusCode()).isEqualTo(200);
    assertThat(refused).containsOnly(429);
    assertThat(held).hasSize(1);
    // Free again once the first has its answer.
    assertThat(as(manager, HttpMethod.POST, "/api/v1/imports/3/undo").statusCode()).isEqualTo(200);
  }

  @Test
  void aDryRunCarriesItsFlagAndAnswersItsRefusedLinesAs200WithoutAnAuditRow() {
    SignInTest.Browser manager = SignInTest.signIn(gateway, user("manager", "S001"));
    HttpResponse<Buffer> dryRun = upload(manager, "/api/v1/imports?dry_run=true", MultiMap.caseInsensitiveMultiMap());
    assertThat(dryRun.statusCode()).as(dryRun.bodyAsString()).isEqualTo(200);
    assertThat(dryRun.bodyAsJsonObject().getJsonArray("rejected")).hasSize(1);
    assertThat(opened).hasSize(1);
    assertThat(opened.get(0).getBoolean(ImportProtocol.DRY_RUN)).isTrue();
    assertThat(opened.get(0).getString(ImportProtocol.USER)).isEqualTo(prefix + "manager1");
    assertThat(opened.get(0).getJsonObject(ImportProtocol.SCOPE).getJsonArray("stores")).containsExactly("S001");
    assertThat(auditEntries("import")).isEmpty();
    for (String bad : new String[] {"yes", "1", "true&dry_run=true"}) {
      HttpResponse<Buffer> response = upload(manager, "/api/v1/imports?dry_run=" + bad, MultiMap.caseInsensitiveMultiMap());
      assertThat(response.statusCode()).as(bad).isEqualTo(400);
      assertThat(StandIns.problem(response).getString("parameter")).isEqualTo("dry_run");
    }
    assertThat(opened).hasSize(1);
  }

  /** A huge file announced or streamed as a dry run is refused like an import: before a byte, or once over the limit. */
  @Test
  void aHugeDryRunIsRefusedCleanly() {
    HttpResponse<Buffer> declared = gateway.client.post("/api/v1/imports?dry_run=true").bearerTokenAuthentication(StandIns.TOKEN)
      .putHeader("Content-Type", "text/csv").putHeader("Content-Length", String.valueOf(ImportRoutes.MAX_BYTES + 1))
      .send().await();
    assertThat(declared.statusCode()).isEqualTo(413);
    assertThat(StandIns.problem(declared).getString("detail")).contains("256 MiB");
    assertThat(opened).isEmpty();
    // Refused by query-service from the size announced in the form-less open (as it answers a file too large).
    uploadAnswer = msg -> msg.fail(Failure.TOO_LARGE.code(), new JsonObject().put("imported", false).put("dry_run", true)
      .put("detail", "nothing was imported: the file is over the import limit").encode());
    HttpResponse<Buffer> streamed = gateway.client.post("/api/v1/imports?dry_run=true").bearerTokenAuthentication(StandIns.TOKEN)
      .putHeader("Content-Type", "text/csv").sendBuffer(Buffer.buffer(CSV.getBytes(StandardCharsets.UTF_8))).await();
    assertThat(streamed.statusCode()).isEqualTo(413);
    assertThat(StandIns.problem(streamed).getString("detail")).contains("over the import limit");
    assertThat(auditEntries("import")).isEmpty();
  }

  @Test
  void theUploadPageIsServedWithoutInlineScript() {
    HttpResponse<Buffer> page = gateway.anonymous("/upload.html");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.getHeader("Content-Type")).startsWith("text/html");
    String html = page.bodyAsString();
    assertThat(html).contains("<script type=\"module\" src=\"/js/upload.js\"></script>", "id=\"upload-files\"",
      "<label id=\"drop-zone\" class=\"drop-zone\" for=\"upload-files\">", "id=\"signin-form\"");
    // Every script element has a src: the CSP needs no hash and no 'unsafe-inline'.
    assertThat(html.split("<script").length - 1).isEqualTo(html.split("<script[^>]*src=").length - 1);
    assertThat(html).doesNotContain("style=\"", "onclick=", "http://", "https://");
    HttpResponse<Buffer> js = gateway.anonymous("/js/upload.js");
    assertThat(js.getHeader("Content-Type")).contains("javascript");
    assertThat(js.bodyAsString()).doesNotContain("eval(", "new Function(", "innerHTML", "http://", "https://");
    assertThat(gateway.anonymous("/css/upload.css").getHeader("Content-Type")).startsWith("text/css");
    assertThat(gateway.anonymous("/").bodyAsString()).contains("id=\"upload-link\" class=\"lang\" href=\"/upload.html\"");
  }

  private JsonArray auditEntries(String action) {
    HttpResponse<Buffer> audit = gateway.get("/api/v1/admin/audit?limit=50");
    assertThat(audit.statusCode()).as(audit.bodyAsString()).isEqualTo(200);
    JsonArray entries = new JsonArray();
    audit.bodyAsJsonObject().getJsonArray("entries").forEach(e -> {
      JsonObject entry = (JsonObject) e;
      if (action.equals(entry.getString("action"))) {
        entries.add(entry);
      }
    });
    return entries;
  }
}
