package io.storedash.query.ingest;

import io.storedash.common.Addresses;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestStorage;
import io.storedash.query.QueryService;
import io.storedash.query.RollupConsistency;
import io.storedash.query.storage.PgPools;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chain's calculation standard (docs/DESIGN.md §4.1) on a hand-made export in the platforms' layout
 * ({@code exports/chain-days.csv}: three stores — 门店ID 1001, 1002, 2001 — on 2026-11-01 and 2026-11-02, every kind of
 * channel, multi-line orders, a cancelled order, a refunded line, carrier bags in 耗材, an order at 23:59:59 and one at
 * 00:00:00, personal columns). Every expected figure is computed by hand in the comments, from the file's cells.
 */
@ExtendWith(VertxExtension.class)
class ChainExportTest {

  static final String FILE = "/exports/chain-days.csv";

  private StoreDashConfig config;
  private Node node;
  private Pool pool;
  private ImportClient client;

  @BeforeEach
  void deployAndImport(VertxTestContext testContext) throws IOException {
    config = TestStorage.config(Map.of());
    node = Node.local(config);
    pool = PgPools.create(node.vertx(), config, 1, null);
    client = new ImportClient(node.vertx(), node.signatures());
    byte[] file = resource(FILE);
    node.deploy(QueryService.DESCRIPTOR, 1)
      .compose(id -> client.send("订单明细数据导出汇总.csv", file, 4096))
      .onComplete(testContext.succeeding(outcome -> testContext.verify(() -> {
        assertThat(outcome.status()).as(String.valueOf(outcome.report())).isEqualTo(200);
        JsonObject report = outcome.report();
        assertThat(report.getLong("lines")).isEqualTo(14);
        assertThat(report.getLong("orders")).isEqualTo(10);
        assertThat(report.getJsonArray("new_stores")).isEqualTo(new JsonArray().add("1001").add("1002").add("2001"));
        // 备注 is unknown; 收货地址, 用户ID and 用户支付金额 are personal data, never stored.
        assertThat(report.getJsonArray("ignored_columns")).isEqualTo(new JsonArray().add("备注"));
        assertThat(report.getJsonArray("personal_columns")).isEqualTo(new JsonArray().add("收货地址").add("用户ID").add("用户支付金额"));
        testContext.completeNow();
      })));
  }

  @AfterEach
  void close(VertxTestContext testContext) {
    node.vertx().close().onComplete(testContext.succeedingThenComplete());
  }

