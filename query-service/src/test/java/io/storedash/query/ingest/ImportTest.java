package io.storedash.query.ingest;

import io.storedash.common.Addresses;
import io.storedash.common.Failure;
import io.storedash.common.ImportProtocol;
import io.storedash.common.bootstrap.InFlight;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestStorage;
import io.storedash.query.HandMadeSales;
import io.storedash.query.QueryService;
import io.storedash.query.RollupConsistency;
import io.storedash.query.storage.PgPools;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * CSV imports through the event-bus protocol, into a database that already holds {@link HandMadeSales}: what a good
 * file changes (checked through the dashboard queries and the rollups), and for every kind of bad file the report
 * (line, column, reason) and a database left exactly as it was.
 */
@ExtendWith(VertxExtension.class)
class ImportTest {

  /** A1, A2 and A3 of HandMadeSales for a new store S010: its overview must equal S001's. */
  static final String ENGLISH = """
    order_id,store_code,store_name,channel,ordered_at,sku,product_name,category,quantity,unit_price,list_price,unit_cost,delivery_cost,platform_fee,discount,customer_delivery_fee,packaging_fee
    T1,S010,和兴路店二店,meituan,2026-03-01 23:59:59,P1,可口可乐 330ml,饮料,2,3.00,3.00,2.00,5.00,0.48,0,3.00,1.00
    T2,S010,和兴路店二店,eleme,2026-03-02 00:00:00,P1,可口可乐 330ml,饮料,1,3.00,,2.00,6.00,2.00,3.00,0,1.01
    T2,S010,和兴路店二店,eleme,2026-03-02 00:00:00,P2,乐事薯片原味 75g,零食,2,8.00,10.00,5.00,6.00,2.00,3.00,0,1.01
    T2,S010,和兴路店二店,eleme,2026-03-02 00:00:00,P3,新鲜鸡蛋 10枚,,1,10.00,10.00,12.00,6.00,2.00,3.00,0,1.01
    T3,S010,和兴路店二店,offline,2026-03-03 12:30:00,P2,乐事薯片原味 75g,零食,1,10.00,10.00,4.00,,,,,
    """;

  /**
   * The same orders in the export's layout: 实收价格 is the price received, 成本 the line's total cost (2 × 2.00 = 4.00),
   * 平台服务费 a line's fee (T2's 2.00 on its first line, as HandMadeSales has it).
   */
  static final String CHINESE = """
    订单ID,门店编码,门店名称,渠道,下单时间,商品编码,商品名称,一级分类名,销量,实收价格,商品原价,成本,物流配送费,平台服务费,满减金额,用户支付配送费,打包袋金额
    T1,S010,和兴路店二店,美团,2026-03-01 23:59:59,P1,可口可乐 330ml,饮料,2,3.00,3.00,4.00,5.00,0.48,0,3.00,1.00
    T2,S010,和兴路店二店,饿了么,2026-03-02 00:00:00,P1,可口可乐 330ml,饮料,1,3.00,,2.00,6.00,2.00,3.00,0,1.01
    T2,S010,和兴路店二店,饿了么,2026-03-02 00:00:00,P2,乐事薯片原味 75g,零食,2,8.00,10.00,10.00,6.00,0,3.00,0,1.01
    T2,S010,和兴路店二店,饿了么,2026-03-02 00:00:00,P3,新鲜鸡蛋 10枚,,1,10.00,10.00,12.00,6.00,0,3.00,0,1.01
    T3,S010,和兴路店二店,线下,2026-03-03 12:30:00,P2,乐事薯片原味 75g,零食,1,10.00,10.00,4.00,,,,,
    """;

