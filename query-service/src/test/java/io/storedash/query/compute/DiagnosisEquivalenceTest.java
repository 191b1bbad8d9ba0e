package io.storedash.query.compute;

import io.storedash.common.DashboardQuery;
import io.storedash.common.QueryKind;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestStorage;
import io.storedash.query.diagnosis.HealthFlag;
import io.storedash.query.diagnosis.ProductDiagnosis;
import io.storedash.query.diagnosis.ProductPeriod;
import io.storedash.query.diagnosis.Quadrant;
import io.storedash.query.metrics.DayRange;
import io.storedash.query.metrics.ProductSales;
import io.storedash.query.storage.Migrations;
import io.storedash.query.storage.PgPools;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The diagnosis PostgreSQL computes a page at a time ({@link DiagnosisQuery}) is the reference's
 * ({@link ProductDiagnosis#diagnose}, the rules of docs/DESIGN.md §4.4 in Java) to the byte, for random stores made to
 * hit the edges: even and odd counts, ties of quantity and of margin at the medians, products without revenue, with a
 * negative revenue or list revenue, refunds, consumables (left out), one-day and odd ranges; every page, quadrant and
 * flag.
 */
class DiagnosisEquivalenceTest {

  private static final LocalDate LAST = LocalDate.of(2026, 6, 30);
  private static final int STORES = 8;
  private static Vertx vertx;
  private static Pool pool;
  private static Computations computations;
  /** Per store code: day → product index → {quantity, revenue, cost, list revenue, orders}. */
  private static final Map<String, Map<LocalDate, Map<Integer, long[]>>> SALES = new LinkedHashMap<>();
  private static final List<String> CATEGORIES = List.of("饮料", "零食", "生鲜", "耗材");

  @BeforeAll
  static void generate() {
    StoreDashConfig config = TestStorage.config(Map.of());
    Migrations.migrate(config);
    vertx = Vertx.vertx();
    pool = PgPools.create(vertx, config, 2, null);
    computations = new Computations(pool, ZoneId.of("Asia/Shanghai"));
    List<Tuple> products = new ArrayList<>();
    for (int p = 0; p < 400; p++) {
      products.add(Tuple.of("P" + p, "商品" + p, CATEGORIES.get(p % 37 == 0 ? 3 : p % 3)));
    }
    pool.preparedQuery("INSERT INTO products (sku, name, category) VALUES ($1, $2, $3)").executeBatch(products).await();
    List<Tuple> rows = new ArrayList<>();
    for (int s = 0; s < STORES; s++) {
      String code = "E" + s;
      SplittableRandom random = new SplittableRandom(1000 + s);
      int productCount = s == 0 ? 1 : s == 1 ? 2 : 20 + random.nextInt(380);
      pool.preparedQuery("INSERT INTO stores (code, name, first_day, last_day) VALUES ($1, $1, $2, $3)")
        .execute(Tuple.of(code, LAST.minusDays(29), LAST)).await();
      Map<LocalDate, Map<Integer, long[]>> byDay = new HashMap<>();
      for (int p = 0; p < productCount; p++) {
        // Few prices and cost ratios, so that margins and quantities tie often.
        long price = List.of(0L, 250L, 500L, 1000L, 1999L).get(random.nextInt(5));
        long costPct = List.of(40L, 50L, 75L, 100L, 120L).get(random.nextInt(5));
        long listPct = List.of(100L, 100L, 166L, 170L).get(random.nextInt(4));
        int days = 1 + random.nextInt(12);
        for (int d = 0; d < days; d++) {
          LocalDate day = LAST.minusDays(random.nextInt(30));
          long quantity = random.nextInt(10) == 0 ? -random.nextInt(3) : 1 + random.nextInt(random.nextBoolean() ? 4 : 30);
          long[] sums = byDay.computeIfAbsent(day, k -> new HashMap<>()).computeIfAbsent(p, k -> new long[5]);
          sums[0] += quantity;
          sums[1] += quantity * price;
          sums[2] += quantity * price * costPct / 100;
          sums[3] += random.nextInt(15) == 0 ? -price : quantity * price * listPct / 100;
          sums[4] += 1;
        }
      }
      SALES.put(code, byDay);
      byDay.forEach((day, products2) -> products2.forEach((p, v) -> rows.add(Tuple.of(code, day, "P" + p)
        .addLong(v[0]).addLong(v[1]).addLong(v[2]).addLong(v[3]).addLong(v[4]))));
    }
    pool.preparedQuery("INSERT INTO daily_store_product (store_id, day, product_id, quantity, revenue, cost, gross_profit, "
        + "list_revenue, orders, sold_lines) SELECT s.id, $2::date, p.id, $4::int8, $5::int8, $6::int8, $5::int8 - $6::int8, $7::int8, $8::int8, $8::int8 FROM stores s, products p "
        + "WHERE s.code = $1 AND p.sku = $3")
      .executeBatch(rows).await();
  }

  @AfterAll
  static void close() {
    vertx.close().await();
  }

  /** The reference over the rollup rows of one store and range, consumables left out. */
  private static ProductDiagnosis.Result reference(String store, DayRange range) {
    DayRange first = ProductDiagnosis.firstHalf(range);
    DayRange second = ProductDiagnosis.secondHalf(range);
    Map<Integer, long[]> sums = new HashMap<>();
    Map<Integer, LocalDate> last = new HashMap<>();
    SALES.get(store).forEach((day, products) -> {
      if (!range.contains(day)) {
        return;
      }
      products.forEach((p, v) -> {
        if (p % 37 == 0) {
          return;
        }
        long[] s = sums.computeIfAbsent(p, k -> new long[7]);
        for (int i = 0; i < 5; i++) {
          s[i] += v[i];
        }
        s[5] += first != null && first.contains(day) ? v[0] : 0;
        s[6] += second != null && second.contains(day) ? v[0] : 0;
        last.merge(p, day, (a, b) -> a.isAfter(b) ? a : b);
      });
    });
    List<ProductPeriod> periods = new ArrayList<>();
    sums.forEach((p, s) -> periods.add(new ProductPeriod(new ProductSales("P" + p, "商品" + p, CATEGORIES.get(p % 3),
      s[0], s[4], s[1], s[2], s[3]), s[5], s[6], last.get(p))));
    return ProductDiagnosis.diagnose(store, range, periods);
  }

  private static String sql(String store, DayRange range, Map<String, String> params) {
    return computations.answer(DashboardQuery.of(QueryKind.DIAGNOSIS, store, range.from(), range.to(), params))
      .await().encode();
  }

  @Test
  void everyPageQuadrantAndFlagIsTheReferencesToTheByte() {
    List<DayRange> ranges = List.of(new DayRange(LAST.minusDays(29), LAST), new DayRange(LAST.minusDays(14), LAST),
      new DayRange(LAST, LAST), new DayRange(LAST.minusDays(6), LAST.minusDays(1)));
    int compared = 0;
    for (String store : SALES.keySet()) {
      for (DayRange range : ranges) {
        ProductDiagnosis.Result result = reference(store, range);
        int n = result.products().size();
        // Everything on one page, the default page, a middle page and one past the end.
        for (int[] pageSize : List.of(new int[] {1, 500}, new int[] {1, 50}, new int[] {2, 7}, new int[] {n / 7 + 2, 7})) {
          Map<String, String> params = Map.of("page", String.valueOf(pageSize[0]), "size", String.valueOf(pageSize[1]));
          assertThat(sql(store, range, params)).as(store + " " + range + " " + params)
            .isEqualTo(new JsonObject(result.page(null, null, pageSize[0], pageSize[1]).toMap()).encode());
          compared++;
        }
        for (Quadrant q : Quadrant.values()) {
          assertThat(sql(store, range, Map.of("quadrant", q.code(), "size", "500"))).as(store + " " + range + " " + q)
            .isEqualTo(new JsonObject(result.page(q, null, 1, 500).toMap()).encode());
          compared++;
        }
        for (HealthFlag f : HealthFlag.values()) {
          assertThat(sql(store, range, Map.of("flag", f.code(), "size", "3", "page", "2"))).as(store + " " + range + " " + f)
            .isEqualTo(new JsonObject(result.page(null, f, 2, 3).toMap()).encode());
          compared++;
        }
        assertThat(sql(store, range, Map.of("flag", "declining", "quadrant", "star")))
          .isEqualTo(new JsonObject(result.page(Quadrant.STAR, HealthFlag.DECLINING, 1, 50).toMap()).encode());
        compared++;
      }
    }
    System.out.printf("diagnosis: %d pages of %d stores computed in SQL equal the reference%n", compared, SALES.size());
  }

  @Test
  void theFiltersAreTheCommonParameters() {
    assertThat(io.storedash.common.QueryParams.DIAGNOSIS_QUADRANTS)
      .containsExactly(java.util.Arrays.stream(Quadrant.values()).map(Quadrant::code).toArray(String[]::new));
    assertThat(io.storedash.common.QueryParams.DIAGNOSIS_FLAGS)
      .containsExactly(java.util.Arrays.stream(HealthFlag.values()).map(HealthFlag::code).toArray(String[]::new));
  }
}
