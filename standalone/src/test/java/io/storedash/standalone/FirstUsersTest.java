package io.storedash.standalone;

import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestStorage;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The users a standalone start makes: admin once, demo users per city, and what is printed of their passwords. */
class FirstUsersTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void aChosenPasswordIsNeverPrintedAndAGeneratedOneOnce() {
    FirstUsers.Outcome chosen = new FirstUsers.Outcome(true, "my-own-password-123", false, List.of(), "x", false);
    assertThat(String.join("\n", chosen.lines())).contains("user admin, password from STOREDASH_ADMIN_PASSWORD")
      .doesNotContain("my-own-password-123");
    FirstUsers.Outcome generated = new FirstUsers.Outcome(true, FirstUsers.generated(), true, List.of("1 杭州"), "demo-pw-0123456789", true);
    assertThat(String.join("\n", generated.lines())).contains("password " + generated.adminPassword(), "shown this once",
      "manager-N (manager) and viewer-N (viewer) of city N: 1 杭州; password demo-pw-0123456789");
    FirstUsers.Outcome later = new FirstUsers.Outcome(false, "whatever-it-was-1", true, List.of(), "x", true);
    assertThat(String.join("\n", later.lines())).doesNotContain("whatever-it-was-1").contains("first start");
    assertThat(FirstUsers.generated()).hasSize(20).isNotEqualTo(FirstUsers.generated());
  }

  @Test
  void adminOnceAndAManagerAndAViewerPerCityOnAnEmptyDatabase() {
    StoreDashConfig config = TestStorage.config(Map.of());
    Map<String, String> env = new HashMap<>(Map.of(FirstUsers.ADMIN_PASSWORD, "first-admin-password-1"));
    FirstUsers.Outcome first = FirstUsers.create(vertx, config, false, env::get).await();
    assertThat(first.adminCreated()).isTrue();
    SqlClient db = PgBuilder.client().connectingTo(PgConnectOptions.fromUri(config.pgUrlOrDefault())).using(vertx).build();
    try {
      db.query("INSERT INTO stores (code, name, city, timezone) VALUES ('S1', 'a', '杭州', 'Asia/Shanghai'), "
        + "('S2', 'b', '宁波', 'Asia/Shanghai'), ('S3', 'c', '杭州', 'Asia/Shanghai')").execute().await();
      FirstUsers.Outcome again = FirstUsers.create(vertx, config, true, env::get).await();
      assertThat(again.adminCreated()).as("admin exists: left alone").isFalse();
      assertThat(again.demoUsers()).containsExactly("1 宁波", "2 杭州");
      Map<String, JsonObject> users = new HashMap<>();
      for (Row row : db.query("SELECT username, role, cities FROM users ORDER BY username").execute().await()) {
        users.put(row.getString(0), new JsonObject().put("role", row.getString(1)).put("cities", List.of(row.getArrayOfStrings(2))));
      }
      assertThat(users).containsOnlyKeys("admin", "manager-1", "viewer-1", "manager-2", "viewer-2");
      assertThat(users.get("admin").getString("role")).isEqualTo("hq");
      assertThat(users.get("manager-2")).isEqualTo(new JsonObject().put("role", "manager").put("cities", List.of("杭州")));
      assertThat(users.get("viewer-1")).isEqualTo(new JsonObject().put("role", "viewer").put("cities", List.of("宁波")));
      assertThat(FirstUsers.create(vertx, config, true, env::get).await().demoUsers()).as("a second start makes none").isEmpty();
    } finally {
      db.close().await();
    }
  }
}
