package io.storedash.query.storage;

import io.storedash.common.Addresses;
import io.storedash.common.QueryKind;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestStorage;
import io.storedash.query.QueryService;
import io.storedash.query.ingest.BulkLoader;
import io.storedash.query.ingest.CsvImport;
import io.storedash.query.ingest.DemoDataset;
import io.storedash.query.ingest.DemoOptions;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Backups and restores against real PostgreSQL: a backup taken while an import commits and dashboards are read
 * holds the state of its snapshot and restores to exactly the same answers for every view; a restored database
 * takes new imports (its sequences moved on); a backup of an older schema is migrated on restore; a damaged,
 * foreign or newer backup is refused and changes nothing.
 */
class DatabaseBackupTest {

  /** The schema version of this release: its newest migration (V6, the import history). */
  private static final String CURRENT_SCHEMA = "9";

  private static final LocalDate END = LocalDate.of(2026, 5, 31);
  /** New orders for S001 inside the views' range, and a new store. */
  private static final String IMPORT = """
    order_id,store_code,store_name,channel,ordered_at,sku,product_name,category,quantity,unit_price,list_price,unit_cost,delivery_cost,platform_fee,discount,customer_delivery_fee,packaging_fee
    BK-1,S001,,meituan,2026-05-20 10:00:00,BK-P1,备份测试商品,饮料,3,9.90,12.00,4.00,5.00,1.00,2.00,3.00,1.00
    BK-2,S001,,offline,2026-05-21 18:30:00,BK-P1,备份测试商品,饮料,1,9.90,12.00,4.00,,,,,
    BK-3,S777,备份新店,eleme,2026-05-22 09:15:00,BK-P2,备份测试二,零食,2,5.00,5.00,2.00,4.00,0.80,0,0,0
    """;

  private static StoreDashConfig sourceConfig;
  private static Node source;
  private static Pool sourcePool;

  @TempDir
  Path dir;

  @BeforeAll
  static void loadSource() throws Exception {
    sourceConfig = TestStorage.config(Map.of());
    source = Node.local(sourceConfig);
    sourcePool = PgPools.create(source.vertx(), sourceConfig, 2, null);
    source.deploy(QueryService.DESCRIPTOR, 1)
      .compose(id -> new BulkLoader(source.vertx(), source.signatures(), sourcePool, sourceConfig.timezone())
        .load(new DemoDataset(new DemoOptions(3, 1_500, 40, 7, END))))
      .toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }

