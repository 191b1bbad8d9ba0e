package io.storedash.query.storage;

import io.vertx.pgclient.PgConnectOptions;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;

/** A PostgreSQL database reached over JDBC, for the blocking jobs (migrations, backup, restore). */
public record JdbcDatabase(String jdbcUrl, String user, String password) {

  /** The database a {@code postgresql://} URL (as {@code PG_URL} takes it) names. */
  public static JdbcDatabase of(String postgresUrl) {
    PgConnectOptions options = PgConnectOptions.fromUri(postgresUrl);
    String host = options.getHost().contains(":") ? "[" + options.getHost() + "]" : options.getHost();
    return new JdbcDatabase("jdbc:postgresql://" + host + ":" + options.getPort() + "/" + options.getDatabase(),
      options.getUser(), options.getPassword());
  }

  /** The database {@code name} on the same server, with the same credentials. */
  public JdbcDatabase named(String name) {
    return new JdbcDatabase(jdbcUrl.substring(0, jdbcUrl.lastIndexOf('/') + 1) + name, user, password);
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl, user, password == null ? "" : password);
  }
}
