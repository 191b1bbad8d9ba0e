package io.storedash.common;

import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DashboardQueryTest {

  private static final LocalDate OCT_1 = LocalDate.of(2026, 10, 1);
  private static final LocalDate OCT_30 = LocalDate.of(2026, 10, 30);

  @Test
  void canonicalFormOrdersParameters() {
    DashboardQuery a = DashboardQuery.of(QueryKind.PRODUCTS, "S001", OCT_1, OCT_30, Map.of("sort", "revenue", "page", "2"));
    DashboardQuery b = DashboardQuery.of(QueryKind.PRODUCTS, "S001", OCT_1, OCT_30, Map.of("page", "2", "sort", "revenue"));
    assertThat(a.canonical()).isEqualTo("products|S001|2026-10-01|2026-10-30|page=2&size=20&sort=revenue");
    assertThat(a).isEqualTo(b);
    assertThat(a.hashCode()).isEqualTo(b.hashCode());
  }

  @Test
  void defaultParametersAreFilledIn() {
    assertThat(DashboardQuery.of(QueryKind.ORDERS, "S001", null, null).canonical()).isEqualTo("orders|S001|-|-|page=1&size=50");
    assertThat(DashboardQuery.of(QueryKind.RANKING, "all", null, null, Map.of("metric", "profit")).param("metric", null)).isEqualTo("profit");
  }

  @Test
  void absentRangeIsPartOfTheCanonicalForm() {
    assertThat(DashboardQuery.of(QueryKind.OVERVIEW, "all", null, null).canonical()).isEqualTo("overview|all|-|-|");
  }

  @Test
  void jsonRoundTripKeepsEverything() {
    DashboardQuery q = DashboardQuery.of(QueryKind.ORDERS, "S-7", OCT_1, OCT_30, Map.of("page", "3", "size", "50"));
    DashboardQuery back = DashboardQuery.fromJson(q.toJson());
    assertThat(back.canonical()).isEqualTo(q.canonical());
    assertThat(back.from()).isEqualTo(OCT_1);
    assertThat(back.param("size", "20")).isEqualTo("50");
  }

  @Test
  void storesAndRankingAlwaysCoverTheChain() {
    assertThat(DashboardQuery.of(QueryKind.RANKING, null, OCT_1, OCT_30).store()).isEqualTo("all");
  }

  @Test
  void badInputIsRefusedWithAReason() {
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.OVERVIEW, "S 1; DROP", null, null))
      .hasMessageContaining("store must be");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.OVERVIEW, "S001", OCT_30, OCT_1))
      .hasMessageContaining("is after");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.OVERVIEW, "S001", OCT_1.minusDays(400), OCT_1))
      .hasMessageContaining("401 days");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.OVERVIEW, "S001", OCT_1, null))
      .hasMessageContaining("together");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.DIAGNOSIS, "all", null, null))
      .hasMessageContaining("single store");
    assertThatThrownBy(() -> DashboardQuery.fromJson(new io.vertx.core.json.JsonObject().put("kind", "nope")))
      .hasMessageContaining("unknown query kind");
    assertThatThrownBy(() -> DashboardQuery.parseDay("from", "2026-13-01"))
      .hasMessageContaining("from must be a date");
  }

  @Test
  void parametersAreCheckedPerKind() {
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.PRODUCTS, "S001", null, null, Map.of("sort", "price")))
      .hasMessageContaining("sort must be one of [revenue, quantity, gross_profit, gross_margin, orders], got 'price'");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.PRODUCTS, "S001", null, null, Map.of("size", "500")))
      .hasMessageContaining("size must be a whole number from 1 to 200, got 500");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.ORDERS, "S001", null, null, Map.of("page", "0")))
      .hasMessageContaining("page must be");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.RANKING, "all", null, null, Map.of("metric", "x")))
      .hasMessageContaining("metric must be one of");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.OVERVIEW, "S001", null, null, Map.of("sort", "revenue")))
      .hasMessageContaining("overview takes no parameter 'sort'");
    assertThat(DashboardQuery.of(QueryKind.ORDERS, "S001", null, null, Map.of("size", "500")).param("size", null)).isEqualTo("500");
  }

  /** Every list is paged and capped (docs/DESIGN.md §12.4); the default page is one cache entry with or without it. */
  @Test
  void diagnosisAndRankingArePagedAndCapped() {
    DashboardQuery diagnosis = DashboardQuery.of(QueryKind.DIAGNOSIS, "S001", null, null);
    assertThat(diagnosis.canonical()).isEqualTo("diagnosis|S001|-|-|page=1&size=50");
    assertThat(DashboardQuery.of(QueryKind.DIAGNOSIS, "S001", null, null, Map.of("page", "1", "size", "50"))).isEqualTo(diagnosis);
    assertThat(DashboardQuery.of(QueryKind.DIAGNOSIS, "S001", null, null, Map.of("quadrant", "laggard", "flag", "declining"))
      .canonical()).isEqualTo("diagnosis|S001|-|-|flag=declining&page=1&quadrant=laggard&size=50");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.DIAGNOSIS, "S001", null, null, Map.of("size", "501")))
      .hasMessageContaining("size must be a whole number from 1 to 500, got 501");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.DIAGNOSIS, "S001", null, null, Map.of("quadrant", "Star")))
      .hasMessageContaining("quadrant must be one of [star, traffic, potential, laggard], got 'Star'");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.DIAGNOSIS, "S001", null, null, Map.of("flag", "slow")))
      .hasMessageContaining("flag must be one of [negative_margin, declining, markdown_dependent, slow_moving]");
    assertThat(DashboardQuery.of(QueryKind.RANKING, "all", null, null).canonical())
      .isEqualTo("ranking|all|-|-|metric=revenue&page=1&size=100");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.RANKING, "all", null, null, Map.of("size", "1001")))
      .hasMessageContaining("size must be a whole number from 1 to 1000, got 1001");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.PRODUCTS, "S001", null, null, Map.of("quadrant", "star")))
      .hasMessageContaining("products takes no parameter 'quadrant'");
  }

  @Test
  void aRangeOf366DaysIsAllowed() {
    assertThat(DashboardQuery.of(QueryKind.TREND, "S001", OCT_1.minusDays(365), OCT_1).from()).isEqualTo(OCT_1.minusDays(365));
  }

  @Test
  void aSetOfStoresIsKeptSortedAndDistinctAndKeyedByAHashOfIt() {
    DashboardQuery all = DashboardQuery.of(QueryKind.OVERVIEW, "all", OCT_1, OCT_30);
    DashboardQuery set = all.restrictedTo(List.of("S002", "S001", "S002"));
    assertThat(set.stores()).containsExactly("S001", "S002");
    assertThat(set.restricted()).isTrue();
    assertThat(set.store()).isEqualTo("all");
    assertThat(set.coversAllStores()).isTrue();
    // The part is all~2. and the first 32 hex digits of SHA-256 of "S001,S002".
    assertThat(set.canonical()).isEqualTo("overview|all~2.f992dfa62cb91de1a9cae3f50275a610|2026-10-01|2026-10-30|");
    assertThat(set.canonical()).doesNotContain("*", "?", "[", "]", "{", "}");
    assertThat(all.restricted()).isFalse();
    assertThat(all.stores()).isNull();
    assertThat(all.canonical()).isEqualTo("overview|all|2026-10-01|2026-10-30|");
  }

  @Test
  void theSameSetInAnotherOrderIsTheSameQueryAndAnotherSetIsNot() {
    DashboardQuery all = DashboardQuery.of(QueryKind.RANKING, "all", OCT_1, OCT_30, Map.of("metric", "profit"));
    DashboardQuery ab = all.restrictedTo(List.of("S001", "S002"));
    DashboardQuery ba = all.restrictedTo(List.of("S002", "S001"));
    DashboardQuery ac = all.restrictedTo(List.of("S001", "S003"));
    DashboardQuery a = all.restrictedTo(List.of("S001"));
    DashboardQuery none = all.restrictedTo(List.of());
    assertThat(ab).isEqualTo(ba);
    assertThat(ab.hashCode()).isEqualTo(ba.hashCode());
    assertThat(ab.canonical()).isEqualTo(ba.canonical()).endsWith("|2026-10-01|2026-10-30|metric=profit&page=1&size=100");
    assertThat(List.of(all, ab, ac, a, none).stream().map(DashboardQuery::canonical).distinct()).hasSize(5);
    assertThat(ab).isNotEqualTo(all).isNotEqualTo(ac);
    assertThat(none.stores()).isEmpty();
    assertThat(none.canonical()).startsWith("ranking|all~0.");
    // The set part is not a store code: no single store's query shares it.
    assertThat(DashboardQuery.isStoreCode(ab.canonical().split("\\|")[1])).isFalse();
  }

  @Test
  void aSetTravelsInJsonAndComesBackEqual() {
    DashboardQuery set = DashboardQuery.of(QueryKind.TREND, "all", null, null).restrictedTo(List.of("S-7", "S001"));
    JsonObject json = set.toJson();
    assertThat(json.getJsonArray("stores")).isEqualTo(new JsonArray().add("S-7").add("S001"));
    DashboardQuery back = DashboardQuery.fromJson(json);
    assertThat(back).isEqualTo(set);
    assertThat(back.stores()).containsExactly("S-7", "S001");
    assertThat(DashboardQuery.fromJson(json.copy().put("stores", new JsonArray())).stores()).isEmpty();
    JsonObject unrestricted = DashboardQuery.of(QueryKind.TREND, "all", null, null).toJson();
    assertThat(unrestricted.containsKey("stores")).isFalse();
    assertThat(DashboardQuery.fromJson(unrestricted).restricted()).isFalse();
  }

  @Test
  void onlyAQueryOverAllCanBeRestricted() {
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.OVERVIEW, "S001", null, null).restrictedTo(List.of("S001")))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("only a query over 'all'");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.PRODUCTS, "S001", null, null).restrictedTo(List.of("S001")))
      .isInstanceOf(IllegalArgumentException.class);
    // Every kind that allows all can be restricted; stores and ranking always cover all.
    for (QueryKind kind : QueryKind.values()) {
      if (kind.allowsAllStores()) {
        assertThat(DashboardQuery.of(kind, "all", null, null).restrictedTo(List.of("S001")).restricted()).isTrue();
      }
    }
    assertThatThrownBy(() -> DashboardQuery.fromJson(new JsonObject().put("kind", "orders").put("store", "S001")
      .put("stores", new JsonArray().add("S001")))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aSetHoldsOnlyStoreCodesAndAtMostTenThousand() {
    DashboardQuery all = DashboardQuery.of(QueryKind.STORES, "all", null, null);
    assertThatThrownBy(() -> all.restrictedTo(List.of("S001", "all"))).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("got 'all'");
    assertThatThrownBy(() -> all.restrictedTo(List.of("S 1; DROP"))).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("store codes");
    assertThatThrownBy(() -> all.restrictedTo(java.util.Arrays.asList("S001", null))).isInstanceOf(IllegalArgumentException.class);
    List<String> most = IntStream.range(0, DashboardQuery.MAX_SET_STORES).mapToObj(i -> "S" + i).toList();
    assertThat(all.restrictedTo(most).stores()).hasSize(10_000);
    List<String> tooMany = IntStream.rangeClosed(0, DashboardQuery.MAX_SET_STORES).mapToObj(i -> "S" + i).toList();
    assertThatThrownBy(() -> all.restrictedTo(tooMany)).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("at most 10000");
    assertThatThrownBy(() -> DashboardQuery.fromJson(all.toJson().put("stores", new JsonArray(tooMany))))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at most 10000");
  }

  @Test
  void aSetOfTheWrongJsonTypeIsABadRequest() {
    JsonObject json = DashboardQuery.of(QueryKind.OVERVIEW, "all", null, null).toJson();
    assertThatThrownBy(() -> DashboardQuery.fromJson(json.copy().put("stores", "S001")))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stores as an array of strings");
    assertThatThrownBy(() -> DashboardQuery.fromJson(json.copy().put("stores", new JsonArray().add(1))))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("got 1");
    assertThatThrownBy(() -> DashboardQuery.fromJson(json.copy().put("stores", new JsonArray().add(new JsonObject()))))
      .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> DashboardQuery.fromJson(json.copy().put("stores", new JsonArray().addNull())))
      .isInstanceOf(IllegalArgumentException.class);
  }

  /** The gateway checks part by part without building queries; each check must say what {@code of} says. */
  /** The 今日必做 list is of one day: {@code day} names it, a range is refused, and so is a day that is no date. */
  @Test
  void actionsTakeADayNotARange() {
    DashboardQuery day = DashboardQuery.of(QueryKind.ACTIONS, "S001", null, null, Map.of("day", "2026-05-20"));
    assertThat(day.canonical()).isEqualTo("actions|S001|-|-|day=2026-05-20");
    assertThat(DashboardQuery.of(QueryKind.ACTIONS, "all", null, null).restrictedTo(List.of("S001")).restricted()).isTrue();
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.ACTIONS, "S001", LocalDate.of(2026, 5, 1), LocalDate.of(2026, 5, 20)))
      .hasMessageContaining("actions takes day");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.ACTIONS, "S001", null, null, Map.of("day", "2026-02-30")))
      .hasMessageStartingWith("day must be a date");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.ACTIONS, "S001", null, null, Map.of("day", "1999-12-31")))
      .hasMessageStartingWith("day must be a date from 2000-01-01");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.ACTIONS, "S001", null, null, Map.of("page", "1")))
      .hasMessageContaining("actions takes no parameter 'page'");
  }

  @Test
  void partChecksRefuseWhatOfRefusesWithTheSameSentence() {
    for (String store : new String[] {"S001", "all", "bad code!", "", "x".repeat(33)}) {
      for (QueryKind kind : QueryKind.values()) {
        String viaOf = message(() -> DashboardQuery.of(kind, store, null, null));
        String viaCheck = message(() -> DashboardQuery.checkStoreOf(kind, store));
        assertThat(viaCheck).as(kind + " " + store).isEqualTo(viaOf);
      }
    }
    assertThat(DashboardQuery.checkStoreOf(QueryKind.RANKING, "S001")).isEqualTo("all");
    String[][] params = {{"sort", "revenue"}, {"sort", "nope"}, {"page", "0"}, {"page", "2"}, {"size", "100000"},
      {"metric", "profit"}, {"metric", "x y"}, {"Bad", "1"}, {"page", "1".repeat(70)}};
    for (String[] p : params) {
      for (QueryKind kind : QueryKind.values()) {
        if (!QueryParams.namesOf(kind).contains(p[0]) && !p[0].equals("Bad")) {
          continue;
        }
        String store = kind.allowsAllStores() ? "all" : "S001";
        String viaOf = message(() -> DashboardQuery.of(kind, store, null, null, Map.of(p[0], p[1])));
        String viaCheck = message(() -> DashboardQuery.checkParam(kind, p[0], p[1]));
        assertThat(viaCheck).as(kind + " " + p[0] + "=" + p[1]).isEqualTo(viaOf);
      }
    }
  }

  private static String message(Runnable check) {
    try {
      check.run();
      return null;
    } catch (IllegalArgumentException e) {
      return e.getMessage();
    }
  }

  /**
   * The order search is free text (issue 19): any character but control characters, at most 64, and in the canonical
   * form only as hex, so no | & = * ? [ or space of it can change the form's parts or reach a Redis pattern.
   */
  @Test
  void theOrderSearchIsTextKeptOutOfTheCanonicalFormsSyntax() {
    DashboardQuery search = DashboardQuery.of(QueryKind.ORDERS, "S001", OCT_1, OCT_30, Map.of("q", "可乐|a=b&*?[%_"));
    assertThat(search.canonical()).isEqualTo("orders|S001|2026-10-01|2026-10-30|page=1&q=x"
      + java.util.HexFormat.of().formatHex("可乐|a=b&*?[%_".getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "&size=50");
    assertThat(search.canonical().substring(search.canonical().indexOf("q="))).matches("q=x[0-9a-f]+&size=50");
    assertThat(DashboardQuery.fromJson(search.toJson())).isEqualTo(search);
    assertThat(search.param("q", null)).isEqualTo("可乐|a=b&*?[%_");
    assertThat(DashboardQuery.of(QueryKind.ORDERS, "S001", null, null, Map.of("q", "x".repeat(64))).param("q", null)).hasSize(64);
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.ORDERS, "S001", null, null, Map.of("q", "x".repeat(65))))
      .hasMessageStartingWith("q must be the text to search for").hasMessageContaining("1 to 64 characters");
    // 64 characters, not UTF-16 units: a character outside the BMP is one.
    assertThat(DashboardQuery.of(QueryKind.ORDERS, "S001", null, null, Map.of("q", "𠮷".repeat(64))).param("q", null))
      .hasSize(128);
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.ORDERS, "S001", null, null, Map.of("q", "a\nb")))
      .hasMessageStartingWith("q must be the text to search for");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.ORDERS, "S001", null, null, Map.of("q", " ")))
      .hasMessageStartingWith("q must be the text to search for");
    // Only the order search is free text.
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.ORDERS, "S001", null, null, Map.of("channel", "美团")))
      .hasMessageContaining("channel");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.PRODUCTS, "S001", null, null, Map.of("q", "x")))
      .hasMessageContaining("products takes no parameter 'q'");
  }

  /** One day is the range from it to it, the same query and key; latest is resolved by query-service. */
  @Test
  void aDayIsARangeOfOneDay() {
    assertThat(DashboardQuery.of(QueryKind.ORDERS, "S001", null, null, Map.of("day", "2026-10-01")))
      .isEqualTo(DashboardQuery.of(QueryKind.ORDERS, "S001", OCT_1, OCT_1));
    DashboardQuery latest = DashboardQuery.of(QueryKind.ORDERS, "S001", null, null, Map.of("day", "latest"));
    assertThat(latest.canonical()).isEqualTo("orders|S001|-|-|day=latest&page=1&size=50");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.ORDERS, "S001", OCT_1, OCT_30, Map.of("day", "latest")))
      .hasMessage("day replaces from and to: give day, or from and to");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.ORDERS, "S001", null, null, Map.of("day", "yesterday")))
      .hasMessage("day must be a date like 2026-10-01 or 'latest', got 'yesterday'");
  }

  @Test
  void amountsAreYuanWithTwoDecimalsInOrder() {
    assertThat(QueryParams.cents("min_amount", "12.5")).isEqualTo(1250);
    assertThat(QueryParams.cents("min_amount", "-3.05")).isEqualTo(-305);
    assertThat(QueryParams.cents("max_amount", "999999999.99")).isEqualTo(99_999_999_999L);
    for (String bad : List.of("1.005", "1e3", "1,000", "0x10", "1234567890", ".5", "-", "NaN")) {
      assertThatThrownBy(() -> DashboardQuery.of(QueryKind.ORDERS, "S001", null, null, Map.of("min_amount", bad)))
        .as(bad).hasMessageContaining("min_amount");
    }
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.ORDERS, "S001", null, null,
      Map.of("min_amount", "30", "max_amount", "29.99"))).hasMessage("max_amount (29.99) is below min_amount (30)");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.ORDERS, "S001", null, null, Map.of("group", "day")))
      .hasMessage("group must be one of [order], got 'day'");
  }

  @Test
  void losingProductsIsAKindOfTheChainOrOneStore() {
    assertThat(QueryKind.fromWire("losing-products")).isEqualTo(QueryKind.LOSING_PRODUCTS);
    assertThat(DashboardQuery.of(QueryKind.LOSING_PRODUCTS, "all", null, null).restrictedTo(List.of("S002", "S001"))
      .canonical()).startsWith("losing-products|all~2.").endsWith("|-|-|page=1&size=50");
    assertThatThrownBy(() -> DashboardQuery.of(QueryKind.LOSING_PRODUCTS, "all", null, null, Map.of("size", "201")))
      .hasMessageContaining("size must be a whole number from 1 to 200");
  }
}