  @AfterAll
  static void close() throws Exception {
    source.vertx().close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @Test
  void aBackupTakenWhileAnImportCommitsRestoresTheAnswersOfItsSnapshot() throws Exception {
    List<String> before = views(source);
    Path file = dir.resolve("under-load.zip");
    AtomicBoolean loading = new AtomicBoolean(true);
    AtomicInteger answered = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    List<Future<Void>> readers = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      readers.add(readWhile(loading, answered, failed));
    }
    DatabaseBackup.Summary summary;
    try {
      // The import commits after the backup's snapshot was taken and before it reads any table.
      summary = DatabaseBackup.backup(JdbcDatabase.of(sourceConfig.pgUrlOrDefault()), file, () -> importInto(source, sourcePool));
    } finally {
      loading.set(false);
    }
    Future.all(readers).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    List<String> after = views(source);
    assertThat(after).as("the import changed what the views show").isNotEqualTo(before);
    assertThat(answered.get()).isPositive();
    assertThat(failed.get()).isZero();
    assertThat(summary.schemaVersion()).isEqualTo(CURRENT_SCHEMA);
    assertThat(summary.rows()).containsKeys("stores", "orders", "order_lines", "daily_store_channel", "dataset_version",
      "users", "api_tokens", "audit_log");
    assertThat(Files.exists(dir.resolve("under-load.zip.partial"))).isFalse();

    StoreDashConfig restoredConfig = TestStorage.config(Map.of());
    DatabaseBackup.Summary restored = DatabaseBackup.restore(JdbcDatabase.of(restoredConfig.pgUrlOrDefault()), file);
    assertThat(restored.rows()).isEqualTo(summary.rows());
    Node restoredNode = Node.local(restoredConfig);
    Pool restoredPool = PgPools.create(restoredNode.vertx(), restoredConfig, 2, null);
    try {
      restoredNode.deploy(QueryService.DESCRIPTOR, 1).toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
      assertThat(views(restoredNode)).containsExactlyElementsOf(before);
      // Ids continue after the restored ones: the same import then gives what the source shows after it.
      importInto(restoredNode, restoredPool);
      assertThat(views(restoredNode)).containsExactlyElementsOf(after);
    } finally {
      restoredNode.vertx().close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void usersTheirTokensAndTheAuditLogAreRestoredThoughTokensComeFirstByName() throws Exception {
    JdbcDatabase database = JdbcDatabase.of(TestStorage.newDatabase());
    Migrations.flyway(database).load().migrate();
    try (Connection conn = database.connect(); Statement st = conn.createStatement()) {
      st.execute("INSERT INTO users (username, password_hash, role, stores, cities) "
        + "VALUES ('li.wei', '$pbkdf2$it=210000$c2FsdA$aGFzaA', 'manager', '{S001,S002}', '{上海}')");
      st.execute("INSERT INTO api_tokens (id, token_hash, username, name, role, stores) "
        + "VALUES ('tok_1', '\\x0102', 'li.wei', 'kiosk', 'viewer', '{S001}')");
      st.execute("INSERT INTO audit_log (actor, action, target, address, detail) "
        + "VALUES ('li.wei', 'token_created', 'tok_1', '10.0.0.7', '{\"name\": \"kiosk\"}')");
    }
    Path file = dir.resolve("users.zip");
    DatabaseBackup.Summary summary = DatabaseBackup.backup(database, file);
    assertThat(summary.rows()).containsEntry("users", 1L).containsEntry("api_tokens", 1L).containsEntry("audit_log", 1L);

    JdbcDatabase target = JdbcDatabase.of(TestStorage.newDatabase());
    DatabaseBackup.restore(target, file);
    assertThat(single(target, "SELECT username || role || array_to_string(stores, ',') || array_to_string(cities, ',') "
      + "|| password_hash FROM users")).isEqualTo("li.weimanagerS001,S002上海$pbkdf2$it=210000$c2FsdA$aGFzaA");
    assertThat(single(target, "SELECT id || username || encode(token_hash, 'hex') FROM api_tokens")).isEqualTo("tok_1li.wei0102");
    assertThat(single(target, "SELECT detail->>'name' FROM audit_log")).isEqualTo("kiosk");
    assertThat(single(target, "INSERT INTO audit_log (action) VALUES ('sign_in') RETURNING id")).isEqualTo("2");
  }

  @Test
  void aBackupOfAnOlderSchemaIsMigratedOnRestore() throws Exception {
    JdbcDatabase old = JdbcDatabase.of(TestStorage.newDatabase());
    Migrations.flyway(old).target("1").load().migrate();
    try (Connection conn = old.connect(); Statement st = conn.createStatement()) {
      st.execute("INSERT INTO stores (code, name) VALUES ('S001', '老店')");
      st.execute("INSERT INTO products (sku, name) VALUES ('P1', '可乐')");
      st.execute("INSERT INTO orders (order_no, store_id, channel, ordered_at, local_day, local_hour) "
        + "VALUES ('O1', 1, 1, '2026-03-01 02:00:00+00', '2026-03-01', 10)");
      st.execute("INSERT INTO order_lines (order_id, unit_price, list_price, unit_cost, product_id, store_id, local_day, "
        + "quantity, channel, local_hour) VALUES (1, 300, 300, 200, 1, 1, '2026-03-01', 2, 1, 10)");
      st.execute("INSERT INTO daily_store_channel (store_id, day, channel, orders, items, revenue, cost, list_revenue, "
        + "discount, delivery_cost, platform_fee, customer_delivery_fee, packaging_fee) "
        + "VALUES (1, '2026-03-01', 1, 1, 2, 600, 400, 600, 0, 0, 0, 0, 0)");
    }
    Path file = dir.resolve("v1.zip");
    assertThat(DatabaseBackup.backup(old, file).schemaVersion()).isEqualTo("1");

    JdbcDatabase target = JdbcDatabase.of(TestStorage.newDatabase());
    DatabaseBackup.restore(target, file);
    assertThat(single(target, "SELECT version FROM flyway_schema_history WHERE version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1"))
      .isEqualTo(CURRENT_SCHEMA);
    // V2 counts each (store, day, channel)'s lines from the restored order lines.
    assertThat(single(target, "SELECT lines FROM daily_store_channel")).isEqualTo("1");
    assertThat(single(target, "SELECT code || name FROM stores")).isEqualTo("S001老店");
    // The identity sequence continues after the restored id.
    assertThat(single(target, "INSERT INTO stores (code, name) VALUES ('S002', '新店') RETURNING id")).isEqualTo("2");
  }

  @Test
  void aDamagedForeignOrNewerBackupIsRefusedAndChangesNothing() throws Exception {
    Path good = dir.resolve("good.zip");
    DatabaseBackup.backup(JdbcDatabase.of(sourceConfig.pgUrlOrDefault()), good);
    JdbcDatabase target = JdbcDatabase.of(TestStorage.newDatabase());

    Path notZip = dir.resolve("not.zip");
    Files.writeString(notZip, "order_id,store_code\n1,S001\n");
    assertThatThrownBy(() -> DatabaseBackup.restore(target, notZip))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is not a StoreDash backup");

    Path miscounted = rewrite(good, "summary.json", text -> text.replaceFirst("\"orders\" : (\\d+)", "\"orders\" : 1$1"));
    assertThatThrownBy(() -> DatabaseBackup.restore(target, miscounted))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("is damaged: table orders has");

    Path newer = rewrite(good, "manifest.json", text -> text.replace("\"schema_version\" : \"" + CURRENT_SCHEMA + "\"",
      "\"schema_version\" : \"99\""));
    assertThatThrownBy(() -> DatabaseBackup.restore(target, newer))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("taken from schema version 99").hasMessageContaining("knows schema versions up to " + CURRENT_SCHEMA);

    Path hostile = rewrite(good, "manifest.json", text -> text.replace("\"name\" : \"stores\"", "\"name\" : \"stores; DROP TABLE orders\""));
    assertThatThrownBy(() -> DatabaseBackup.restore(target, hostile))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("that StoreDash never has");

    // The failed restores left the target as the refused ones found it (the miscounted one rolled back its rows).
    assertThat(single(target, "SELECT count(*) FROM orders")).isEqualTo("0");
    DatabaseBackup.restore(target, good);
    assertThat(single(target, "SELECT count(*) FROM orders"))
      .isEqualTo(single(JdbcDatabase.of(sourceConfig.pgUrlOrDefault()), "SELECT count(*) FROM orders"));
    assertThatThrownBy(() -> DatabaseBackup.restore(target, good))
      .isInstanceOf(IllegalStateException.class).hasMessageContaining("already holds StoreDash data");
  }

  /** Every view of every store and of 'all' over one range, as the JSON a client receives. */
  private static List<String> views(Node node) throws Exception {
    List<Future<String>> answers = new ArrayList<>();
    for (QueryKind kind : QueryKind.values()) {
      List<String> stores = kind == QueryKind.STORES || kind == QueryKind.RANKING ? List.of("all")
        : kind.allowsAllStores() ? List.of("all", "S001", "S002", "S003", "S777") : List.of("S001", "S002", "S003", "S777");
      for (String store : stores) {
        JsonObject query = new JsonObject().put("kind", kind.wireName()).put("store", store);
        // The action list is of one day (docs/DESIGN.md §14.1); every other view is over the range.
        if (kind == QueryKind.ACTIONS) {
          query.put("params", new JsonObject().put("day", END.toString()));
        } else {
          query.put("from", "2026-05-01").put("to", END.toString());
        }
        answers.add(compute(node, query).recover(e -> Future.succeededFuture("failed: " + e.getMessage())));
      }
    }
    // The stores' last import time is when an import ran: the same import on the restored copy runs at another moment.
    return Future.all(answers).map(all -> all.<String>list().stream()
        .map(view -> view.replaceAll("\"last_import_at\":\"[^\"]*\"", "\"last_import_at\":\"(when)\"")).toList())
      .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static Future<String> compute(Node node, JsonObject query) {
    return node.vertx().eventBus().<Buffer>request(Addresses.DASHBOARD_COMPUTE, query).map(Message::body).map(Buffer::toString);
  }

  /** One reader of the dashboards, asking again as soon as it is answered, until {@code loading} is false. */
  private static Future<Void> readWhile(AtomicBoolean loading, AtomicInteger answered, AtomicInteger failed) {
    if (!loading.get()) {
      return Future.succeededFuture();
    }
    return compute(source, new JsonObject().put("kind", "overview").put("store", "all"))
      .andThen(ar -> (ar.succeeded() ? answered : failed).incrementAndGet())
      .transform(ar -> readWhile(loading, answered, failed));
  }

  private static void importInto(Node node, Pool pool) {
    try {
      CsvImport.open(node.vertx(), node.signatures(), pool, "backup-test.csv", sourceConfig.timezone(), 1 << 20)
        .compose(run -> run.accept(Buffer.buffer(IMPORT, "UTF-8")).compose(v -> run.finish()))
        .toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the import failed: " + e, e);
    }
  }

  private static String single(JdbcDatabase database, String sql) throws Exception {
    try (Connection conn = database.connect(); Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** A copy of {@code backup} with one entry's text changed. */
  private Path rewrite(Path backup, String entryName, UnaryOperator<String> change) throws IOException {
    Path copy = dir.resolve(entryName.replace('.', '-') + "-" + System.nanoTime() + ".zip");
    try (ZipFile zip = new ZipFile(backup.toFile()); OutputStream out = Files.newOutputStream(copy);
         ZipOutputStream rewritten = new ZipOutputStream(out)) {
      for (Enumeration<? extends ZipEntry> entries = zip.entries(); entries.hasMoreElements(); ) {
        ZipEntry entry = entries.nextElement();
        rewritten.putNextEntry(new ZipEntry(entry.getName()));
        try (InputStream in = zip.getInputStream(entry)) {
          byte[] bytes = in.readAllBytes();
          if (entry.getName().equals(entryName)) {
            String text = new String(bytes, StandardCharsets.UTF_8);
            String changed = change.apply(text);
            assertThat(changed).as("the test's change applies to " + entryName).isNotEqualTo(text);
            bytes = changed.getBytes(StandardCharsets.UTF_8);
          }
          rewritten.write(bytes);
        }
        rewritten.closeEntry();
      }
    }
    return copy;
  }
}
