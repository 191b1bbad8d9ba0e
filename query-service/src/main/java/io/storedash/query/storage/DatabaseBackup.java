package io.storedash.query.storage;

import io.storedash.common.bootstrap.Node;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationVersion;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyManager;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * A logical backup of a StoreDash database, and its restore. The embedded PostgreSQL ships no {@code pg_dump}, so
 * this is the equivalent made with PostgreSQL's own {@code COPY}: a zip holding {@code manifest.json} (format,
 * StoreDash release, schema version, every table with its columns), one {@code data/<table>.copy} per table in
 * COPY's text format, and {@code summary.json} with the row counts. Every table is read in one read-only
 * REPEATABLE READ transaction, so a backup taken while imports run holds one consistent state: imports committed
 * before it started, none after.
 *
 * <p>A restore fills an empty database: the schema is migrated to the backup's version, the rows are copied in (in
 * one transaction, checked against the counts), identity sequences are moved past the restored ids, then the schema
 * is migrated to this release's version. So a backup restores on the release that took it and on any newer one; a
 * backup from a newer schema is refused. Blocking (JDBC): call it from a worker or a command-line thread.
 */
public final class DatabaseBackup {

  public static final String FORMAT = "storedash-backup/1";
  private static final String MANIFEST = "manifest.json";
  private static final String SUMMARY = "summary.json";
  private static final String DATA = "data/";
  private static final String HISTORY = "flyway_schema_history";