  /**
   * Store 1001 on 2026-11-02. Valid orders: O1 (美团闪购), O2 (饿了么, 23:59:59), O4 (收银机订单, no fee and valid).
   * O3 (饿了么, every line 销量 0, fee 0) is cancelled; O5 (00:00:00 on 11-03) is the next day.
   * <pre>
   * O1: revenue 2×5.00 + 8.00 + 0.50 = 18.50; 利润额 3.00 + 3.00 + 0.40 = 6.40; fee 0.60 + 0.50 = 1.10; rebate 0.20;
   *     profit 6.40 − 1.10 − 4.00 + 0.20 = 1.50; GMV 2×6.00 + 10.00 + 0.50 + bag 0.50 + user delivery 3.00 = 26.00;
   *     marketing 2.00 + 1.50 + 0.50 = 4.00; delivery net 4.00 − (3.00 − 1.00) − 0.20 = 1.80
   * O2: revenue 3×3.00 + 0×5.00 = 9.00; 利润额 3.00; fee 0.45; profit 3.00 − 0.45 − 5.00 = −2.45;
   *     GMV 3×3.50 = 10.50 (the refunded line has 销量 0); marketing 1.00; delivery net 5.00
   * O4: revenue 2×8.00 = 16.00; 利润额 6.00; profit 6.00; GMV 20.00; marketing 0; delivery net 0
   * orders 3, invalid 1; revenue 43.50; 利润额 15.40; profit 5.05; 客单价 14.50; 利润率 5.05 / 43.50 = 0.1161;
   * GMV 56.50; 营销成本 5.00, rate 5.00 / 56.50 = 0.0885; 配送净成本 6.80; service fee 1.55; 单均利润 1.68;
   * 单均营销 1.67; 单均配送 2.27; 动销 3 (牛奶, 面包, 可乐; not the bag).
   * Previous day (P1, P2): orders 2, revenue 13.00, profit (1.50 − 0.30 − 4.00) + 3.00 = 0.20, 利润率 0.0154.
   * 环比: orders +50 %; revenue (43.50 − 13.00) / 13.00 = 2.3462; 利润率 0.1161 − 0.0154 = +10.07 points.
   * </pre>
   */
  @Test
  void aStoreDayFollowsTheChainsStandard(VertxTestContext testContext) {
    overview("1001", "2026-11-02").onComplete(testContext.succeeding(o -> testContext.verify(() -> {
      JsonObject k = o.getJsonObject("kpis");
      assertThat(k.getLong("orders")).isEqualTo(3);
      assertThat(k.getLong("invalid_orders")).isEqualTo(1);
      assertThat(k.getLong("items")).isEqualTo(9);
      money(k, "revenue", "43.50");
      money(k, "gross_profit", "15.40");
      money(k, "profit", "5.05");
      money(k, "aov", "14.50");
      money(k, "profit_margin", "0.1161");
      money(k, "gmv", "56.50");
      money(k, "marketing_cost", "5.00");
      money(k, "marketing_rate", "0.0885");
      money(k, "delivery_net_cost", "6.80");
      money(k, "service_fee", "1.55");
      money(k, "profit_per_order", "1.68");
      money(k, "marketing_per_order", "1.67");
      money(k, "delivery_per_order", "2.27");
      money(k, "cost", "28.10");
      money(k, "rebate", "0.20");
      assertThat(k.getLong("active_products")).isEqualTo(3);

      JsonObject p = o.getJsonObject("previous");
      assertThat(p.getLong("orders")).isEqualTo(2);
      money(p, "revenue", "13.00");
      money(p, "profit", "0.20");
      money(p, "profit_margin", "0.0154");
      assertThat(p.getLong("active_products")).isEqualTo(2);

      JsonObject c = o.getJsonObject("change");
      assertThat(c.getJsonObject("orders").getValue("relative")).isEqualTo(new BigDecimal("0.5000").doubleValue());
      money(c.getJsonObject("revenue"), "relative", "2.3462");
      money(c.getJsonObject("profit_margin"), "points", "10.07");
      assertThat(c.getJsonObject("profit_margin").containsKey("relative")).isFalse();
      testContext.completeNow();
    })));
  }

  /**
   * The chain on 2026-11-02: 1001 as above; 1002's Q1 (美团共橙): revenue 4×2.00 + 0.30 = 8.30, 利润额 4.20, fee 0.40,
   * rebate 0.50, profit 4.20 − 0.40 − 3.50 + 0.50 = 0.80, GMV 8.00 + 0.30 + bag 0.30 + 4.00 = 12.60, marketing 2.00,
   * delivery net 3.50 − 4.00 − 0.50 = −1.00 (delivery earned); 2001's R1 (抖音, service fee 0) is not valid, R2
   * (闪购小程序, no fee) is: revenue 24.00, profit 10.00, GMV 30.00, marketing 1.00 + 0.50 = 1.50.
   * orders 5, invalid 2; revenue 75.80; profit 15.85; GMV 99.10; 营销成本 8.50; 配送净成本 5.80; 动销 5.
   */
  @Test
  void theChainAddsEveryStoreAndLeavesInvalidOrdersOut(VertxTestContext testContext) {
    overview("all", "2026-11-02").onComplete(testContext.succeeding(o -> testContext.verify(() -> {
      JsonObject k = o.getJsonObject("kpis");
      assertThat(k.getLong("orders")).isEqualTo(5);
      assertThat(k.getLong("invalid_orders")).isEqualTo(2);
      money(k, "revenue", "75.80");
      money(k, "profit", "15.85");
      money(k, "gmv", "99.10");
      money(k, "marketing_cost", "8.50");
      money(k, "delivery_net_cost", "5.80");
      money(k, "service_fee", "1.95");
      money(k, "aov", "15.16");
      assertThat(k.getLong("active_products")).isEqualTo(5);
      testContext.completeNow();
    })));
  }

