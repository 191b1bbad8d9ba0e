package io.storedash.query.ingest;

import io.storedash.common.Addresses;
import io.storedash.common.ImportProtocol;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestStorage;
import io.storedash.query.HandMadeSales;
import io.storedash.query.QueryService;
import io.storedash.query.RollupConsistency;
import io.storedash.query.storage.PgPools;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.storedash.query.ingest.ImportTest.utf8;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dry run, the import history and the undo of a whole import (docs/DESIGN.md §13.3), over the event bus as the
 * gateway asks, into a database that holds {@link HandMadeSales}: a dry run changes nothing and publishes nothing; an
 * undo puts every order, line and rollup back exactly; what a later import changed again, an import undone already,
 * and a store outside the caller's are refused.
 */
@ExtendWith(VertxExtension.class)
class ImportHistoryTest {

  private static final String HEADER = "order_id,store_code,store_name,channel,ordered_at,sku,product_name,category,"
    + "quantity,unit_price,list_price,unit_cost,delivery_cost,platform_fee,discount,customer_delivery_fee,packaging_fee,收货地址,备注\n";

  /**
   * For S001: A2 corrected (P3 bought at 9.00, not 12.00), A3 moved from 03-03 to 03-04, and a new order N1 on 03-05.
   * 收货地址 is personal and dropped, 备注 is no column of an export.
   */
  static final String CORRECTION = HEADER
    + "A2,S001,和兴路店,eleme,2026-03-02 00:00:00,P1,可口可乐 330ml,饮料,1,3.00,,2.00,6.00,2.00,3.00,0,1.01,某地,\n"
    + "A2,S001,和兴路店,eleme,2026-03-02 00:00:00,P2,乐事薯片原味 75g,零食,2,8.00,10.00,5.00,6.00,2.00,3.00,0,1.01,某地,\n"
    + "A2,S001,和兴路店,eleme,2026-03-02 00:00:00,P3,新鲜鸡蛋 10枚,,1,10.00,10.00,9.00,6.00,2.00,3.00,0,1.01,某地,\n"
    + "A3,S001,和兴路店,offline,2026-03-04 12:30:00,P2,乐事薯片原味 75g,零食,1,10.00,10.00,4.00,,,,,,,\n"
    + "N1,S001,和兴路店,meituan,2026-03-05 10:00:00,P1,可口可乐 330ml,饮料,1,3.00,3.00,2.00,,0.10,,,,,\n";

  /** A later correction of A2 only, for S001. */
  static final String LATER = HEADER
    + "A2,S001,和兴路店,eleme,2026-03-02 00:00:00,P1,可口可乐 330ml,饮料,3,3.00,,2.00,6.00,2.00,3.00,0,1.01,,\n";

  /** B1 of S002 again, changed: an import of S002's only. */
  static final String OTHER_STORE = HEADER
    + "B1,S002,中山路店,meituan,2026-03-02 10:00:00,P1,可口可乐 330ml,饮料,5,3.00,3.50,2.00,4.00,1.00,0,2.00,0,,\n";

  private StoreDashConfig config;
  private Node node;
  private Pool pool;
  private ImportClient client;

  @BeforeEach
  void deployAndLoad(VertxTestContext testContext) {
    config = TestStorage.config(Map.of());
    node = Node.local(config);
    pool = PgPools.create(node.vertx(), config, 1, null);
    client = new ImportClient(node.vertx(), node.signatures());
    node.deploy(QueryService.DESCRIPTOR, 1)
      .compose(id -> new BulkLoader(node.vertx(), node.signatures(), pool, config.timezone()).load(HandMadeSales.dataset()))
      .onComplete(testContext.succeedingThenComplete());
  }

