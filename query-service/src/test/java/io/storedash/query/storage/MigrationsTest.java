package io.storedash.query.storage;

import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestStorage;
import io.vertx.pgclient.PgConnectOptions;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Schema migrations: idempotent, and a rollback to this release works against a schema a newer one migrated. */
class MigrationsTest {

  @Test
  void migratingTwiceAppliesNothingTheSecondTime() {
    StoreDashConfig config = TestStorage.config(Map.of());
    assertThat(Migrations.migrate(config)).isPositive();
    assertThat(Migrations.migrate(config)).isZero();
  }

  @Test
  void thisReleaseStartsOnASchemaANewerReleaseMigrated() {
    StoreDashConfig config = TestStorage.config(Map.of());
    PgConnectOptions pg = PgConnectOptions.fromUri(config.pgUrlOrDefault());
    String jdbc = "jdbc:postgresql://" + pg.getHost() + ":" + pg.getPort() + "/" + pg.getDatabase();
    // A newer release ran its migrations, one more than this release knows.
    Flyway.configure(getClass().getClassLoader())
      .dataSource(jdbc, pg.getUser(), pg.getPassword())
      .locations("classpath:db/migration", "classpath:db/future")
      .load()
      .migrate();
    // Rolled back: this release's query-service starts (its migrate validates and applies nothing).
    assertThat(Migrations.migrate(config)).isZero();
  }
}
