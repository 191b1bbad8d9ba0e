package io.storedash.query.storage;

import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.security.Redaction;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.flywaydb.core.api.output.MigrateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings the schema up to date with Flyway ({@code db/migration}). Blocking (JDBC): call it from a worker.
 * Flyway holds a PostgreSQL advisory lock while it migrates, so several query-service instances that start at
 * once migrate one after the other and the later ones find nothing to do.
 */
public final class Migrations {

  private static final Logger LOG = LoggerFactory.getLogger(Migrations.class);

  private Migrations() {
  }

  /**
   * @return the number of migrations applied now (0 when the schema was current)
   * @throws IllegalStateException naming the database when it cannot be reached or a migration fails
   */
  public static int migrate(StoreDashConfig config) {
    try {
      MigrateResult result = flyway(JdbcDatabase.of(config.pgUrlOrDefault()))
        // A schema migrated by a newer release (additive migrations only) is accepted: that is what makes a
        // rollback to this release possible. MigrationsTest shows it.
        .ignoreMigrationPatterns("*:future")
        .load()
        .migrate();
      LOG.info("schema of {} at version {} ({} migration(s) applied)", PgPools.describe(config),
        result.targetSchemaVersion == null ? result.initialSchemaVersion : result.targetSchemaVersion,
        result.migrationsExecuted);
      return result.migrationsExecuted;
    } catch (FlywayException e) {
      throw new IllegalStateException("cannot migrate the schema of PostgreSQL " + PgPools.describe(config) + ": "
        + Redaction.message(e), e);
    }
  }

  /** StoreDash's migrations against {@code database}. */
  static FluentConfiguration flyway(JdbcDatabase database) {
    return Flyway.configure(Migrations.class.getClassLoader())
      .dataSource(database.jdbcUrl(), database.user(), database.password())
      .locations("classpath:db/migration")
      .javaMigrations(new V3_1__RebuildRollups())
      .connectRetries(0);
  }
}
