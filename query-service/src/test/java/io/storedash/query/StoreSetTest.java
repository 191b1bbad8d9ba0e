package io.storedash.query;

import io.storedash.common.Addresses;
import io.storedash.common.DashboardQuery;
import io.storedash.common.QueryKind;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestStorage;
import io.storedash.query.ingest.BulkLoader;
import io.storedash.query.storage.PgPools;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Queries restricted to a set of stores ({@link DashboardQuery#restrictedTo}), on {@link HandMadeSales}: a set's
 * figures are its stores' figures added up by the chain's rules, a set of every store answers as the chain, a set of
 * one store as that store, and an empty set or unknown codes answer nothing rather than fail. The tests only read, so
 * they share one database.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoreSetTest {

  private static final LocalDate MAR_2 = LocalDate.of(2026, 3, 2);
  private static final LocalDate MAR_3 = LocalDate.of(2026, 3, 3);
  /** Every order of the fixture: S001's and S002's (02-27..03-05) and S004's (04-01..04-14). */
  private static final LocalDate FEB_27 = LocalDate.of(2026, 2, 27);
  private static final LocalDate APR_14 = LocalDate.of(2026, 4, 14);
  private static final List<String> EVERY_STORE = List.of("S001", "S002", "S003", "S004");
  /** The figures of an overview that are sums over orders: a set's is the sum of its stores'. */
  private static final List<String> SUMMED = List.of("orders", "invalid_orders", "items", "revenue", "gross_profit",
    "profit", "gmv", "marketing_cost", "delivery_net_cost", "service_fee", "cost", "rebate");

  private Node node;
  private Pool pool;

  @BeforeAll
  void deployAndLoad() {
    StoreDashConfig config = TestStorage.config(Map.of());
    node = Node.local(config);
    pool = PgPools.create(node.vertx(), config, 1, null);
    node.deploy(QueryService.DESCRIPTOR, 1).await();
    new BulkLoader(node.vertx(), node.signatures(), pool, config.timezone()).load(HandMadeSales.dataset()).await();
  }

  @AfterAll
  void close() {
    node.vertx().close().await();
  }

  /**
   * S001 and S002 over 03-02..03-03 (see OverviewTest). S001: A2 and A3 — orders 2, items 5, revenue 39.00, 利润额
   * 11.00, profit 3.00, GMV 44.01, marketing 3.00, delivery net 6.00, fee 2.00, cost 28.00, 动销 P1, P2, P3. S002:
   * B1 — orders 1, items 4, revenue 12.00, 利润额 4.00, profit −1.00, GMV 16.00, marketing 0, delivery net 2.00, fee
   * 1.00, cost 8.00, 动销 P1. The set: orders 3, items 9, revenue 51.00, 利润额 15.00, profit 2.00, 客单价 51 / 3 =
   * 17.00, 利润率 2 / 51 = 0.0392, GMV 60.01, marketing 3.00 (rate 3 / 60.01 = 0.0500), delivery net 8.00, fee 3.00,
   * cost 36.00, 动销 3 (P1 counts once). Previous (02-28..03-01): A1 alone, 1 order.
   */
  @Test
  void aSetOfTwoStoresAddsTheirFigures() {
    String text = written(DashboardQuery.of(QueryKind.OVERVIEW, "all", MAR_2, MAR_3).restrictedTo(List.of("S002", "S001")));
    JsonObject set = new JsonObject(text);
    assertThat(set.getString("store")).isEqualTo("all");
    assertThat(text).contains("\"kpis\":{\"orders\":3,\"invalid_orders\":0,\"items\":9,"
      + "\"revenue\":51.00,\"gross_profit\":15.00,\"profit\":2.00,\"aov\":17.00,\"profit_margin\":0.0392,"
      + "\"gmv\":60.01,\"marketing_cost\":3.00,\"marketing_rate\":0.0500,\"delivery_net_cost\":8.00,"
      + "\"service_fee\":3.00,\"profit_per_order\":0.67,\"marketing_per_order\":1.00,\"delivery_per_order\":2.67,"
      + "\"cost\":36.00,\"rebate\":0.00,\"active_products\":3}");
    assertThat(set.getJsonObject("previous").getLong("orders")).isEqualTo(1);
  }

  /** Over every order of the fixture, S001 and S004 without S002: their figures added, not the chain's. */
  @Test
  void aSetLeavesOutTheStoresNotInIt() {
    DashboardQuery all = DashboardQuery.of(QueryKind.OVERVIEW, "all", FEB_27, APR_14);
    JsonObject set = compute(all.restrictedTo(List.of("S001", "S004"))).getJsonObject("kpis");
    JsonObject s001 = compute(DashboardQuery.of(QueryKind.OVERVIEW, "S001", FEB_27, APR_14)).getJsonObject("kpis");
    JsonObject s004 = compute(DashboardQuery.of(QueryKind.OVERVIEW, "S004", FEB_27, APR_14)).getJsonObject("kpis");
    JsonObject chain = compute(all).getJsonObject("kpis");
    for (String figure : SUMMED) {
      assertThat(set.getNumber(figure).doubleValue()).as(figure)
        .isCloseTo(s001.getNumber(figure).doubleValue() + s004.getNumber(figure).doubleValue(), org.assertj.core.data.Offset.offset(0.001));
    }
    // S001's 7 orders (A5, A1, A2, A3, A4 valid; A6 not) and S004's 6; S002's B1 and B2 are the chain's only.
    assertThat(set.getLong("orders")).isEqualTo(5 + 6);
    assertThat(chain.getLong("orders")).isEqualTo(5 + 6 + 2);
    // P1, P2, P3 of S001 and D1..D5 of S004: distinct products over the set.
    assertThat(set.getLong("active_products")).isEqualTo(8);
  }

  /** Every kind that answers for all, over a range and over the default range: the set of every store is the chain. */
  @Test
  void aSetOfEveryStoreAnswersAsTheChain() {
    for (QueryKind kind : rangedKinds()) {
      for (LocalDate[] range : List.of(new LocalDate[] {FEB_27, APR_14}, new LocalDate[] {MAR_2, MAR_3}, new LocalDate[] {null, null})) {
        DashboardQuery chain = DashboardQuery.of(kind, "all", range[0], range[1]);
        assertThat(withoutStore(compute(chain.restrictedTo(EVERY_STORE)))).as(chain.canonical())
          .isEqualTo(withoutStore(compute(chain)));
      }
    }
    // The action list is of one day, not a range (docs/DESIGN.md §14.1).
    for (Map<String, String> day : List.of(Map.of("day", MAR_2.toString()), Map.<String, String>of())) {
      DashboardQuery chain = DashboardQuery.of(QueryKind.ACTIONS, "all", null, null, day);
      assertThat(compute(chain.restrictedTo(EVERY_STORE))).as(chain.canonical()).isEqualTo(compute(chain));
    }
    for (String metric : List.of("profit", "orders", "profit_margin", "growth")) {
      DashboardQuery ranking = DashboardQuery.of(QueryKind.RANKING, "all", FEB_27, APR_14, Map.of("metric", metric));
      assertThat(compute(ranking.restrictedTo(EVERY_STORE))).isEqualTo(compute(ranking));
    }
  }

  /** A set of one store answers as that store, for every kind a store answers; only {@code store} says {@code all}. */
  @Test
  void aSetOfOneStoreAnswersAsThatStore() {
    for (QueryKind kind : rangedKinds()) {
      if (kind == QueryKind.STORES || kind == QueryKind.RANKING) {
        continue;
      }
      for (String store : List.of("S001", "S004")) {
        for (LocalDate[] range : List.of(new LocalDate[] {FEB_27, APR_14}, new LocalDate[] {null, null})) {
          DashboardQuery one = DashboardQuery.of(kind, store, range[0], range[1]);
          JsonObject set = compute(DashboardQuery.of(kind, "all", range[0], range[1]).restrictedTo(List.of(store)));
          assertThat(set.getString("store")).isEqualTo("all");
          assertThat(withoutStore(set)).as(one.canonical()).isEqualTo(withoutStore(compute(one)));
        }
      }
    }
  }

  @Test
  void rankingAndTheStoreListOfASetHoldOnlyItsStores() {
    List<String> set = List.of("S004", "S002");
    JsonArray ranked = compute(DashboardQuery.of(QueryKind.RANKING, "all", FEB_27, APR_14).restrictedTo(set))
      .getJsonArray("stores");
    // S004's revenue is more than S002's 42.00: it ranks first, and ranks go 1, 2 within the set.
    assertThat(ranked.stream().map(s -> ((JsonObject) s).getString("code")).toList()).containsExactly("S004", "S002");
    assertThat(ranked.stream().map(s -> ((JsonObject) s).getInteger("rank")).toList()).containsExactly(1, 2);
    JsonObject chainS002 = compute(DashboardQuery.of(QueryKind.RANKING, "all", FEB_27, APR_14)).getJsonArray("stores")
      .stream().map(JsonObject.class::cast).filter(s -> "S002".equals(s.getString("code"))).findFirst().orElseThrow();
    JsonObject setS002 = ranked.getJsonObject(1);
    assertThat(setS002.copy().put("rank", 0)).isEqualTo(chainS002.copy().put("rank", 0));

    assertThat(compute(DashboardQuery.of(QueryKind.STORES, "all", null, null).restrictedTo(set)).getJsonArray("stores")
      .stream().map(store -> ((JsonObject) store).getString("code") + " " + ((JsonObject) store).getString("name") + " "
        + ((JsonObject) store).getString("city")))
      .containsExactly("S002 中山路店 上海", "S004 解放路店 深圳");
  }

  /** A caller with no store: zeros and empty lists, never a failure nor the chain's figures. */
  @Test
  void anEmptySetAnswersZerosAndEmptyLists() {
    String text = written(DashboardQuery.of(QueryKind.OVERVIEW, "all", FEB_27, APR_14).restrictedTo(List.of()));
    JsonObject overview = new JsonObject(text);
    assertThat(overview.getJsonObject("kpis").getLong("orders")).isZero();
    assertThat(overview.getJsonObject("kpis").getLong("invalid_orders")).isZero();
    assertThat(overview.getJsonObject("kpis").getLong("active_products")).isZero();
    assertThat(text).contains("\"revenue\":0.00,", "\"profit\":0.00,");
    assertThat(overview.getJsonObject("previous").getLong("orders")).isZero();
    JsonObject trend = compute(DashboardQuery.of(QueryKind.TREND, "all", MAR_2, MAR_3).restrictedTo(List.of()));
    assertThat(trend.getJsonArray("days")).hasSize(2);
    assertThat(trend.getJsonArray("days").stream().map(d -> ((JsonObject) d).getLong("orders")).toList()).containsOnly(0L);
    assertThat(compute(DashboardQuery.of(QueryKind.CHANNELS, "all", FEB_27, APR_14).restrictedTo(List.of()))
      .getJsonArray("channels")).isEmpty();
    assertThat(compute(DashboardQuery.of(QueryKind.CATEGORIES, "all", FEB_27, APR_14).restrictedTo(List.of()))
      .getJsonArray("categories")).isEmpty();
    JsonObject hours = compute(DashboardQuery.of(QueryKind.HOURS, "all", FEB_27, APR_14).restrictedTo(List.of()));
    assertThat(hours.getJsonArray("hours").stream().map(h -> ((JsonObject) h).getLong("orders")).toList()).hasSize(24).containsOnly(0L);
    assertThat(compute(DashboardQuery.of(QueryKind.RANKING, "all", FEB_27, APR_14).restrictedTo(List.of()))
      .getJsonArray("stores")).isEmpty();
    assertThat(compute(DashboardQuery.of(QueryKind.STORES, "all", null, null).restrictedTo(List.of()))
      .getJsonArray("stores")).isEmpty();
    // Without any data, the default range ends today in the configured zone, as for the chain without data.
    JsonObject byDefault = compute(DashboardQuery.of(QueryKind.OVERVIEW, "all", null, null).restrictedTo(List.of()));
    assertThat(LocalDate.parse(byDefault.getString("to"))).isAfterOrEqualTo(LocalDate.now(java.time.ZoneId.of("Asia/Shanghai")).minusDays(1));
  }

  /** Codes no store has are left out, as if the set did not name them: the gateway's set may be older than a store's removal. */
  @Test
  void unknownCodesInASetAreIgnored() {
    for (QueryKind kind : allCapableKinds()) {
      DashboardQuery all = DashboardQuery.of(kind, "all", null, null);
      assertThat(compute(all.restrictedTo(List.of("S001", "S999", "s002")))).as(kind.wireName())
        .isEqualTo(compute(all.restrictedTo(List.of("S001"))));
    }
    assertThat(compute(DashboardQuery.of(QueryKind.OVERVIEW, "all", FEB_27, APR_14).restrictedTo(List.of("S999")))
      .getJsonObject("kpis").getLong("orders")).isZero();
  }

  /** The kinds that allow all and take a range: every one but the action list, which takes a day. */
  private static List<QueryKind> rangedKinds() {
    return allCapableKinds().stream().filter(kind -> kind != QueryKind.ACTIONS).toList();
  }

  /** A set of one store's action list is that store's, with the set's own part: each store's counts. */
  @Test
  void aSetOfOneStoresActionsAreThatStores() {
    for (String store : List.of("S001", "S004")) {
      DashboardQuery one = DashboardQuery.of(QueryKind.ACTIONS, store, null, null);
      JsonObject set = compute(DashboardQuery.of(QueryKind.ACTIONS, "all", null, null).restrictedTo(List.of(store)));
      assertThat(set.getJsonArray("stores").size()).isEqualTo(1);
      set.remove("stores");
      assertThat(withoutStore(set)).as(one.canonical()).isEqualTo(withoutStore(compute(one)));
    }
  }

  private static List<QueryKind> allCapableKinds() {
    return Arrays.stream(QueryKind.values()).filter(QueryKind::allowsAllStores).toList();
  }

  private static JsonObject withoutStore(JsonObject answer) {
    JsonObject copy = answer.copy();
    copy.remove("store");
    return copy;
  }

  private JsonObject compute(DashboardQuery query) {
    return new JsonObject(written(query));
  }

  /** The answer as query-service writes it (a JsonObject read back would drop the zeros of 51.00). */
  private String written(DashboardQuery query) {
    return node.vertx().eventBus().<Buffer>request(Addresses.DASHBOARD_COMPUTE, query.toJson()).await().body().toString();
  }
}
