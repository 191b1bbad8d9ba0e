package io.storedash.gateway;

import io.storedash.common.Addresses;
import io.storedash.common.testing.ManualClock;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static io.storedash.gateway.SignInTest.PASSWORD;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The 今日必做 routes from an attacker's side (docs/DESIGN.md §14.1): a manager asking another store's list gets the
 * answer a store that does not exist gets, and their {@code all} is their own stores; the thresholds are HQ's, each
 * bad value is a 400 naming it, a huge body is refused, and a change is audited and flushes the cached lists.
 */
class ActionRoutesTest {

  private StandIns gateway;
  private String prefix;
  private final List<JsonObject> settingsCommands = new CopyOnWriteArrayList<>();
  private final List<JsonObject> cacheCommands = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    gateway = StandIns.withSignIn(Map.of(), new ManualClock());
    prefix = "a" + UUID.randomUUID().toString().substring(0, 8) + ".";
    gateway.vertx.eventBus().<JsonObject>consumer(Addresses.ACTION_SETTINGS, msg -> {
      settingsCommands.add(msg.body());
      msg.reply(new JsonObject().put("thresholds", new JsonObject()).put("revision", settingsCommands.size()));
    }).completion().await();
    gateway.vertx.eventBus().<JsonObject>consumer(Addresses.CACHE_ADMIN, msg -> {
      cacheCommands.add(msg.body());
      msg.reply(new JsonObject().put("kind", msg.body().getString("kind")));
    }).completion().await();
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  private String user(String role, String... stores) {
    String name = prefix + role;
    HttpResponse<Buffer> created = admin(HttpMethod.POST, "/api/v1/admin/users", new JsonObject().put("username", name)
      .put("password", PASSWORD).put("role", role).put("stores", new JsonArray(List.of(stores))));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    return name;
  }