  /**
   * Store 1001's channels on 2026-11-02 against 11-01: 美团闪购 revenue 18.50 (share 18.50 / 43.50 = 0.4253), profit 1.50,
   * 利润率 0.0811 → 需改进; 收银机订单 revenue 16.00 (0.3678), profit 6.00, 利润率 0.3750 > 15 % and revenue grew from
   * 8.00 → 优秀; 饿了么 revenue 9.00 (0.2069), profit −2.45 → 需改进, with its cancelled order counted beside.
   * 美团闪购's cost structure, as rates of its 18.50: products 12.00 → 0.6486, bags 0.10 → 0.0054, 商品减免 1.50 → 0.0811,
   * other marketing 2.50 → 0.1351, delivery 1.80 → 0.0973, service fee 1.10 → 0.0595.
   */
  @Test
  void channelsHaveSharesCostStructureAndRatings(VertxTestContext testContext) {
    compute("channels", "1001", "2026-11-02").onComplete(testContext.succeeding(o -> testContext.verify(() -> {
      JsonArray channels = o.getJsonArray("channels");
      assertThat(channels.stream().map(c -> ((JsonObject) c).getString("name")))
        .containsExactly("美团闪购", "收银机订单", "饿了么");
      JsonObject flash = channels.getJsonObject(0);
      assertThat(flash.getString("channel")).isEqualTo("meituan_flash");
      assertThat(flash.getBoolean("charges_fee")).isTrue();
      money(flash, "revenue_share", "0.4253");
      money(flash, "profit_margin", "0.0811");
      assertThat(flash.getString("rating_label")).isEqualTo("需改进");
      JsonObject cost = flash.getJsonObject("cost_structure");
      money(cost, "product_cost", "0.6486");
      money(cost, "consumables_cost", "0.0054");
      money(cost, "product_discount", "0.0811");
      money(cost, "other_marketing", "0.1351");
      money(cost, "delivery_cost", "0.0973");
      money(cost, "service_fee", "0.0595");
      JsonObject till = channels.getJsonObject(1);
      assertThat(till.getBoolean("charges_fee")).isFalse();
      money(till, "revenue_share", "0.3678");
      assertThat(till.getString("rating")).isEqualTo("excellent");
      assertThat(till.getString("rating_label")).isEqualTo("优秀");
      JsonObject eleme = channels.getJsonObject(2);
      assertThat(eleme.getLong("orders")).isEqualTo(1);
      assertThat(eleme.getLong("invalid_orders")).isEqualTo(1);
      money(eleme, "profit", "-2.45");
      assertThat(eleme.getString("rating_label")).isEqualTo("需改进");
      testContext.completeNow();
    })));
  }