  @AfterEach
  void close(VertxTestContext testContext) {
    node.vertx().close().onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void aDryRunReportsWhatTheImportWouldDoAndChangesNothing(VertxTestContext testContext) {
    AtomicInteger published = new AtomicInteger();
    List<String> before = new ArrayList<>();
    node.vertx().eventBus().consumer(Addresses.DATA_CHANGED, message -> published.incrementAndGet()).completion()
      .compose(v -> Future.all(state(), versions()))
      .compose(state -> {
        before.addAll(state.resultAt(0));
        before.add(state.resultAt(1));
        return dryRun(CORRECTION, null);
      })
      .compose(outcome -> {
        testContext.verify(() -> {
          assertThat(outcome.status()).isEqualTo(200);
          JsonObject report = outcome.report();
          assertThat(report.getBoolean("dry_run")).isTrue();
          assertThat(report.getBoolean("imported")).isFalse();
          assertThat(report.getBoolean("importable")).isTrue();
          assertThat(report.getString("detail")).isEqualTo("dry run, nothing was imported: the file would import 5 lines "
            + "of 3 orders (1 new, 2 replaced)");
          assertThat(report.getLong("new_orders")).isEqualTo(1);
          assertThat(report.getLong("replaced_orders")).isEqualTo(2);
          assertThat(report.getLong("updated_orders")).isEqualTo(2);
          assertThat(report.getJsonArray("stores")).containsExactly("S001");
          assertThat(report.getJsonObject("days")).isEqualTo(new JsonObject()
            .put("from", "2026-03-02").put("to", "2026-03-05").put("count", 3));
          assertThat(report.getValue("version")).isNull();
          assertThat(report.getValue("import_id")).isNull();
          JsonArray columns = report.getJsonArray("columns");
          assertThat(columns.getJsonObject(0)).isEqualTo(new JsonObject()
            .put("header", "order_id").put("field", "order_id").put("status", "read"));
          assertThat(columns.getJsonObject(17)).isEqualTo(new JsonObject()
            .put("header", "收货地址").put("field", null).put("status", "personal"));
          assertThat(columns.getJsonObject(18)).isEqualTo(new JsonObject()
            .put("header", "备注").put("field", null).put("status", "ignored"));
          assertThat(report.getJsonArray("personal_columns")).containsExactly("收货地址");
        });
        return Future.all(state(), versions()).map(state -> {
          List<String> after = new ArrayList<>(state.resultAt(0));
          after.add(state.resultAt(1));
          return after;
        });
      })
      .compose(after -> history(null).map(history -> {
        testContext.verify(() -> {
          assertThat(after).as("the database and the versions after a dry run").isEqualTo(before);
          assertThat(history.getJsonArray("imports")).isEmpty();
        });
        return null;
      }))
      // Anything published would have arrived before the answer of a later request on the same bus.
      .compose(v -> history(null))
      .onComplete(testContext.succeeding(v -> testContext.verify(() -> {
        assertThat(published.get()).as("data-changed events of a dry run").isZero();
        testContext.completeNow();
      })));
  }

  @Test
  void aDryRunOfABadFileAnswersItsRefusedLines(VertxTestContext testContext) {
    String bad = CORRECTION.replace("N1,S001,和兴路店,meituan,2026-03-05 10:00:00,P1,可口可乐 330ml,饮料,1,",
      "N1,S001,和兴路店,meituan,2026-03-05 10:00:00,P1,可口可乐 330ml,饮料,many,");
    state().compose(before -> dryRun(bad, null).compose(outcome -> {
      testContext.verify(() -> {
        assertThat(outcome.status()).isEqualTo(200);
        JsonObject report = outcome.report();
        assertThat(report.getBoolean("dry_run")).isTrue();
        assertThat(report.getBoolean("importable")).isFalse();
        assertThat(report.getLong("rejected_total")).isEqualTo(1);
        assertThat(report.getJsonArray("rejected").getJsonObject(0).getInteger("line")).isEqualTo(6);
        assertThat(report.getJsonArray("rejected").getJsonObject(0).getString("column")).isEqualTo("quantity");
        assertThat(report.getJsonArray("columns")).hasSize(19);
      });
      return state();
    }).onComplete(testContext.succeeding(after -> testContext.verify(() -> {
      assertThat(after).isEqualTo(before);
      testContext.completeNow();
    }))));
  }

  /** A manager of S002 trying S001's file: the dry run names the store, as the import would refuse it. */
  @Test
  void aManagersDryRunOfAnotherStoresFileIsRefusedLikeItsImport(VertxTestContext testContext) {
    JsonObject s002 = new JsonObject().put("stores", new JsonArray().add("S002"));
    state().compose(before -> dryRun(CORRECTION, s002).compose(outcome -> {
      testContext.verify(() -> {
        assertThat(outcome.status()).isEqualTo(200);
        assertThat(outcome.report().getBoolean("importable")).isFalse();
        assertThat(outcome.report().getJsonArray("rejected").getJsonObject(0).getString("reason"))
          .isEqualTo("store 和兴路店 (S001) is not one of the stores you may import for");
        assertThat(outcome.report().getJsonArray("stores")).isEmpty();
      });
      return state();
    }).onComplete(testContext.succeeding(after -> testContext.verify(() -> {
      assertThat(after).isEqualTo(before);
      testContext.completeNow();
    }))));
  }

  @Test
  void anUndoPutsBackEveryOrderLineAndFigureExactly(VertxTestContext testContext) {
    List<String> before = new ArrayList<>();
    List<JsonObject> events = new ArrayList<>();
    node.vertx().eventBus().<JsonObject>consumer(Addresses.DATA_CHANGED, message -> events.add(message.body())).completion()
      .compose(v -> state())
      .compose(state -> {
        before.addAll(state);
        return send("correction.csv", CORRECTION);
      })
      .compose(outcome -> {
        testContext.verify(() -> {
          assertThat(outcome.status()).isEqualTo(200);
          assertThat(outcome.report().getLong("import_id")).isPositive();
        });
        return state().map(changed -> {
          testContext.verify(() -> assertThat(changed).isNotEqualTo(before));
          return outcome.report().getLong("import_id");
        });
      })
      .compose(id -> history(null).compose(history -> {
        testContext.verify(() -> {
          JsonObject entry = history.getJsonArray("imports").getJsonObject(0);
          assertThat(entry.getLong("id")).isEqualTo(id);
          assertThat(entry.getString("user")).isEqualTo("m1");
          assertThat(entry.getString("file")).isEqualTo("correction.csv");
          assertThat(entry.getLong("lines")).isEqualTo(5);
          assertThat(entry.getLong("new_orders")).isEqualTo(1);
          assertThat(entry.getLong("replaced_orders")).isEqualTo(2);
          assertThat(entry.getJsonArray("stores")).containsExactly("S001");
          assertThat(entry.getJsonObject("days")).isEqualTo(new JsonObject().put("from", "2026-03-02").put("to", "2026-03-05"));
          assertThat(entry.getString("status")).isEqualTo("imported");
        });
        return undo(id, null);
      }).compose(undone -> {
        testContext.verify(() -> {
          assertThat(undone.getString("status")).isEqualTo("undone");
          assertThat(undone.getInteger("orders_removed")).isEqualTo(1);
          assertThat(undone.getInteger("orders_restored")).isEqualTo(2);
          assertThat(undone.getInteger("lines_restored")).isEqualTo(4);
          assertThat(undone.getJsonArray("stores")).containsExactly("S001");
        });
        return state().compose(after -> RollupConsistency.mismatches(pool).map(mismatches -> {
          testContext.verify(() -> {
            assertThat(after).as("orders, lines, rollups and figures after import + undo").isEqualTo(before);
            assertThat(mismatches).isEqualTo(RollupConsistency.NONE);
          });
          return id;
        }));
      }))
      .compose(id -> history(null).compose(history -> {
        testContext.verify(() -> {
          JsonObject entry = history.getJsonArray("imports").getJsonObject(0);
          assertThat(entry.getString("status")).isEqualTo("undone");
          assertThat(entry.getString("undone_by")).isEqualTo("hq1");
          assertThat(entry.getString("undone_at")).isNotNull();
        });
        return undoRefused(id, null);
      }))
      .compose(second -> dataVersionOfS001().map(version -> {
        testContext.verify(() -> {
          assertThat(second.failureCode()).as("a second undo").isEqualTo(409);
          assertThat(second.getMessage()).contains("undone already");
          // The import's event, then the undo's with a newer version.
          assertThat(events).hasSize(2);
          assertThat(events.get(1).getJsonArray("stores")).containsExactly("S001");
          assertThat(events.get(1).getLong("version")).isGreaterThan(events.get(0).getLong("version")).isEqualTo(version);
        });
        return null;
      }))
      .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void anImportWhoseOrdersALaterImportChangedWaitsForThatOneToBeUndone(VertxTestContext testContext) {
    List<String> before = new ArrayList<>();
    long[] ids = new long[2];
    state().compose(state -> {
        before.addAll(state);
        return send("correction.csv", CORRECTION);
      })
      .compose(first -> {
        ids[0] = first.report().getLong("import_id");
        return send("later.csv", LATER);
      })
      .compose(later -> {
        ids[1] = later.report().getLong("import_id");
        return undoRefused(ids[0], null);
      })
      .compose(refused -> {
        testContext.verify(() -> {
          assertThat(refused.failureCode()).isEqualTo(409);
          assertThat(refused.getMessage()).isEqualTo("import " + ids[0] + " cannot be undone: later import(s) " + ids[1]
            + " (1 order) changed the same orders again; undo those first");
        });
        return undo(ids[1], null);
      })
      .compose(v -> undo(ids[0], null))
      .compose(v -> state())
      .onComplete(testContext.succeeding(after -> testContext.verify(() -> {
        assertThat(after).isEqualTo(before);
        testContext.completeNow();
      })));
  }

  /** S001 is in 北京, S002 in 上海 (HandMadeSales). */
  @Test
  void aScopedCallerSeesAndUndoesOnlyImportsOfItsStores(VertxTestContext testContext) {
    JsonObject beijing = new JsonObject().put("cities", new JsonArray().add("北京"));
    JsonObject s002 = new JsonObject().put("stores", new JsonArray().add("S002"));
    String both = OTHER_STORE + LATER.substring(HEADER.length());
    long[] ids = new long[3];
    send("correction.csv", CORRECTION)
      .compose(a -> {
        ids[0] = a.report().getLong("import_id");
        return send("s002.csv", OTHER_STORE);
      })
      .compose(b -> {
        ids[1] = b.report().getLong("import_id");
        return send("both.csv", both);
      })
      .compose(c -> {
        ids[2] = c.report().getLong("import_id");
        return Future.all(history(beijing), history(s002), history(null));
      })
      .compose(lists -> {
        testContext.verify(() -> {
          assertThat(idsOf(lists.resultAt(0))).containsExactly(ids[2], ids[0]);
          assertThat(idsOf(lists.resultAt(1))).containsExactly(ids[2], ids[1]);
          assertThat(idsOf(lists.resultAt(2))).containsExactly(ids[2], ids[1], ids[0]);
          JsonObject mixed = ((JsonObject) lists.resultAt(1)).getJsonArray("imports").getJsonObject(0);
          assertThat(mixed.getJsonArray("stores")).containsExactly("S002");
          assertThat(mixed.getInteger("other_stores")).isEqualTo(1);
        });
        return Future.all(undoRefused(ids[1], beijing), undoRefused(ids[2], beijing), undoRefused(999_999, null));
      })
      .onComplete(testContext.succeeding(refusals -> testContext.verify(() -> {
        ReplyException outside = refusals.resultAt(0);
        ReplyException partly = refusals.resultAt(1);
        ReplyException none = refusals.resultAt(2);
        assertThat(outside.failureCode()).isEqualTo(404);
        assertThat(outside.getMessage()).isEqualTo("no import " + ids[1] + " among yours");
        assertThat(partly.failureCode()).isEqualTo(403);
        assertThat(none.failureCode()).isEqualTo(404);
        testContext.completeNow();
      })));
  }

  @Test
  void undosAtOnceUndoOnce(VertxTestContext testContext) {
    List<String> before = new ArrayList<>();
    state().compose(state -> {
        before.addAll(state);
        return send("correction.csv", CORRECTION);
      })
      .compose(outcome -> {
        long id = outcome.report().getLong("import_id");
        List<Future<Integer>> undos = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
          undos.add(command(new JsonObject().put("action", "undo").put("id", id).put("user", "hq1"))
            .transform(ar -> Future.succeededFuture(ar.succeeded() ? 200 : ((ReplyException) ar.cause()).failureCode())));
        }
        return Future.all(undos);
      })
      .compose(all -> {
        testContext.verify(() -> {
          List<Integer> statuses = all.list();
          assertThat(statuses.stream().filter(s -> s == 200)).hasSize(1);
          assertThat(statuses.stream().filter(s -> s == 409)).hasSize(11);
        });
        return state();
      })
      .onComplete(testContext.succeeding(after -> testContext.verify(() -> {
        assertThat(after).isEqualTo(before);
        testContext.completeNow();
      })));
  }

  @Test
  void malformedCommandsAre400(VertxTestContext testContext) {
    Future.all(
        command(new JsonObject().put("action", "undo")).transform(ar -> Future.succeededFuture(ar.cause())),
        command(new JsonObject().put("action", "list").put("limit", 10_000)).transform(ar -> Future.succeededFuture(ar.cause())),
        command(new JsonObject().put("action", "list").put("scope", "everything")).transform(ar -> Future.succeededFuture(ar.cause())),
        command(new JsonObject().put("action", "drop")).transform(ar -> Future.succeededFuture(ar.cause())))
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        for (Object failure : all.list()) {
          assertThat(((ReplyException) failure).failureCode()).isEqualTo(400);
        }
        testContext.completeNow();
      })));
  }

  private static List<Long> idsOf(JsonObject history) {
    List<Long> ids = new ArrayList<>();
    history.getJsonArray("imports").forEach(entry -> ids.add(((JsonObject) entry).getLong("id")));
    return ids;
  }

  private Future<ImportClient.Outcome> dryRun(String csv, JsonObject scope) {
    return send("dry.csv", csv, scope, true);
  }

  private Future<ImportClient.Outcome> send(String file, String csv) {
    return send(file, csv, null, false);
  }

  /** A file imported or tried by m1, sent as the gateway sends one (in one chunk, with a manager's scope or none). */
  private Future<ImportClient.Outcome> send(String file, String csv, JsonObject scope, boolean dryRun) {
    byte[] bytes = utf8(csv);
    JsonObject request = new JsonObject().put(ImportProtocol.FILENAME, file).put(ImportProtocol.SIZE, bytes.length)
      .put(ImportProtocol.DRY_RUN, dryRun).put(ImportProtocol.USER, "m1");
    if (scope != null) {
      request.put(ImportProtocol.SCOPE, scope);
    }
    return node.vertx().eventBus().<JsonObject>request(Addresses.IMPORT, request, node.signatures().sign(Addresses.IMPORT, request))
      .map(reply -> reply.body().getString(ImportProtocol.SESSION))
      .compose(session -> client.chunk(session, bytes, 0, bytes.length).compose(v -> client.end(session)))
      .transform(Future::succeededFuture).map(ImportClient::outcome);
  }

  private Future<JsonObject> history(JsonObject scope) {
    JsonObject list = new JsonObject().put("action", "list");
    if (scope != null) {
      list.put("scope", scope);
    }
    return command(list);
  }

  private Future<JsonObject> undo(long id, JsonObject scope) {
    JsonObject undo = new JsonObject().put("action", "undo").put("id", id).put("user", "hq1");
    if (scope != null) {
      undo.put("scope", scope);
    }
    return command(undo);
  }

  private Future<ReplyException> undoRefused(long id, JsonObject scope) {
    return undo(id, scope).transform(ar -> ar.succeeded()
      ? Future.failedFuture(new AssertionError("undo of " + id + " was not refused"))
      : Future.succeededFuture((ReplyException) ar.cause()));
  }

  private Future<JsonObject> command(JsonObject command) {
    return node.vertx().eventBus().<JsonObject>request(Addresses.IMPORT_HISTORY, command,
      node.signatures().sign(Addresses.IMPORT_HISTORY, command)).map(Message::body);
  }

  private Future<Long> dataVersionOfS001() {
    return pool.query("SELECT data_version FROM stores WHERE code = 'S001'").execute()
      .map(rows -> rows.iterator().next().getLong(0));
  }

  /** The data versions: the dataset's and every store's. */
  private Future<String> versions() {
    return pool.query("SELECT (SELECT version FROM dataset_version) || ' ' || string_agg(code || '=' || data_version, ',' "
      + "ORDER BY code) FROM stores").execute().map(rows -> rows.iterator().next().getString(0));
  }

  /**
   * Every table an import writes, fingerprinted, with the stores without their data versions (an undo moves them on),
   * and S001's overview and products over its days as the dashboard computes them.
   */
  private Future<List<String>> state() {
    List<String> queries = new ArrayList<>();
    for (String table : List.of("products", "orders", "order_lines", "daily_store_channel", "daily_store_product",
      "daily_store_hour", "daily_store_distance", "daily_channel", "daily_product", "daily_hour", "daily_distance",
      "daily_store", "channels")) {
      queries.add("SELECT '" + table + "=' || count(*) || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') FROM "
        + table + " t");
    }
    queries.add("SELECT string_agg(concat_ws('|', id, code, name, city, first_day, last_day), ',' ORDER BY id) FROM stores");
    List<Future<String>> answers = new ArrayList<>();
    for (String sql : queries) {
      answers.add(pool.query(sql).execute().map(rows -> rows.iterator().next().getString(0)));
    }
    for (String kind : List.of("overview", "products", "orders", "trend")) {
      answers.add(node.vertx().eventBus().<Buffer>request(Addresses.DASHBOARD_COMPUTE, new JsonObject().put("kind", kind)
        .put("store", "S001").put("from", "2026-02-27").put("to", "2026-03-05")).map(m -> m.body().toString()));
    }
    return Future.all(answers).map(all -> all.<String>list());
  }
}