  private HttpResponse<Buffer> admin(HttpMethod method, String uri, Object body) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("Authorization", "Bearer " + StandIns.TOKEN);
    var request = gateway.client.request(method, uri).putHeaders(headers);
    if (body == null) {
      return request.send().await();
    }
    return body instanceof Buffer raw ? request.putHeader("Content-Type", "application/json").sendBuffer(raw).await()
      : request.sendJsonObject((JsonObject) body).await();
  }

  @Test
  void aManagerSeesOnlyTheirStoresLists() {
    SignInTest.Browser manager = SignInTest.signIn(gateway, user("manager", "S001"));
    gateway.seenByCache.clear();
    HttpResponse<Buffer> other = SignInTest.as(gateway, manager, HttpMethod.GET, "/api/v1/stores/S002/actions", null, true);
    assertThat(other.statusCode()).isEqualTo(404);
    assertThat(StandIns.problem(other).getString("detail")).contains("unknown store 'S002'");
    assertThat(gateway.seenByCache).as("refused before any question is asked").isEmpty();

    HttpResponse<Buffer> mine = SignInTest.as(gateway, manager, HttpMethod.GET, "/api/v1/stores/all/actions?day=2026-05-20",
      null, true);
    assertThat(mine.statusCode()).isEqualTo(200);
    JsonObject asked = gateway.seenByCache.get(0);
    assertThat(asked.getString("kind")).isEqualTo("actions");
    assertThat(asked.getJsonArray("stores")).isEqualTo(new JsonArray().add("S001"));
    assertThat(asked.getJsonObject("params")).isEqualTo(new JsonObject().put("day", "2026-05-20"));
  }

  @Test
  void aRangeOrABadDayIsRefusedNamingIt() {
    HttpResponse<Buffer> range = admin(HttpMethod.GET, "/api/v1/stores/S001/actions?from=2026-05-01&to=2026-05-20", null);
    assertThat(range.statusCode()).isEqualTo(400);
    assertThat(StandIns.problem(range).getString("parameter")).isEqualTo("from");
    HttpResponse<Buffer> day = admin(HttpMethod.GET, "/api/v1/stores/S001/actions?day=2026-02-30", null);
    assertThat(StandIns.problem(day).getString("parameter")).isEqualTo("day");
  }

  @Test
  void theThresholdsAreHqsAndEachBadValueIsNamed() {
    SignInTest.Browser manager = SignInTest.signIn(gateway, user("manager", "S001"));
    assertThat(SignInTest.as(gateway, manager, HttpMethod.GET, "/api/v1/admin/action-settings", null, true).statusCode())
      .isEqualTo(403);
    assertThat(SignInTest.as(gateway, manager, HttpMethod.PUT, "/api/v1/admin/action-settings",
      new JsonObject().put("top_count", 1), true).statusCode()).isEqualTo(403);
    for (var bad : Map.of(
      "falling_drop", new JsonObject().put("falling_drop", 1.5),
      "delivery_cost_max", new JsonObject().put("delivery_cost_max", "six"),
      "unsold_days", new JsonObject().put("unsold_days", new JsonArray().add(15).add(3)),
      "top_count", new JsonObject().put("top_count", 2.5),
      "password", new JsonObject().put("password", 1)).entrySet()) {
      HttpResponse<Buffer> refused = admin(HttpMethod.PUT, "/api/v1/admin/action-settings", bad.getValue());
      assertThat(refused.statusCode()).as(bad.getKey()).isEqualTo(400);
      assertThat(StandIns.problem(refused).getString("parameter")).isEqualTo(bad.getKey());
    }
    assertThat(admin(HttpMethod.PUT, "/api/v1/admin/action-settings", Buffer.buffer("[1]")).statusCode()).isEqualTo(400);
    Buffer huge = Buffer.buffer("{\"max_items\": " + "1".repeat(100_000) + "}");
    assertThat(admin(HttpMethod.PUT, "/api/v1/admin/action-settings", huge).statusCode()).isEqualTo(413);
    // A flood of bad changes at once: each one refused on its own, none reaching query-service.
    List<Future<HttpResponse<Buffer>>> flood = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      flood.add(gateway.client.put("/api/v1/admin/action-settings").putHeader("Authorization", "Bearer " + StandIns.TOKEN)
        .sendJsonObject(new JsonObject().put("max_items", 1000 + i)));
    }
    for (var answer : flood) {
      assertThat(answer.await().statusCode()).isEqualTo(400);
    }
    assertThat(settingsCommands).as("nothing refused reached query-service").isEmpty();
    assertThat(cacheCommands).isEmpty();
  }

  @Test
  void aChangeIsStoredAuditedAndFlushesTheLists() {
    HttpResponse<Buffer> changed = admin(HttpMethod.PUT, "/api/v1/admin/action-settings",
      new JsonObject().put("delivery_cost_max", 8).put("unsold_days", new JsonArray().add(5).add(10)));
    assertThat(changed.statusCode()).as(changed.bodyAsString()).isEqualTo(200);
    assertThat(changed.bodyAsJsonObject().getString("cache")).isEqualTo("flushed");
    assertThat(settingsCommands).hasSize(1);
    assertThat(settingsCommands.get(0).getString("action")).isEqualTo("set");
    assertThat(settingsCommands.get(0).getString("by")).isEqualTo("admin-token");
    assertThat(cacheCommands).containsExactly(new JsonObject().put("action", "flush").put("kind", "actions"));
    JsonObject entry = admin(HttpMethod.GET, "/api/v1/admin/audit?limit=1", null).bodyAsJsonObject().getJsonArray("entries")
      .getJsonObject(0);
    assertThat(entry.getString("action")).isEqualTo("action_settings_changed");
    assertThat(entry.getJsonObject("detail")).isEqualTo(new JsonObject().put("delivery_cost_max", 8)
      .put("unsold_days", new JsonArray().add(5).add(10)));
  }
}