  /** O1 at 10:15 (上午, 1.5 km), O4 at 18:30 (傍晚, no distance), O2 at 23:59:59 (晚间, 3.2 km). */
  @Test
  void hoursHaveDayPartsAndDistanceBands(VertxTestContext testContext) {
    compute("hours", "1001", "2026-11-02").onComplete(testContext.succeeding(o -> testContext.verify(() -> {
      JsonArray parts = o.getJsonArray("day_parts");
      assertThat(parts.getJsonObject(1).getString("name")).isEqualTo("上午");
      assertThat(parts.getJsonObject(1).getLong("orders")).isEqualTo(1);
      money(parts.getJsonObject(1), "profit", "1.50");
      assertThat(parts.getJsonObject(4).getString("name")).isEqualTo("傍晚");
      money(parts.getJsonObject(4), "revenue", "16.00");
      assertThat(parts.getJsonObject(5).getString("name")).isEqualTo("晚间");
      money(parts.getJsonObject(5), "profit", "-2.45");
      JsonArray bands = o.getJsonArray("distance_bands");
      assertThat(bands.getJsonObject(1).getString("band")).isEqualTo("1-2km");
      assertThat(bands.getJsonObject(1).getLong("orders")).isEqualTo(1);
      money(bands.getJsonObject(1), "delivery_per_order", "1.80");
      assertThat(bands.getJsonObject(3).getLong("orders")).isEqualTo(1);
      money(bands.getJsonObject(1), "order_share", "0.5000");
      testContext.completeNow();
    })));
  }