  private static final String HEADER = ENGLISH.substring(0, ENGLISH.indexOf('\n') + 1);

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
  void englishHeadersCountOrderFeesOnceAndAnnounceTheChange(VertxTestContext testContext) {
    Checkpoint announced = testContext.checkpoint();
    Checkpoint checked = testContext.checkpoint();
    node.vertx().eventBus().<JsonObject>consumer(Addresses.DATA_CHANGED, message -> testContext.verify(() -> {
      assertThat(message.body().getJsonArray("stores")).isEqualTo(new JsonArray().add("S010"));
      assertThat(message.body().getLong("version")).isGreaterThan(System.currentTimeMillis() - 60_000);
      announced.flag();
    })).completion()
      .compose(v -> client.send("orders.csv", utf8(ENGLISH), 64))
      .compose(outcome -> {
        testContext.verify(() -> {
          assertThat(outcome.status()).isEqualTo(200);
          JsonObject report = outcome.report().copy();
          assertThat(report.remove("millis")).isNotNull();
          assertThat((Long) report.remove("version")).isGreaterThan(System.currentTimeMillis() - 60_000);
          assertThat((JsonArray) report.remove("columns")).hasSize(17)
            .allSatisfy(column -> assertThat(((JsonObject) column).getString("status")).isEqualTo("read"));
          assertThat(report).isEqualTo(new JsonObject("{\"file\":\"orders.csv\",\"imported\":true,"
            + "\"detail\":\"imported 5 lines of 3 orders\",\"encoding\":\"UTF-8\",\"converted_from\":null,\"lines\":5,"
            + "\"orders\":3,\"stores\":[\"S010\"],\"new_stores\":[\"S010\"],\"new_channels\":[],\"new_products\":0,\"new_orders\":3,"
            + "\"updated_orders\":0,\"new_lines\":5,\"updated_lines\":0,\"unchanged_lines\":0,\"ignored_columns\":[],"
            + "\"personal_columns\":[],\"rejected\":[],\"rejected_total\":0,\"dry_run\":false,\"importable\":true,"
            + "\"replaced_orders\":0,\"days\":{\"from\":\"2026-03-01\",\"to\":\"2026-03-03\",\"count\":3},\"import_id\":1}"));
        });
        return Future.all(overview("S010"), overview("S001"), RollupConsistency.mismatches(pool),
          compute(new JsonObject().put("kind", "stores").put("store", "all")));
      })
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        assertThat((String) all.resultAt(0)).isEqualTo(((String) all.resultAt(1)).replace("S001", "S010"));
        assertThat((String) all.resultAt(2)).isEqualTo(RollupConsistency.NONE);
        // The new store, then its freshness (§13.2).
        assertThat((String) all.resultAt(3)).contains("{\"code\":\"S010\",\"name\":\"和兴路店二店\",\"city\":\"\",\"first_day\":");
        checked.flag();
      })));
  }

  @Test
  void chineseHeadersWithABomGiveTheSameKpis(VertxTestContext testContext) {
    client.send("订单.csv", withBom(utf8(CHINESE)), 100)
      .compose(outcome -> {
        testContext.verify(() -> {
          assertThat(outcome.status()).isEqualTo(200);
          assertThat(outcome.report().getString("encoding")).isEqualTo("UTF-8 (BOM)");
          assertThat(outcome.report().getValue("converted_from")).isNull();
          assertThat(outcome.report().getLong("orders")).isEqualTo(3);
        });
        return Future.all(overview("S010"), overview("S001"));
      })
      .onComplete(testContext.succeeding(both -> testContext.verify(() -> {
        assertThat((String) both.resultAt(0)).isEqualTo(((String) both.resultAt(1)).replace("S001", "S010"));
        testContext.completeNow();
      })));
  }

  @Test
  void aGbkFileIsConvertedAndTheReportSaysSo(VertxTestContext testContext) {
    String withNewProduct = CHINESE.replace("P3,新鲜鸡蛋 10枚,", "P9,散装土鸡蛋（约500克）,");
    client.send("gbk.csv", withNewProduct.getBytes(Charset.forName("GBK")), 33)
      .compose(outcome -> {
        testContext.verify(() -> {
          assertThat(outcome.status()).isEqualTo(200);
          assertThat(outcome.report().getString("encoding")).isEqualTo("GBK");
          assertThat(outcome.report().getString("converted_from")).isEqualTo("GBK");
          assertThat(outcome.report().getLong("new_products")).isEqualTo(1);
        });
        return single("SELECT (SELECT name FROM stores WHERE code = 'S010') || '|' || (SELECT name || '|' || category FROM products WHERE sku = 'P9')");
      })
      .onComplete(testContext.succeeding(names -> testContext.verify(() -> {
        assertThat(names).isEqualTo("和兴路店二店|散装土鸡蛋（约500克）|未分类");
        testContext.completeNow();
      })));
  }

  @Test
  void importingTheSameFileTwiceGivesTheSameKpis(VertxTestContext testContext) throws IOException {
    byte[] export = export(new DemoOptions(3, 2_000, 30, 5, LocalDate.of(2026, 5, 31)), ExportCsv.Headers.ZH,
      ExportCsv.Encoding.UTF_8);
    List<String> first = new ArrayList<>();
    client.send("demo.csv", export, ImportProtocol.MAX_CHUNK_BYTES)
      .compose(outcome -> {
        testContext.verify(() -> {
          assertThat(outcome.status()).isEqualTo(200);
          assertThat(outcome.report().getLong("lines")).isEqualTo(6_000);
          assertThat(outcome.report().getLong("new_lines")).isEqualTo(6_000);
          // The export names its stores by 门店ID S001..S003, codes HandMadeSales's stores (no 门店ID) hold already:
          // the export's stores are new stores, with codes made from their ids; nothing lands in HandMadeSales's.
          assertThat(outcome.report().getJsonArray("stores")).hasSize(3)
            .allSatisfy(code -> assertThat((String) code).matches("S-[0-9A-F]{10}"));
        });
        return dashboards();
      })
      .compose(before -> {
        first.addAll(before);
        return client.send("demo.csv", export, 70_000);
      })
      .compose(again -> {
        testContext.verify(() -> {
          assertThat(again.status()).isEqualTo(200);
          JsonObject report = again.report();
          assertThat(report.getLong("lines")).isEqualTo(6_000);
          assertThat(report.getLong("new_orders")).isZero();
          assertThat(report.getLong("updated_orders")).isZero();
          assertThat(report.getLong("new_lines")).isZero();
          assertThat(report.getLong("updated_lines")).isZero();
          assertThat(report.getLong("unchanged_lines")).isEqualTo(6_000);
        });
        return dashboards();
      })
      .compose(after -> {
        testContext.verify(() -> assertThat(after).containsExactlyElementsOf(first));
        return RollupConsistency.mismatches(pool);
      })
      .onComplete(testContext.succeeding(mismatches -> testContext.verify(() -> {
        assertThat(mismatches).isEqualTo(RollupConsistency.NONE);
        testContext.completeNow();
      })));
  }

  @Test
  void aCorrectedExportReplacesWhatItNamesAndMovesOrdersToTheirDay(VertxTestContext testContext) {
    // P3 of T2 was bought at 9.00, not 12.00; T3 was placed a day later. A file gives every line of its orders.
    String corrected = HEADER
      + "T2,S010,和兴路店二店,eleme,2026-03-02 00:00:00,P1,可口可乐 330ml,饮料,1,3.00,,2.00,6.00,2.00,3.00,0,1.01\n"
      + "T2,S010,和兴路店二店,eleme,2026-03-02 00:00:00,P2,乐事薯片原味 75g,零食,2,8.00,10.00,5.00,6.00,2.00,3.00,0,1.01\n"
      + "T2,S010,和兴路店二店,eleme,2026-03-02 00:00:00,P3,新鲜鸡蛋 10枚,,1,10.00,10.00,9.00,6.00,2.00,3.00,0,1.01\n"
      + "T3,S010,和兴路店二店,offline,2026-03-04 12:30:00,P2,乐事薯片原味 75g,零食,1,10.00,10.00,4.00,,,,,\n";
    Checkpoint announced = testContext.checkpoint(2);
    Checkpoint checked = testContext.checkpoint();
    int[] changes = new int[1];
    node.vertx().eventBus().<JsonObject>consumer(Addresses.DATA_CHANGED, message -> {
      if (++changes[0] == 2) {
        testContext.verify(() -> assertThat(message.body().getJsonArray("stores")).containsExactly("S010"));
      }
      announced.flag();
    }).completion()
      .compose(v -> client.send("orders.csv", utf8(ENGLISH), 1000))
      .compose(v -> client.send("fix.csv", utf8(corrected), 1000))
      .compose(outcome -> {
        testContext.verify(() -> {
          assertThat(outcome.status()).isEqualTo(200);
          assertThat(outcome.report().getLong("updated_orders")).isEqualTo(2);
          assertThat(outcome.report().getLong("updated_lines")).isEqualTo(4);
          assertThat(outcome.report().getLong("new_lines")).isZero();
          assertThat(outcome.report().getJsonArray("new_stores")).isEmpty();
        });
        return Future.all(overview("S010"), RollupConsistency.mismatches(pool),
          compute(new JsonObject().put("kind", "trend").put("store", "S010").put("from", "2026-03-04").put("to", "2026-03-04")));
      })
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        // S010 over 03-02..03-03 keeps only T2, now with cost 2 + 10 + 9 = 21 on revenue 29: 利润额 8.00, service
        // fee 2.00, delivery 6.00, so profit 8.00 − 2.00 − 6.00 = 0.00.
        assertThat((String) all.resultAt(0)).contains("\"kpis\":{\"orders\":1,\"invalid_orders\":0,\"items\":4,"
          + "\"revenue\":29.00,\"gross_profit\":8.00,\"profit\":0.00,", "\"cost\":21.00,");
        assertThat((String) all.resultAt(1)).isEqualTo(RollupConsistency.NONE);
        assertThat((String) all.resultAt(2)).contains("\"orders\":1,\"invalid_orders\":0,\"items\":1,\"revenue\":10.00,\"gross_profit\":6.00,\"profit\":6.00,");
        checked.flag();
      })));
  }

  @Test
  void anOrderThatAnotherStoreHoldsIsRefusedAndNothingMoves(VertxTestContext testContext) {
    // A1 and A2 are S001's (HandMadeSales); a file reusing their ids under a new store code must not take them.
    String csv = HEADER
      + "A1,S099,新开店,meituan,2026-03-01 23:59:59,P1,可口可乐 330ml,饮料,2,3.00,3.00,2.00,5.00,0.48,0,3.00,1.00\n"
      + "N1,S099,新开店,meituan,2026-03-01 10:00:00,P1,可口可乐 330ml,饮料,1,3.00,3.00,2.00,,,,,\n"
      + "A2,S099,新开店,eleme,2026-03-02 00:00:00,P1,可口可乐 330ml,饮料,1,3.00,,2.00,6.00,2.00,3.00,0,1.01\n"
      + "A2,S099,新开店,eleme,2026-03-02 00:00:00,P2,乐事薯片原味 75g,零食,2,8.00,10.00,5.00,6.00,2.00,3.00,0,1.01\n";
    String held = ": an order belongs to one store, so it cannot move; correct the store or the order id";
    overview("S001").compose(before -> expectRefused(testContext, utf8(csv), Failure.UNPROCESSABLE.code(),
        "2 store_code: order A1 belongs to store S001 (和兴路店), not to S099" + held,
        "4 store_code: order A2 belongs to store S001 (和兴路店), not to S099" + held,
        "5 store_code: order A2 belongs to store S001 (和兴路店), not to S099" + held)
        .compose(v -> Future.all(overview("S001"), compute(new JsonObject().put("kind", "stores").put("store", "all"))))
        .onComplete(testContext.succeeding(after -> testContext.verify(() -> {
          assertThat((String) after.resultAt(0)).isEqualTo(before).contains("\"orders\":2,");
          assertThat((String) after.resultAt(1)).doesNotContain("S099");
          testContext.completeNow();
        }))));
  }

  @Test
  void storeCodesThatCannotBeToldApartOrNameEveryStore(VertxTestContext testContext) {
    String line = ",新店,meituan,2026-03-01 10:00:00,P1,可口可乐 330ml,饮料,1,3.00,3.00,2.00,,,,,\n";
    expectRefused(testContext, utf8(HEADER + "R1,all" + line + "R2,ALL" + line), Failure.UNPROCESSABLE.code(),
      "2 store_code: 'all' is reserved (in any case): 'all' means every store in the API; give the store another code",
      "3 store_code: 'ALL' is reserved (in any case): 'all' means every store in the API; give the store another code")
      .compose(v -> expectRefused(testContext, utf8(HEADER + "R3,s001" + line), Failure.UNPROCESSABLE.code(),
        "2 store_code: store code 's001' differs only in case from the existing store 'S001': codes are compared "
          + "case-insensitively; write 'S001' to import into that store"))
      .compose(v -> expectRefused(testContext, utf8(HEADER + "R4,S020" + line + "R5,s020" + line), Failure.UNPROCESSABLE.code(),
        "3 store_code: store code 's020' differs only in case from 'S020' earlier in the file: codes are compared "
          + "case-insensitively, so both name one store; write it the same way on every line"))
      .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void amountsThatWouldOverflowATotalAreRefusedWithTheLimit(VertxTestContext testContext) {
    // The case: 1,000 lines of one store-day at 1,000,000 × 99,999,999.99 (a 500 before: bigint out of range).
    StringBuilder huge = new StringBuilder(HEADER);
    String[] expected = new String[1_000];
    for (int i = 0; i < 1_000; i++) {
      huge.append("H").append(i).append(",S010,大店,meituan,2026-03-02 10:00:00,P1,可口可乐 330ml,饮料,1000000,99999999.99,1.00,1.00,,,,,\n");
      expected[i] = (i + 2) + " unit_price: makes the line total quantity 1000000 × 99999999.99 = 99999999990000.00 yuan, "
        + "more than the limit of 100000000.00 yuan for one line";
    }
    // Two lines within the limit whose store-day together passes it.
    String day = HEADER
      + "D1,S010,大店,meituan,2026-03-02 10:00:00,P1,可口可乐 330ml,饮料,10,9000000.00,,1.00,,1.00,,,\n"
      + "D2,S010,大店,eleme,2026-03-02 11:00:00,P1,可口可乐 330ml,饮料,10,9000000.00,,1.00,,1.00,,,\n"
      + "D3,S010,大店,eleme,2026-03-03 11:00:00,P1,可口可乐 330ml,饮料,10,9000000.00,,1.00,,1.00,,,\n";
    expectRefused(testContext, utf8(huge.toString()), 64 * 1024, Failure.UNPROCESSABLE.code(), expected)
      .compose(v -> expectRefused(testContext, utf8(day), Failure.UNPROCESSABLE.code(),
        "2 null: store S010 on 2026-03-02 would total 179999980.00 yuan of gross profit with this file, more than "
          + "the limit of 100000000.00 yuan for one store-day",
        "2 null: store S010 on 2026-03-02 would total 180000000.00 yuan of GMV with this file, more than "
          + "the limit of 100000000.00 yuan for one store-day",
        "2 null: store S010 on 2026-03-02 would total 180000000.00 yuan of revenue with this file, more than the limit "
          + "of 100000000.00 yuan for one store-day"))
      .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void aStoreDayOverTheLimitOnlyBecauseAnOrderMovedAwayIsRefusedNotA500(VertxTestContext testContext) {
    // 03-02: +60M, +50M and a −20M correction (a refund): 90M. Moving the correction to 03-03 leaves 110M on 03-02,
    // a store-day without a line of the file: still a 422 naming a line of the file (a 500 before).
    String day = HEADER
      + "M1,S010,大店,offline,2026-03-02 10:00:00,P1,可口可乐 330ml,饮料,10,6000000.00,0.00,0.01,,,,,\n"
      + "M2,S010,大店,offline,2026-03-02 11:00:00,P1,可口可乐 330ml,饮料,10,5000000.00,0.00,0.01,,,,,\n"
      + "M3,S010,大店,offline,2026-03-02 12:00:00,P1,可口可乐 330ml,饮料,-10,2000000.00,0.00,0.01,,,,,\n";
    String moved = HEADER
      + "M3,S010,大店,offline,2026-03-03 12:00:00,P1,可口可乐 330ml,饮料,-10,2000000.00,0.00,0.01,,,,,\n";
    client.send("day.csv", utf8(day), 1000)
      .compose(outcome -> {
        testContext.verify(() -> assertThat(outcome.status()).as(String.valueOf(outcome.report())).isEqualTo(200));
        return expectRefused(testContext, utf8(moved), Failure.UNPROCESSABLE.code(),
          "2 null: store S010 on 2026-03-02 would total 109999999.80 yuan of gross profit with this file, more than the "
            + "limit of 100000000.00 yuan for one store-day",
          "2 null: store S010 on 2026-03-02 would total 110000000.00 yuan of revenue with this file, more than the limit "
            + "of 100000000.00 yuan for one store-day");
      })
      .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void storesByNameDerivedSkusAndDefaults(VertxTestContext testContext) {
    String byName = """
      订单ID,门店名称,渠道,下单时间,商品名称,销量,实收价格,成本,平台服务费
      N1,和兴路店,美团,2026-03-04 08:00:00,散装花生 500g,2,6.00,8.00,0.30
      N1,和兴路店,美团,2026-03-04 08:00:00,可口可乐 330ml,1,3.00,2.00,0.10
      N2,新开的店,京东到家,2026-03-04T00:30:00Z,散装花生 500g,1,6.00,4.00,0.20
      """;
    String sku = io.storedash.query.ingest.csv.LineParser.derivedSku("散装花生 500g");
    String coke = io.storedash.query.ingest.csv.LineParser.derivedSku("可口可乐 330ml");
    client.send("by-name.csv", utf8(byName), 50)
      .compose(outcome -> {
        testContext.verify(() -> {
          assertThat(outcome.status()).isEqualTo(200);
          assertThat(outcome.report().getJsonArray("stores")).hasSize(2).contains("S001");
          assertThat(outcome.report().getJsonArray("new_stores")).hasSize(1);
          assertThat(outcome.report().getJsonArray("new_stores").getString(0)).matches("N-[0-9A-F]{10}");
          // Without skus, products are their names: the coke of this file is not P1 of files with skus.
          assertThat(outcome.report().getLong("new_products")).isEqualTo(2);
        });
        return Future.all(
          compute(new JsonObject().put("kind", "products").put("store", "S001").put("from", "2026-03-04").put("to", "2026-03-04")),
          single("SELECT s.name || ' ' || o.local_day || ' ' || o.local_hour FROM orders o JOIN stores s ON s.id = o.store_id WHERE order_no = 'N2'"));
      })
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        // A4 (10 × P1) and N1 (2 × the peanuts, 1 coke) on 03-04; no list price: no markdown; no category: 未分类.
        assertThat((String) all.resultAt(0)).contains("\"total\":3,", "{\"sku\":\"" + sku + "\",\"name\":\"散装花生 500g\","
          + "\"category\":\"未分类\",\"quantity\":2,\"orders\":1,\"revenue\":12.00,\"gross_profit\":4.00,\"gross_margin\":0.3333,"
          + "\"markdown_rate\":0.0000,", "{\"sku\":\"P1\",\"name\":\"可口可乐 330ml\",\"category\":\"饮料\",\"quantity\":10,",
          "{\"sku\":\"" + coke + "\",\"name\":\"可口可乐 330ml\",\"category\":\"未分类\",\"quantity\":1,");
        // 00:30 UTC is 08:30 in Shanghai, the zone new stores get.
        assertThat((String) all.resultAt(1)).isEqualTo("新开的店 2026-03-04 8");
        testContext.completeNow();
      })));
  }

  /**
   * A store known by its 门店ID takes the name of its newest order: within a file (sorted by time, the last line's), and
   * across files unless the file is older than what the store has (re-importing an old export keeps the new name).
   * The code, and with it the history, stay.
   */
  @Test
  void aRenamedStoreKeepsItsCodeAndTakesItsNewestName(VertxTestContext testContext) {
    String header = "订单ID,下单时间,门店ID,门店名称,渠道,商品名称,销量,实收价格,成本\n";
    String renamed = header
      + "R1,2026-03-01 10:00:00,7001,鲜丰超市(文一路店),收银机订单,可乐,1,3.00,2.00\n"
      + "R2,2026-03-05 10:00:00,7001,鲜丰超市(文一路旗舰店),收银机订单,可乐,1,3.00,2.00\n";
    String older = header + "R0,2026-02-01 10:00:00,7001,文一路老店,收银机订单,可乐,1,3.00,2.00\n";
    String newer = header + "R9,2026-03-10 10:00:00,7001,鲜丰超市(文一路新店),收银机订单,可乐,1,3.00,2.00\n";
    String store = "SELECT code || '|' || name || '|' || (SELECT count(*) FROM orders o WHERE o.store_id = s.id) FROM stores s WHERE external_id = '7001'";
    client.send("renamed.csv", utf8(renamed), 100)
      .compose(o -> single(store))
      .compose(first -> {
        testContext.verify(() -> assertThat(first).isEqualTo("7001|鲜丰超市(文一路旗舰店)|2"));
        return client.send("older.csv", utf8(older), 100).compose(o -> single(store));
      })
      .compose(second -> {
        testContext.verify(() -> assertThat(second).isEqualTo("7001|鲜丰超市(文一路旗舰店)|3"));
        return client.send("newer.csv", utf8(newer), 100).compose(o -> single(store));
      })
      .onComplete(testContext.succeeding(third -> testContext.verify(() -> {
        assertThat(third).isEqualTo("7001|鲜丰超市(文一路新店)|4");
        testContext.completeNow();
      })));
  }

  @Test
  void chunksSplitInsideCharactersAndQuotedFields(VertxTestContext testContext) {
    String quoted = HEADER
      + "Q1,S010,\"和兴路店, 二店\",meituan,2026-03-05 10:00:00,G1,\"礼盒装\n\"\"新春\"\"特惠, 含贺卡\",礼品,1,88.00,128.00,50.00,5,1,10,0,0\n"
      + "Q1,S010,\"和兴路店, 二店\",meituan,2026-03-05 10:00:00,G2,福字贴,礼品,2,5.00,5.00,1.00,5,1,10,0,0\n";
    byte[] bytes = utf8(quoted);
    List<Integer> sizes = List.of(1, 2, 3, 5, 7, 64);
    Future<List<ImportClient.Outcome>> outcomes = Future.succeededFuture(new ArrayList<>());
    for (int size : sizes) {
      outcomes = outcomes.compose(list -> client.send("quoted.csv", bytes, size).map(o -> {
        list.add(o);
        return list;
      }));
    }
    outcomes.compose(list -> {
        testContext.verify(() -> {
          for (ImportClient.Outcome o : list) {
            assertThat(o.status()).isEqualTo(200);
            assertThat(o.report().getLong("lines")).isEqualTo(2);
            assertThat(o.report().getLong("orders")).isEqualTo(1);
          }
          assertThat(list.get(0).report().getLong("new_lines")).isEqualTo(2);
          assertThat(list.get(sizes.size() - 1).report().getLong("unchanged_lines")).isEqualTo(2);
        });
        return single("SELECT (SELECT name FROM products WHERE sku = 'G1') || '|' || (SELECT name FROM stores WHERE code = 'S010')"
          + " || '|' || (SELECT full_reduction FROM orders WHERE order_no = 'Q1')");
      })
      .onComplete(testContext.succeeding(names -> testContext.verify(() -> {
        assertThat(names).isEqualTo("礼盒装\n\"新春\"特惠, 含贺卡|和兴路店, 二店|1000");
        testContext.completeNow();
      })));
  }

  @Test
  void aWholeFileInOneBufferIsImportedToo(VertxTestContext testContext) {
    Buffer whole = Buffer.buffer(utf8(ENGLISH));
    node.vertx().eventBus().<JsonObject>request(Addresses.IMPORT, whole, node.signatures().sign(Addresses.IMPORT, whole,
        new DeliveryOptions().addHeader(ImportProtocol.FILENAME_HEADER, "whole.csv")))
      .onComplete(testContext.succeeding(reply -> testContext.verify(() -> {
        assertThat(reply.body().getString("file")).isEqualTo("whole.csv");
        assertThat(reply.body().getLong("orders")).isEqualTo(3);
        testContext.completeNow();
      })));
  }

  // ---- Imports for some stores only (issue 16: the gateway sends the caller's scope) ---------------------------

  /** S001 is in 北京 (HandMadeSales): a scope of S002 and the city 北京 takes both stores' lines. */
  @Test
  void aScopedImportWritesTheStoresOfItsCodesAndCities(VertxTestContext testContext) {
    String csv = HEADER
      + "N1,S001,和兴路店,meituan,2026-03-06 10:00:00,P1,可口可乐 330ml,饮料,1,3.00,3.00,2.00,,0.10,,,\n"
      + "N2,S002,中山路店,meituan,2026-03-06 11:00:00,P1,可口可乐 330ml,饮料,2,3.00,3.00,2.00,,0.10,,,\n";
    JsonObject scope = new JsonObject().put("stores", new JsonArray().add("S002")).put("cities", new JsonArray().add("北京"));
    client.send("mine.csv", utf8(csv), 64, scope).onComplete(testContext.succeeding(outcome -> testContext.verify(() -> {
      assertThat(outcome.status()).as(outcome.message()).isEqualTo(200);
      assertThat(outcome.report().getJsonArray("stores")).isEqualTo(new JsonArray().add("S001").add("S002"));
      assertThat(outcome.report().getLong("new_orders")).isEqualTo(2);
      testContext.completeNow();
    })));
  }

  /**
   * A manager of S002 only: a line of S001 and a line of a store that does not exist refuse the whole file, each
   * store named once at its first line, and nothing is written — not S002's good line, not the new store.
   */
  @Test
  void aScopedImportNamingAnotherStoreIsRefusedWhole(VertxTestContext testContext) {
    String csv = HEADER
      + "N1,S002,中山路店,meituan,2026-03-06 11:00:00,P1,可口可乐 330ml,饮料,2,3.00,3.00,2.00,,0.10,,,\n"
      + "N2,S001,和兴路店,meituan,2026-03-06 10:00:00,P1,可口可乐 330ml,饮料,1,3.00,3.00,2.00,,0.10,,,\n"
      + "N3,S099,新开店,meituan,2026-03-06 12:00:00,P1,可口可乐 330ml,饮料,1,3.00,3.00,2.00,,0.10,,,\n"
      + "N4,S001,和兴路店,meituan,2026-03-06 13:00:00,P1,可口可乐 330ml,饮料,1,3.00,3.00,2.00,,0.10,,,\n";
    JsonObject scope = new JsonObject().put("stores", new JsonArray().add("S002"));
    expectRefused(testContext, scope, utf8(csv), 64, Failure.UNPROCESSABLE.code(),
      "3 store_code: store 和兴路店 (S001) is not one of the stores you may import for",
      "4 store_code: store 新开店 (S099) is not one of the stores you may import for: it does not exist yet, and only hq "
        + "creates stores")
      // A scope of no store at all refuses every store; an empty scope object is such a scope, not "any store".
      .compose(v -> expectRefused(testContext, new JsonObject(), utf8(HEADER + csv.lines().skip(1).findFirst().orElseThrow() + "\n"),
        64, Failure.UNPROCESSABLE.code(), "2 store_code: store 中山路店 (S002) is not one of the stores you may import for"))
      .onComplete(testContext.succeedingThenComplete());
  }

  /**
   * The scope is the stores as they were before the file: a file cannot bring a store into a city of the scope by
   * giving it that city (a store known by its 门店ID takes the city of its newest order).
   */
  @Test
  void aScopedImportCannotMoveAStoreIntoItsCities(VertxTestContext testContext) {
    String header = "订单ID,下单时间,门店ID,门店名称,城市名称,渠道,商品名称,销量,实收价格,成本\n";
    String hangzhou = header + "R1,2026-03-01 10:00:00,7001,文一路店,杭州,收银机订单,可乐,1,3.00,2.00\n";
    String moved = header + "R2,2026-03-05 10:00:00,7001,文一路店,北京,收银机订单,可乐,1,3.00,2.00\n";
    JsonObject beijing = new JsonObject().put("cities", new JsonArray().add("北京"));
    client.send("hq.csv", utf8(hangzhou), 100)
      .compose(hq -> expectRefused(testContext, beijing, utf8(moved), 100, Failure.UNPROCESSABLE.code(),
        "2 store_id: store 文一路店 (7001) is not one of the stores you may import for"))
      .compose(v -> single("SELECT city FROM stores WHERE code = '7001'"))
      .onComplete(testContext.succeeding(city -> testContext.verify(() -> {
        assertThat(city).isEqualTo("杭州");
        testContext.completeNow();
      })));
  }

  @Test
  void aMalformedScopeIs400(VertxTestContext testContext) {
    List<Object> scopes = List.of("S001", new JsonObject().put("stores", "S001"),
      new JsonObject().put("stores", new JsonArray().add(1)), new JsonObject().put("stores", new JsonArray().add("all")),
      new JsonObject().put("cities", new JsonArray().add("")), new JsonObject().put("regions", new JsonArray()));
    List<String> reasons = List.of("scope must be an object", "scope.stores must be an array of strings, got S001",
      "scope.stores must be an array of strings, got 1", "scope.stores must hold store codes", "scope.cities must hold city names",
      "scope takes only stores and cities, not 'regions'");
    Future<Void> all = Future.succeededFuture();
    for (int i = 0; i < scopes.size(); i++) {
      Object scope = scopes.get(i);
      String reason = reasons.get(i);
      JsonObject open = new JsonObject().put(ImportProtocol.FILENAME, "x.csv").put(ImportProtocol.SCOPE, scope);
      all = all.compose(v -> node.vertx().eventBus().request(Addresses.IMPORT, open, node.signatures().sign(Addresses.IMPORT, open))
        .transform(ar -> {
          testContext.verify(() -> {
            assertThat(ar.failed()).as(String.valueOf(scope)).isTrue();
            assertThat(((ReplyException) ar.cause()).failureCode()).isEqualTo(Failure.BAD_REQUEST.code());
            assertThat(ar.cause().getMessage()).startsWith(reason);
          });
          return Future.succeededFuture();
        }));
    }
    all.onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void aWholeFileInOneBufferKeepsItsScope(VertxTestContext testContext) {
    Buffer whole = Buffer.buffer(utf8(ENGLISH));
    node.vertx().eventBus().<JsonObject>request(Addresses.IMPORT, whole, node.signatures().sign(Addresses.IMPORT, whole,
        new DeliveryOptions().addHeader(ImportProtocol.FILENAME_HEADER, "whole.csv")
          .addHeader(ImportProtocol.SCOPE_HEADER, new JsonObject().put("stores", new JsonArray().add("S001")).encode())))
      .onComplete(testContext.failing(e -> testContext.verify(() -> {
        assertThat(((ReplyException) e).failureCode()).isEqualTo(Failure.UNPROCESSABLE.code());
        assertThat(new JsonObject(e.getMessage()).getJsonArray("rejected").getJsonObject(0).getString("reason"))
          .isEqualTo("store 和兴路店二店 (S010) is not one of the stores you may import for: it does not exist yet, and "
            + "only hq creates stores");
        testContext.completeNow();
      })));
  }

  // ---- Bad input: the report says what is wrong, the database is unchanged ------------------------------------

  @Test
  void missingRequiredColumns(VertxTestContext testContext) {
    String csv = CHINESE.replace(",销量,", ",数量,").replace(",成本,", ",进价,");
    expectRefused(testContext, utf8(csv), Failure.UNPROCESSABLE.code(),
      "1 cost: required column 成本 / cost (the line's cost) is missing",
      "1 quantity: required column 销量 / quantity is missing")
      .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void nonNumericQuantitiesAndNegativePrices(VertxTestContext testContext) {
    // A quantity of -2 is a refund (accepted); a price must not be negative.
    String csv = HEADER
      + "T1,S010,店,meituan,2026-03-01 23:59:59,P1,可口可乐 330ml,饮料,two,3.00,3.00,2.00,5.00,0.48,0,3.00,1.00\n"
      + "T2,S010,店,eleme,2026-03-02 00:00:00,P1,可口可乐 330ml,饮料,-2,3.00,,2.00,6.00,2.00,3.00,0,1.01\n"
      + "T2,S010,店,eleme,2026-03-02 00:00:00,P2,乐事薯片原味 75g,零食,2,-8.00,10.00,5.00,6.00,2.00,3.00,0,1.01\n"
      + "T3,S010,店,offline,2026-03-03 12:30:00,P2,乐事薯片原味 75g,零食,1,10.00,10.00,四元,,,,,\n";
    expectRefused(testContext, utf8(csv), Failure.UNPROCESSABLE.code(),
      "2 quantity: must be a whole number, got 'two'",
      "4 unit_price: must not be negative, got -8.00",
      "5 unit_cost: must be an amount of yuan like 12.50, got '四元'")
      .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void unparsableTimes(VertxTestContext testContext) {
    String csv = ENGLISH.replace("2026-03-01 23:59:59", "2026-13-01 23:59:59").replace("2026-03-03 12:30:00", "3月3日 12:30");
    expectRefused(testContext, utf8(csv), Failure.UNPROCESSABLE.code(),
      "2 ordered_at: is not a real date and time: '2026-13-01 23:59:59'",
      "6 ordered_at: must be a time like 2026-03-01 12:30:00 (store-local) or 2026-03-01T12:30:00+08:00, got '3月3日 12:30'")
      .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void anEmptyFileOrOneWithoutLines(VertxTestContext testContext) {
    expectRefused(testContext, new byte[0], Failure.UNPROCESSABLE.code(),
      "1 null: the file is empty: it needs a header row and at least one order line")
      .compose(v -> expectRefused(testContext, utf8(HEADER + "\n\n"), Failure.UNPROCESSABLE.code(),
        "2 null: the file has a header row but no order lines"))
      .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void aFileOverTheSizeLimit(VertxTestContext testContext) {
    // Announced: refused before a byte is sent.
    JsonObject open = new JsonObject().put("filename", "big.csv").put("size", ImportProtocol.MAX_FILE_BYTES + 1);
    node.vertx().eventBus().request(Addresses.IMPORT, open, node.signatures().sign(Addresses.IMPORT, open))
      .onComplete(testContext.failing(e -> testContext.verify(() -> {
        assertThat(((ReplyException) e).failureCode()).isEqualTo(ImportProtocol.TOO_LARGE);
        JsonObject report = new JsonObject(e.getMessage());
        assertThat(report.getBoolean("imported")).isFalse();
        assertThat(report.getJsonArray("rejected").getJsonObject(0).getString("reason"))
          .startsWith("the file is 268435457 bytes, over the import limit of 268435456 bytes");
        testContext.completeNow();
      })));
  }

  @Test
  void aStreamOverTheSizeLimit(VertxTestContext testContext) {
    // A service with a 300-byte limit: the third 128-byte chunk crosses it.
    Pool importPool = PgPools.create(node.vertx(), config, 1, null);
    ImportSessions small = new ImportSessions(node.vertx(), node.signatures(), importPool, ZoneId.of("Asia/Shanghai"), 300, 10_000, 1, () -> false, new InFlight(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    ImportClient smallClient = new ImportClient(node.vertx(), node.signatures(), "test.import.small");
    snapshot().compose(before -> small.register("test.import.small")
        .compose(v -> smallClient.open("orders.csv", -1))
        .compose(session -> smallClient.chunk(session, utf8(ENGLISH), 0, 128)
          .compose(ack -> smallClient.chunk(session, utf8(ENGLISH), 128, 256))
          .compose(ack -> smallClient.chunk(session, utf8(ENGLISH), 256, 384))
          .transform(ar -> {
            testContext.verify(() -> {
              assertThat(ar.failed()).isTrue();
              ReplyException e = (ReplyException) ar.cause();
              assertThat(e.failureCode()).isEqualTo(413);
              assertThat(new JsonObject(e.getMessage()).getString("detail"))
                .isEqualTo("nothing was imported: the file is larger than the import limit of 300 bytes: split it into "
                  + "smaller files (each is imported on its own)");
              assertThat(small.active()).isZero();
            });
            // The session is gone.
            return smallClient.chunk(session, utf8(ENGLISH), 0, 10);
          }))
        .transform(ar -> {
          testContext.verify(() -> assertThat(((ReplyException) ar.cause()).failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
          return snapshot();
        })
        .map(after -> {
          testContext.verify(() -> assertThat(after).isEqualTo(before));
          return null;
        }))
      .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void tooManyOrTooFewFields(VertxTestContext testContext) {
    String csv = HEADER
      + "T1,S010,店,meituan,2026-03-01 23:59:59,P1,可口可乐 330ml,饮料,2,3.00,3.00,2.00,5.00,0.48,0,3.00\n"
      + "T2,S010,店,eleme,2026-03-02 00:00:00,P1,可口可乐, 330ml,饮料,1,3.00,,2.00,6.00,2.00,3.00,0,1.01\n"
      + "T3,S010,店,offline,2026-03-03 12:30:00,P2,乐事薯片原味 75g,零食,1,10.00,10.00,4.00,,,,,\n";
    expectRefused(testContext, utf8(csv), Failure.UNPROCESSABLE.code(),
      "2 null: has 16 field(s) where the header has 17: a value or a comma is missing",
      "3 null: has 18 fields where the header has 17: an extra comma, or a value with a comma that is not in quotes?")
      .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void mixedStoresInOneOrder(VertxTestContext testContext) {
    String csv = ENGLISH.replace("T2,S010,和兴路店二店,eleme,2026-03-02 00:00:00,P2", "T2,S001,和兴路店,eleme,2026-03-02 00:00:00,P2");
    expectRefused(testContext, utf8(csv), Failure.UNPROCESSABLE.code(),
      "4 store_code: order T2 mixes stores: 'S001' here, 'S010' on line 3; an order belongs to one store")
      .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void orderLevelValuesThatDifferBetweenLines(VertxTestContext testContext) {
    String csv = HEADER
      + "T2,S010,店,eleme,2026-03-02 00:00:00,P1,可口可乐 330ml,饮料,1,3.00,,2.00,,2.00,3.00,0,1.01\n"
      + "T2,S010,店,meituan,2026-03-02 00:00:01,P2,乐事薯片原味 75g,零食,2,8.00,10.00,5.00,6.00,2.00,3.00,0,1.01\n"
      + "T2,S010,店,eleme,2026-03-02 00:00:00,P3,新鲜鸡蛋 10枚,,1,10.00,10.00,12.00,7.00,2.00,3.00,0,1.01\n";
    expectRefused(testContext, utf8(csv), Failure.UNPROCESSABLE.code(),
      "3 channel: order T2 is 'meituan' here but 'eleme' on line 2; an order has one channel",
      "3 ordered_at: order T2 was placed at 2026-03-02 00:00:01 here but at 2026-03-02 00:00:00 on line 2; every line "
        + "of an order repeats its time",
      "4 delivery_cost: order T2 has delivery_cost 7.00 here but 6.00 on line 3; an order-level value repeats on every "
        + "line of the order and counts once")
      .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void theSameProductTwiceInOneOrderIsTwoLines(VertxTestContext testContext) {
    // The export lists a product twice when it was scanned twice: two lines of the order, both kept.
    String csv = ENGLISH + "T2,S010,和兴路店二店,eleme,2026-03-02 00:00:00,P2,乐事薯片原味 75g,零食,1,8.00,10.00,5.00,6.00,2.00,3.00,0,1.01\n";
    client.send("twice.csv", utf8(csv), 100)
      .compose(outcome -> {
        testContext.verify(() -> {
          assertThat(outcome.status()).isEqualTo(200);
          assertThat(outcome.report().getLong("lines")).isEqualTo(6);
          assertThat(outcome.report().getLong("orders")).isEqualTo(3);
        });
        return single("SELECT string_agg(p.sku || '×' || l.quantity, ' ' ORDER BY l.line_no) FROM order_lines l"
          + " JOIN orders o ON o.id = l.order_id JOIN products p ON p.id = l.product_id WHERE o.order_no = 'T2'");
      })
      .onComplete(testContext.succeeding(lines -> testContext.verify(() -> {
        assertThat(lines).isEqualTo("P1×1 P2×2 P3×1 P2×1");
        testContext.completeNow();
      })));
  }

  @Test
  void problemsOfEveryKindAreReportedTogether(VertxTestContext testContext) {
    String csv = ENGLISH.replace(",two,", ",2,")
      .replace("T3,S010,和兴路店二店,offline,2026-03-03 12:30:00,P2,乐事薯片原味 75g,零食,1,",
        "T3,S010,和兴路店二店,offline,2026-03-03 12:30:00,P2,乐事薯片原味 75g,零食,1.5,")
      .replace("T2,S010,和兴路店二店,eleme,2026-03-02 00:00:00,P2", "T2,S011,和兴路店二店,eleme,2026-03-02 00:00:00,P2");
    expectRefused(testContext, utf8(csv), Failure.UNPROCESSABLE.code(),
      "4 store_code: order T2 mixes stores: 'S011' here, 'S010' on line 3; an order belongs to one store",
      "6 quantity: must be a whole number, got '1.5'")
      .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void anUnclosedQuote(VertxTestContext testContext) {
    String csv = ENGLISH.replace(",可口可乐 330ml,饮料,2,", ",\"可口可乐 330ml,饮料,2,");
    expectRefused(testContext, utf8(csv), Failure.UNPROCESSABLE.code(),
      "2 null: a quoted field starts here and is never closed: a quote (\") is missing")
      .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void filesThatAreNotCsvText(VertxTestContext testContext) {
    byte[] xlsx = {'P', 'K', 3, 4, 20, 0, 6, 0, 8, 0, 0, 0, 33, 0};
    // The first bytes of an .xlsx workbook, and nothing after them (workbooks themselves: XlsxImportTest).
    expectRefused(testContext, xlsx, Failure.BAD_REQUEST.code(), "1 null: the file is not an .xlsx workbook: it starts "
      + "like a ZIP archive (as .xlsx workbooks do) but cannot be read as one: it is truncated or damaged; send the "
      + "workbook (.xlsx) or the orders as CSV UTF-8")
      .compose(v -> expectRefused(testContext, utf8("hello world\nthis is a letter\n"), Failure.BAD_REQUEST.code(),
        "1 null: the first line names none of the columns of an order export (such as 订单ID / order_id, 销量 / quantity): "
          + "this is not an order export CSV, or its header row is missing"))
      .compose(v -> expectRefused(testContext, new byte[] {'a', ',', 'b', '\n', 0, 1, 2, 3}, Failure.BAD_REQUEST.code(),
        "2 null: the file contains a NUL byte at byte 4: it is a binary file, not CSV text"))
      .onComplete(testContext.succeedingThenComplete());
  }

  // ---- Protocol ----------------------------------------------------------------------------------------------

  @Test
  void abortRollsBackAndClosesTheSession(VertxTestContext testContext) {
    byte[] bytes = utf8(ENGLISH);
    snapshot().compose(before -> client.open("orders.csv", bytes.length)
        .compose(session -> client.chunk(session, bytes, 0, bytes.length)
          .compose(ack -> client.abort(session))
          .compose(reply -> {
            testContext.verify(() -> assertThat(reply.body().getBoolean("aborted")).isTrue());
            return client.end(session).transform(ar -> Future.succeededFuture(ar.cause()));
          }))
        .compose(failure -> {
          testContext.verify(() -> assertThat(((ReplyException) failure).failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
          return snapshot();
        })
        .map(after -> {
          testContext.verify(() -> assertThat(after).isEqualTo(before));
          return null;
        }))
      .onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void anIdleSessionIsRolledBack(VertxTestContext testContext) {
    Pool importPool = PgPools.create(node.vertx(), config, 1, null);
    ImportSessions quick = new ImportSessions(node.vertx(), node.signatures(), importPool, ZoneId.of("Asia/Shanghai"), 1_000_000, 300, 1, () -> false, new InFlight(), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
    ImportClient quickClient = new ImportClient(node.vertx(), node.signatures(), "test.import.quick");
    byte[] bytes = utf8(ENGLISH);
    snapshot().compose(before -> quick.register("test.import.quick")
        .compose(v -> quickClient.open("orders.csv", bytes.length))
        .compose(session -> quickClient.chunk(session, bytes, 0, 100).compose(ack -> {
          testContext.verify(() -> assertThat(quick.active()).isEqualTo(1));
          // The session ends 300 ms after its last chunk, once its ROLLBACK has been answered.
          return untilNoSessionIsOpen(quick);
        }).compose(v -> {
          testContext.verify(() -> assertThat(quick.active()).isZero());
          return quickClient.end(session).transform(ar -> Future.succeededFuture(ar.cause()));
        }))
        .compose(failure -> {
          testContext.verify(() -> assertThat(((ReplyException) failure).failureType()).isEqualTo(ReplyFailure.NO_HANDLERS));
          // The connection went back: a new session opens on the one-connection pool.
          return quickClient.open("again.csv", 10);
        })
        .compose(session -> snapshot())
        .map(after -> {
          testContext.verify(() -> assertThat(after).isEqualTo(before));
          return null;
        }))
      .onComplete(testContext.succeedingThenComplete());
  }

  /** Completes when no session is open any more, or after 5 s: the caller asserts which. */
  private Future<Void> untilNoSessionIsOpen(ImportSessions sessions) {
    Promise<Void> done = Promise.promise();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    node.vertx().setPeriodic(20, timer -> {
      if (sessions.active() == 0 || System.nanoTime() > deadline) {
        node.vertx().cancelTimer(timer);
        done.complete();
      }
    });
    return done.future();
  }

  private Future<Void> expectRefused(VertxTestContext testContext, byte[] bytes, int status, String... rejected) {
    return expectRefused(testContext, bytes, 16, status, rejected);
  }

  private Future<Void> expectRefused(VertxTestContext testContext, byte[] bytes, int chunk, int status, String... rejected) {
    return expectRefused(testContext, null, bytes, chunk, status, rejected);
  }

  private Future<Void> expectRefused(VertxTestContext testContext, JsonObject scope, byte[] bytes, int chunk, int status,
                                     String... rejected) {
    return snapshot().compose(before -> client.send("bad.csv", bytes, chunk, scope)
      .compose(outcome -> {
        testContext.verify(() -> {
          assertThat(outcome.status()).as(outcome.message()).isEqualTo(status);
          JsonObject report = outcome.report();
          assertThat(report.getBoolean("imported")).isFalse();
          assertThat(report.getString("detail")).startsWith("nothing was imported");
          List<String> entries = new ArrayList<>();
          report.getJsonArray("rejected").forEach(r -> {
            JsonObject entry = (JsonObject) r;
            entries.add(entry.getInteger("line") + " " + entry.getString("column") + ": " + entry.getString("reason"));
          });
          assertThat(entries).containsExactly(rejected);
          assertThat(report.getLong("rejected_total")).isEqualTo(rejected.length);
        });
        return snapshot();
      })
      .map(after -> {
        testContext.verify(() -> assertThat(after).as("the database after a refused import").isEqualTo(before));
        return null;
      }));
  }

  /** A fingerprint of every table: equal before and after means nothing changed. */
  private Future<String> snapshot() {
    StringBuilder sql = new StringBuilder("SELECT ");
    List<String> tables = List.of("stores", "products", "orders", "order_lines", "dataset_version", "daily_store_channel",
      "daily_store_product", "daily_store_hour", "daily_channel", "daily_product", "daily_hour", "daily_store");
    for (int i = 0; i < tables.size(); i++) {
      sql.append(i == 0 ? "" : " || ' ' || ").append("(SELECT '").append(tables.get(i)).append("=' || count(*) || ':' || ")
        .append("coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') FROM ").append(tables.get(i)).append(" t)");
    }
    return single(sql.toString());
  }

  private Future<String> single(String sql) {
    return pool.query(sql).execute().map(rows -> rows.iterator().next().getString(0));
  }

  private Future<List<String>> dashboards() {
    List<Future<String>> answers = new ArrayList<>();
    for (String kind : List.of("overview", "trend", "channels", "categories", "hours")) {
      answers.add(compute(new JsonObject().put("kind", kind).put("store", "all")));
    }
    for (String kind : List.of("overview", "products", "orders", "diagnosis")) {
      answers.add(compute(new JsonObject().put("kind", kind).put("store", "S002")));
    }
    answers.add(compute(new JsonObject().put("kind", "ranking").put("store", "all")));
    return Future.all(answers).map(all -> all.<String>list());
  }

  private Future<String> overview(String store) {
    return compute(new JsonObject().put("kind", "overview").put("store", store).put("from", "2026-03-02").put("to", "2026-03-03"));
  }

  private Future<String> compute(JsonObject query) {
    return node.vertx().eventBus().<Buffer>request(Addresses.DASHBOARD_COMPUTE, query).map(Message::body).map(Buffer::toString);
  }

  static byte[] export(DemoOptions options, ExportCsv.Headers headers, ExportCsv.Encoding encoding) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ExportCsv.write(new DemoDataset(options), out, headers, encoding);
    return out.toByteArray();
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] withBom(byte[] bytes) {
    byte[] out = new byte[bytes.length + 3];
    out[0] = (byte) 0xEF;
    out[1] = (byte) 0xBB;
    out[2] = (byte) 0xBF;
    System.arraycopy(bytes, 0, out, 3, bytes.length);
    return out;
  }
}