  /** What a backup holds or a restore put back. */
  public record Summary(String schemaVersion, Map<String, Long> rows, long bytes, long millis) {
    public long totalRows() {
      return rows.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private DatabaseBackup() {
  }

  /** As {@link #backup(Database, Path, Runnable)} with nothing run after the snapshot. */
  public static Summary backup(JdbcDatabase database, Path file) throws IOException, SQLException {
    return backup(database, file, () -> { });
  }

  /**
   * Writes a consistent backup of {@code database} to {@code file}: first to {@code file.partial}, then moved into
   * place, so a failed backup never leaves a half file under the name given.
   *
   * @param afterSnapshot run once the transaction's snapshot is taken, before any table is read (tests use it to
   *                      commit an import in the middle of a backup)
   */
  public static Summary backup(JdbcDatabase database, Path file, Runnable afterSnapshot) throws IOException, SQLException {
    long started = System.nanoTime();
    Path target = file.toAbsolutePath();
    Path partial = target.resolveSibling(target.getFileName() + ".partial");
    Files.createDirectories(target.getParent());
    Map<String, Long> rows = new LinkedHashMap<>();
    String schemaVersion;
    try (Connection conn = database.connect()) {
      conn.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      conn.setAutoCommit(false);
      conn.setReadOnly(true);
      // The first query of the transaction takes its snapshot.
      schemaVersion = schemaVersion(conn);
      afterSnapshot.run();
      List<Table> tables = tables(conn);
      CopyManager copy = conn.unwrap(PGConnection.class).getCopyAPI();
      try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(partial))) {
        JsonArray described = new JsonArray();
        tables.forEach(t -> described.add(new JsonObject().put("name", t.name()).put("columns", new JsonArray(t.columns()))));
        write(zip, MANIFEST, new JsonObject().put("format", FORMAT).put("storedash", Node.version())
          .put("schema_version", schemaVersion).put("created", Instant.now().toString()).put("tables", described));
        for (Table table : tables) {
          zip.putNextEntry(new ZipEntry(DATA + table.name() + ".copy"));
          rows.put(table.name(), copy.copyOut("COPY " + table.name() + " (" + table.columnList() + ") TO STDOUT",
            new FilterOutputStream(zip) {
              @Override
              public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
              }

              @Override
              public void close() {
                // the zip stays open for the next entry
              }
            }));
          zip.closeEntry();
        }
        write(zip, SUMMARY, new JsonObject().put("rows", new JsonObject(new LinkedHashMap<>(rows))));
      } catch (IOException | SQLException | RuntimeException e) {
        Files.deleteIfExists(partial);
        throw e;
      } finally {
        conn.rollback();
      }
    }
    Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return new Summary(schemaVersion, rows, Files.size(target), (System.nanoTime() - started) / 1_000_000);
  }

  /**
   * Restores {@code file} into {@code database}, which must hold no StoreDash data (a new database).
   *
   * @throws IllegalArgumentException when the file is not a StoreDash backup, is damaged or incomplete, or comes
   *                                  from a newer schema than this release knows
   * @throws IllegalStateException    when the database already holds StoreDash data
   */
  public static Summary restore(JdbcDatabase database, Path file) throws IOException, SQLException {
    long started = System.nanoTime();
    try (ZipFile zip = open(file)) {
      JsonObject manifest = read(zip, MANIFEST, file);
      if (!FORMAT.equals(manifest.getString("format"))) {
        throw new IllegalArgumentException(file + " is not a StoreDash backup (format '" + manifest.getString("format")
          + "', expected '" + FORMAT + "')");
      }
      JsonObject counts = read(zip, SUMMARY, file).getJsonObject("rows", new JsonObject());
      String version = manifest.getString("schema_version");
      MigrationVersion known = latestKnownVersion(database);
      if (version == null || MigrationVersion.fromVersion(version).compareTo(known) > 0) {
        throw new IllegalArgumentException(file + " was taken from schema version " + version + " (StoreDash "
          + manifest.getString("storedash") + "); this StoreDash knows schema versions up to " + known
          + ": restore it with that release or a newer one");
      }
      List<Table> tables = new ArrayList<>();
      for (Object t : manifest.getJsonArray("tables", new JsonArray())) {
        JsonObject table = (JsonObject) t;
        tables.add(new Table(identifier(table.getString("name")),
          table.getJsonArray("columns").stream().map(c -> identifier((String) c)).toList()));
      }
      try (Connection conn = database.connect()) {
        refuseUnlessEmpty(conn, database, version);
      }
      Migrations.flyway(database).target(MigrationVersion.fromVersion(version)).load().migrate();
      Map<String, Long> rows = new LinkedHashMap<>();
      try (Connection conn = database.connect()) {
        conn.setAutoCommit(false);
        try (Statement st = conn.createStatement()) {
          // The migrations seed some tables (channels, the dataset version): the backup's rows replace them.
          st.execute("TRUNCATE " + String.join(", ", tables.stream().map(Table::name).toList()));
        }
        CopyManager copy = conn.unwrap(PGConnection.class).getCopyAPI();
        for (Table table : tables) {
          ZipEntry entry = zip.getEntry(DATA + table.name() + ".copy");
          if (entry == null) {
            throw new IllegalArgumentException(file + " is incomplete: it has no rows of table " + table.name());
          }
          try (InputStream in = zip.getInputStream(entry)) {
            long copied = copy.copyIn("COPY " + table.name() + " (" + table.columnList() + ") FROM STDIN", in);
            Long expected = counts.getLong(table.name());
            if (expected == null || expected != copied) {
              throw new IllegalArgumentException(file + " is damaged: table " + table.name() + " has " + copied
                + " rows where its summary says " + expected);
            }
            rows.put(table.name(), copied);
          }
          moveSequences(conn, table);
        }
        conn.commit();
      }
      Migrations.flyway(database).load().migrate();
      return new Summary(version, rows, Files.size(file), (System.nanoTime() - started) / 1_000_000);
    }
  }

  /** The schema version a backup file was taken from, and the release that took it: for messages before a restore. */
  public static JsonObject manifest(Path file) throws IOException {
    try (ZipFile zip = open(file)) {
      return read(zip, MANIFEST, file);
    }
  }

  private record Table(String name, List<String> columns) {
    String columnList() {
      return String.join(", ", columns);
    }
  }

  private static ZipFile open(Path file) throws IOException {
    try {
      return new ZipFile(file.toFile(), StandardCharsets.UTF_8);
    } catch (java.util.zip.ZipException e) {
      throw new IllegalArgumentException(file + " is not a StoreDash backup (not a zip file: " + e.getMessage() + ")", e);
    }
  }

  private static JsonObject read(ZipFile zip, String name, Path file) throws IOException {
    ZipEntry entry = zip.getEntry(name);
    if (entry == null) {
      throw new IllegalArgumentException(file + " is not a complete StoreDash backup: " + name + " is missing");
    }
    try (InputStream in = zip.getInputStream(entry)) {
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (io.vertx.core.json.DecodeException e) {
      throw new IllegalArgumentException(file + " is damaged: " + name + " is not JSON", e);
    }
  }

  private static void write(ZipOutputStream zip, String name, JsonObject json) throws IOException {
    zip.putNextEntry(new ZipEntry(name));
    zip.write(json.encodePrettily().getBytes(StandardCharsets.UTF_8));
    zip.closeEntry();
  }

  /** Names come from the backup file: only plain lower-case identifiers are used in SQL. */
  private static String identifier(String name) {
    if (name == null || !name.matches("[a-z_][a-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("the backup names a table or column '" + name + "' that StoreDash never has");
    }
    return name;
  }

  private static String schemaVersion(Connection conn) throws SQLException {
    String version = schemaVersionOrNull(conn);
    if (version == null) {
      throw new IllegalStateException("the database holds no StoreDash schema: nothing to back up");
    }
    return version;
  }

  /**
   * A database to restore into has no StoreDash schema, or the backup's schema with no store and no order in it (as
   * a restore that failed half-way leaves it: the migrations are committed, the rows were rolled back).
   */
  private static void refuseUnlessEmpty(Connection conn, JdbcDatabase database, String version) throws SQLException {
    String existing = schemaVersionOrNull(conn);
    if (existing == null) {
      return;
    }
    boolean rows;
    try (Statement st = conn.createStatement();
         ResultSet rs = st.executeQuery("SELECT EXISTS (SELECT 1 FROM stores) OR EXISTS (SELECT 1 FROM orders)")) {
      rs.next();
      rows = rs.getBoolean(1);
    }
    if (rows || !existing.equals(version)) {
      throw new IllegalStateException("the database " + database.jdbcUrl() + " already holds StoreDash data (schema "
        + "version " + existing + "): a backup is restored into an empty database");
    }
  }

  private static String schemaVersionOrNull(Connection conn) throws SQLException {
    try (Statement st = conn.createStatement();
         ResultSet exists = st.executeQuery("SELECT to_regclass('public." + HISTORY + "') IS NOT NULL")) {
      exists.next();
      if (!exists.getBoolean(1)) {
        return null;
      }
    }
    try (Statement st = conn.createStatement();
         ResultSet rs = st.executeQuery("SELECT version FROM " + HISTORY
           + " WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1")) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  private static List<Table> tables(Connection conn) throws SQLException {
    Map<String, List<String>> columns = new LinkedHashMap<>();
    try (PreparedStatement st = conn.prepareStatement("""
           SELECT c.table_name, c.column_name
           FROM information_schema.columns c
           JOIN information_schema.tables t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
           WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE' AND c.table_name <> ?
             AND c.is_generated = 'NEVER'
           ORDER BY c.table_name, c.ordinal_position""")) {
      st.setString(1, HISTORY);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          columns.computeIfAbsent(rs.getString(1), t -> new ArrayList<>()).add(rs.getString(2));
        }
      }
    }
    List<Table> tables = new ArrayList<>();
    columns.forEach((name, cols) -> tables.add(new Table(name, List.copyOf(cols))));
    return tables;
  }

  /** Moves the sequence behind each serial or identity column past the largest restored value. */
  private static void moveSequences(Connection conn, Table table) throws SQLException {
    for (String column : table.columns()) {
      String sequence;
      try (PreparedStatement st = conn.prepareStatement("SELECT pg_get_serial_sequence(?, ?)")) {
        st.setString(1, table.name());
        st.setString(2, column);
        try (ResultSet rs = st.executeQuery()) {
          rs.next();
          sequence = rs.getString(1);
        }
      }
      if (sequence != null) {
        try (PreparedStatement st = conn.prepareStatement(
          "SELECT setval(?::regclass, coalesce((SELECT max(" + column + ") FROM " + table.name() + "), 0) + 1, false)")) {
          st.setString(1, sequence);
          st.execute();
        }
      }
    }
  }

  private static MigrationVersion latestKnownVersion(JdbcDatabase database) {
    MigrationVersion latest = MigrationVersion.EMPTY;
    for (MigrationInfo info : Migrations.flyway(database).load().info().all()) {
      if (info.getVersion() != null && info.getVersion().compareTo(latest) > 0) {
        latest = info.getVersion();
      }
    }
    return latest;
  }
}