  /** Products and categories leave the carrier bags (耗材) out; the order profit above counted them. */
  @Test
  void consumablesAreNotProducts(VertxTestContext testContext) {
    Future.all(compute("products", "1001", "2026-11-02"), compute("categories", "1001", "2026-11-02"),
        RollupConsistency.mismatches(pool))
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        JsonObject products = all.resultAt(0);
        assertThat(products.encode()).doesNotContain("购物袋").contains("全麦面包");
        JsonObject categories = all.resultAt(1);
        assertThat(categories.encode()).doesNotContain("耗材").contains("烘焙");
        assertThat((String) all.resultAt(2)).isEqualTo(RollupConsistency.NONE);
        testContext.completeNow();
      })));
  }

  /**
   * The diagnosis leaves the carrier bag (耗材) out too (its statement once glued "AND" to the consumables condition and
   * failed on every call). 1001 over 11-01..11-02, valid orders' lines: 牛奶 (6901) P1 1 + O1 2 + O2's refunded line 0 =
   * 3 units, 5.00 + 10.00 = 15.00; 面包 (6902) P2 1 + O1 1 + O4 2 = 4 units (O3 is cancelled), 8.00 + 8.00 + 16.00 =
   * 32.00; 可乐 (6903) O2 3 units, 9.00. Revenue 56.00 over 3 products.
   */
  @Test
  void diagnosisLeavesConsumablesOut(VertxTestContext testContext) {
    node.vertx().eventBus().<Buffer>request(Addresses.DASHBOARD_COMPUTE, new JsonObject().put("kind", "diagnosis")
        .put("store", "1001").put("from", "2026-11-01").put("to", "2026-11-02")).map(Message::body).map(JsonObject::new)
      .onComplete(testContext.succeeding(d -> testContext.verify(() -> {
        assertThat(d.getLong("products_count")).isEqualTo(3);
        money(d, "revenue", "56.00");
        assertThat(d.getJsonArray("products").stream().map(JsonObject.class::cast)
          .map(p -> p.getString("sku") + "=" + p.getLong("quantity")))
          .containsExactlyInAnyOrder("6901=3", "6902=4", "6903=3");
        testContext.completeNow();
      })));
  }

  /**
   * A file that knows its stores by 门店编码 (StoreDash's own layout) lands its orders: K1 (美团闪购, 2 × 2.00, fee 0.10)
   * and K2 (收银机订单, 1 × 2.00) in the new store K01 — orders 2, revenue 6.00. (Since store keys became "code:…", such
   * files were reported imported while every order was dropped.)
   */
  @Test
  void aFileThatNamesStoresByCodeLandsItsOrders(VertxTestContext testContext) {
    String csv = "订单ID,门店编码,门店名称,渠道,下单时间,商品编码,商品名称,一级分类名,销量,实收价格,成本,平台服务费\n"
      + "K1,K01,代码店,美团闪购,2026-11-02 10:00:00,K-P1,矿泉水,饮料,2,2.00,1.60,0.10\n"
      + "K2,K01,代码店,收银机订单,2026-11-02 11:00:00,K-P1,矿泉水,饮料,1,2.00,0.80,0\n";
    client.send("by-code.csv", csv.getBytes(java.nio.charset.StandardCharsets.UTF_8), 1000)
      .compose(outcome -> {
        testContext.verify(() -> {
          assertThat(outcome.status()).as(String.valueOf(outcome.report())).isEqualTo(200);
          assertThat(outcome.report().getLong("orders")).isEqualTo(2);
          assertThat(outcome.report().getLong("new_orders")).isEqualTo(2);
          assertThat(outcome.report().getLong("new_lines")).isEqualTo(2);
          assertThat(outcome.report().getJsonArray("new_stores")).isEqualTo(new JsonArray().add("K01"));
        });
        return Future.all(overview("K01", "2026-11-02"), RollupConsistency.mismatches(pool));
      })
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        JsonObject k = all.<JsonObject>resultAt(0).getJsonObject("kpis");
        assertThat(k.getLong("orders")).isEqualTo(2);
        money(k, "revenue", "6.00");
        assertThat((String) all.resultAt(1)).isEqualTo(RollupConsistency.NONE);
        testContext.completeNow();
      })));
  }

  /**
   * HQ says 抖音 takes no service fee: R1 (抖音, fee 0) becomes valid — the chain's 11-02 gains its order and its
   * revenue 12.00 (75.80 → 87.80) — the data version moves, and the change is announced. Then back.
   */
  @Test
  void hqsFeeFlagReDerivesTheFigures(VertxTestContext testContext) {
    JsonArray announced = new JsonArray();
    node.vertx().eventBus().<JsonObject>consumer(Addresses.DATA_CHANGED, m -> announced.add(m.body().getJsonArray("stores")));
    channels(new JsonObject().put("action", "set").put("code", "douyin").put("charges_fee", false))
      .compose(set -> {
        testContext.verify(() -> {
          assertThat(set.getLong("orders_revalued")).isEqualTo(1);
          assertThat(set.getJsonArray("stores")).isEqualTo(new JsonArray().add("2001"));
        });
        return Future.all(overview("all", "2026-11-02"), channels(new JsonObject().put("action", "list")),
          RollupConsistency.mismatches(pool));
      })
      .compose(all -> {
        testContext.verify(() -> {
          JsonObject k = all.<JsonObject>resultAt(0).getJsonObject("kpis");
          assertThat(k.getLong("orders")).isEqualTo(6);
          assertThat(k.getLong("invalid_orders")).isEqualTo(1);
          money(k, "revenue", "87.80");
          JsonObject douyin = all.<JsonObject>resultAt(1).getJsonArray("channels").stream().map(JsonObject.class::cast)
            .filter(c -> c.getString("channel").equals("douyin")).findFirst().orElseThrow();
          assertThat(douyin.getBoolean("charges_fee")).isFalse();
          assertThat(douyin.getLong("orders")).isEqualTo(1);
          assertThat((String) all.resultAt(2)).isEqualTo(RollupConsistency.NONE);
        });
        return channels(new JsonObject().put("action", "set").put("code", "douyin").put("charges_fee", true));
      })
      .compose(back -> overview("all", "2026-11-02"))
      .onComplete(testContext.succeeding(o -> testContext.verify(() -> {
        money(o.getJsonObject("kpis"), "revenue", "75.80");
        assertThat(announced).hasSize(2);
        testContext.completeNow();
      })));
  }

  @Test
  void unknownChannelsAndBadFlagsAreRefused(VertxTestContext testContext) {
    channels(new JsonObject().put("action", "set").put("code", "nope").put("charges_fee", true))
      .onComplete(testContext.failing(unknown -> testContext.verify(() -> {
        assertThat(unknown.getMessage()).isEqualTo("unknown channel 'nope'");
        channels(new JsonObject().put("action", "set").put("code", "douyin").put("charges_fee", "yes"))
          .onComplete(testContext.failing(bad -> testContext.verify(() -> {
            assertThat(bad.getMessage()).contains("charges_fee must be true or false");
            testContext.completeNow();
          })));
      })));
  }

  /**
   * Importing the same file again changes nothing; a corrected export replaces its orders whole (O1 without its bag:
   * revenue 43.50 − 0.50, 利润额 15.40 − 0.40); an 订单ID another store holds is refused with its line, nothing moves.
   */
  @Test
  void reImportsReplaceOrdersWholeAndNeverMoveThem(VertxTestContext testContext) throws IOException {
    String header = new String(resource(FILE), java.nio.charset.StandardCharsets.UTF_8).lines().findFirst().orElseThrow();
    String o1 = new String(resource(FILE), java.nio.charset.StandardCharsets.UTF_8).lines()
      .filter(l -> l.startsWith("O1,") && !l.contains("购物袋")).reduce((a, b) -> a + "\n" + b).orElseThrow();
    byte[] corrected = (header + "\n" + o1 + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] moved = (header + "\n" + o1.replace(",1001,鲜丰超市(文一路店),", ",1002,好邻居便利(西溪店),") + "\n")
      .getBytes(java.nio.charset.StandardCharsets.UTF_8);
    client.send("again.csv", resource(FILE), 1000)
      .compose(again -> {
        testContext.verify(() -> {
          assertThat(again.status()).isEqualTo(200);
          assertThat(again.report().getLong("new_orders")).isZero();
          assertThat(again.report().getLong("updated_orders")).isZero();
        });
        return client.send("corrected.csv", corrected, 1000);
      })
      .compose(fixed -> {
        testContext.verify(() -> assertThat(fixed.status()).isEqualTo(200));
        return client.send("moved.csv", moved, 1000);
      })
      .compose(refused -> {
        testContext.verify(() -> {
          assertThat(refused.status()).isEqualTo(422);
          JsonObject first = refused.report().getJsonArray("rejected").getJsonObject(0);
          assertThat(first.getInteger("line")).isEqualTo(2);
          assertThat(first.getString("reason")).startsWith("order O1 belongs to store 1001 (鲜丰超市(文一路店)), not to 1002");
        });
        return Future.all(overview("1001", "2026-11-02"), RollupConsistency.mismatches(pool));
      })
      .onComplete(testContext.succeeding(all -> testContext.verify(() -> {
        JsonObject k = all.<JsonObject>resultAt(0).getJsonObject("kpis");
        assertThat(k.getLong("orders")).isEqualTo(3);
        money(k, "revenue", "43.00");
        money(k, "gross_profit", "15.00");
        assertThat((String) all.resultAt(1)).isEqualTo(RollupConsistency.NONE);
        testContext.completeNow();
      })));
  }

  private Future<JsonObject> channels(JsonObject command) {
    return node.vertx().eventBus().<JsonObject>request(Addresses.CHANNELS, command,
      node.signatures().sign(Addresses.CHANNELS, command)).map(Message::body);
  }

  private Future<JsonObject> overview(String store, String day) {
    return compute("overview", store, day);
  }

  private Future<JsonObject> compute(String kind, String store, String day) {
    return node.vertx().eventBus().<Buffer>request(Addresses.DASHBOARD_COMPUTE, new JsonObject().put("kind", kind)
      .put("store", store).put("from", day).put("to", day)).map(Message::body).map(JsonObject::new);
  }

  private static void money(JsonObject json, String key, String expected) {
    assertThat(new BigDecimal(String.valueOf(json.getValue(key)))).as(key + " in " + json.encode())
      .isEqualByComparingTo(expected);
  }

  static byte[] resource(String name) throws IOException {
    try (InputStream in = ChainExportTest.class.getResourceAsStream(name)) {
      return in.readAllBytes();
    }
  }
}
