package io.storedash.gateway.auth;

import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestStorage;
import io.storedash.query.storage.Migrations;
import io.storedash.common.security.MessageSignatures;
import io.vertx.core.Vertx;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The users table as the standalone's first start and HQ's user management use it, against a real PostgreSQL. */
class UsersTest {

  private Vertx vertx;
  private StoreDashConfig config;
  private Pool pool;
  private Users users;

  @BeforeEach
  void start() {
    config = TestStorage.config(Map.of());
    Migrations.migrate(config);
    vertx = Vertx.vertx();
    pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(config.pgUrlOrDefault())).using(vertx).build();
    users = new Users(vertx, MessageSignatures.unshared("gateway"), pool, Clock.systemUTC(), Duration.ofSeconds(5));
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void theFirstStartCreatesTheAdminOnceAndOnlyIntoAnEmptyTable() {
    assertThat(Users.ensureAdmin(vertx, config, "first admin password").await()).isTrue();
    assertThat(Users.ensureAdmin(vertx, config, "another password entirely").await()).isFalse();
    User admin = users.find(Users.FIRST_ADMIN).await();
    assertThat(admin.role()).isEqualTo(Role.HQ);
    assertThat(admin.hasPassword()).isTrue();
    assertThat(admin.source()).isEqualTo("password");
    assertThat(users.verifyPassword("admin", "first admin password").await()).isEqualTo(admin);
    assertThat(users.verifyPassword("admin", "another password entirely").await()).isNull();
    assertThatThrownBy(() -> Users.ensureAdmin(vertx, pool, "short").await()).hasMessageContaining("at least 10 characters");
  }

  @Test
  void passwordsAreStoredSaltedAndSlowAndNeverInTheClear() {
    users.create("li.wei", "a long enough password", Role.MANAGER, Set.of("S001"), Set.of("上海")).await();
    users.create("wang.fang", "a long enough password", Role.VIEWER, Set.of("S001"), Set.of()).await();
    var hashes = pool.query("SELECT password_hash FROM users ORDER BY username").execute().await();
    String first = hashes.iterator().next().getString(0);
    assertThat(first).startsWith("$pbkdf2$it=" + Passwords.ITERATIONS + "$").doesNotContain("a long enough password");
    // The same password, another salt: another hash.
    assertThat(hashes.stream().map(row -> row.getString(0)).distinct()).hasSize(2);
    assertThat(users.verifyPassword("li.wei", "a long enough password").await().access())
      .isEqualTo(Access.of(Set.of("S001"), Set.of("上海")));
    assertThat(users.verifyPassword("li.wei", "A long enough password").await()).isNull();
    assertThat(users.verifyPassword("nobody", "a long enough password").await()).isNull();
    assertThat(users.verifyPassword("bad name!", "a long enough password").await()).isNull();
  }

  @Test
  void theLastEnabledHqUserCannotBeRemovedOrDemoted() {
    users.create("boss", "a long enough password", Role.HQ, Set.of(), Set.of()).await();
    assertThatThrownBy(() -> users.delete("boss").await()).isInstanceOf(HttpException.class)
      .hasFieldOrPropertyWithValue("statusCode", 409);
    assertThatThrownBy(() -> users.disable("boss").await()).isInstanceOf(HttpException.class);
    assertThatThrownBy(() -> users.update("boss", new Users.Change(null, Role.OPS, null, null, null)).await())
      .isInstanceOf(HttpException.class);
    users.create("deputy", "a long enough password", Role.HQ, Set.of(), Set.of()).await();
    assertThat(users.disable("boss").await()).isTrue();
    assertThat(users.find("boss").await().disabled()).isTrue();
    assertThat(users.delete("boss").await()).isTrue();
    assertThat(users.find("boss").await()).isNull();
    assertThat(users.delete("boss").await()).isFalse();
    assertThatThrownBy(() -> users.create("deputy", "a long enough password", Role.HQ, Set.of(), Set.of()).await())
      .isInstanceOfSatisfying(HttpException.class, e -> assertThat(e.getPayload()).contains("exists already"));
  }

  @Test
  void beforeTheSchemaIsMigratedThereIsSimplyNoUser() {
    StoreDashConfig empty = TestStorage.config(Map.of());
    Pool bare = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(empty.pgUrlOrDefault())).using(vertx).build();
    Users none = new Users(vertx, MessageSignatures.unshared("gateway"), bare, Clock.systemUTC(), Duration.ofSeconds(5));
    assertThat(none.find("admin").await()).isNull();
    assertThat(none.list().await()).isEmpty();
    assertThat(none.verifyPassword("admin", "whatever password").await()).isNull();
  }
}
