package io.storedash.query.compute;

import io.storedash.common.DashboardQuery;
import io.storedash.common.QueryKind;
import io.storedash.query.diagnosis.DiagnosisPage;
import io.storedash.query.diagnosis.HealthFlag;
import io.storedash.query.diagnosis.ProductDiagnosis;
import io.storedash.query.diagnosis.ProductHealth;
import io.storedash.query.diagnosis.ProductPeriod;
import io.storedash.query.diagnosis.Quadrant;
import io.storedash.query.metrics.DayRange;
import io.storedash.query.metrics.Figures;
import io.storedash.query.metrics.ProductSales;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;

import java.math.BigDecimal;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code diagnosis}: one page of a store's product-health diagnosis, with the summaries over every product (medians,
 * quadrants, flags, health), all computed by PostgreSQL in one statement, so the answer and the work on the event
 * loop stay the size of a page however many products the store sells (docs/DESIGN.md §12.4). The rules are those of
 * {@link ProductDiagnosis} (the reference, §4.4), written in SQL with exact integer and numeric comparisons:
 * <ul>
 *   <li>medians: the lower and upper middle values ({@code percentile_disc(0.5)} ascending and descending; equal for an
 *       odd count); a quantity is high when 2·q ≥ lower + upper; a margin g/r is ordered by a 40-decimal key (distinct
 *       ratios of cent sums never share one), the middle products' (g, r) are found by it, and a margin is high when
 *       2·g·r₁·r₂ ≥ r·(g₁·r₂ + g₂·r₁) with every denominator made positive: no rounding decides a quadrant (a
 *       margin farther than 10⁻⁹ from the median, relatively, is judged in float8 first: its error is 10⁻¹⁶);</li>
 *   <li>flags: gross profit &lt; 0; first half ≥ 10 and 10·(second − first) ≤ −3·first; 10·(list − revenue) ≥ 4·list
 *       (≤ for a negative list revenue); 7 days or more since the last sale.</li>
 * </ul>
 * Only the page's rows reach Java, already sorted (worst score first, then highest revenue, then sku) and cut.
 */
final class DiagnosisQuery implements KindQuery {

  /** Per product over the range: $1 from, $2 to, $3 store, $4 last day of the first half, $5 first of the second. */
  private static final String SQL = """
    WITH x AS MATERIALIZED (
      SELECT product_id, sum(quantity)::int8 AS q, sum(orders)::int8 AS orders, sum(revenue)::int8 AS r,
             sum(cost)::int8 AS c, sum(list_revenue)::int8 AS l,
             coalesce(sum(quantity) FILTER (WHERE day <= $4), 0)::int8 AS f,
             coalesce(sum(quantity) FILTER (WHERE day >= $5), 0)::int8 AS s,
             max(day) AS last_sale
      FROM daily_store_product
      WHERE day BETWEEN $1 AND $2 AND store_id = $3 AND %s
      GROUP BY product_id),
    m AS MATERIALIZED (
      SELECT (r - c)::numeric(60, 40) / r AS k, CASE WHEN r < 0 THEN c - r ELSE r - c END AS g, abs(r) AS r
      FROM x WHERE r <> 0),
    med AS (
      SELECT (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY q) FROM x) AS q_lo,
             (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY q DESC) FROM x) AS q_hi,
             (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY k) FROM m) AS k_lo,
             (SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY k DESC) FROM m) AS k_hi),
    mm AS (
      SELECT med.q_lo, med.q_hi, lo.g::numeric AS g_lo, lo.r::numeric AS r_lo, hi.g::numeric AS g_hi,
             hi.r::numeric AS r_hi, (lo.g::float8 / lo.r + hi.g::float8 / hi.r) / 2 AS m_approx
      FROM med
      LEFT JOIN LATERAL (SELECT g, r FROM m WHERE k = med.k_lo LIMIT 1) lo ON true
      LEFT JOIN LATERAL (SELECT g, r FROM m WHERE k = med.k_hi LIMIT 1) hi ON true),
    c AS (
      SELECT x.*,
             2 * x.q >= mm.q_lo + mm.q_hi AS high_q,
             coalesce(x.r <> 0 AND CASE
               WHEN abs((x.r - x.c)::float8 / x.r - mm.m_approx) > 1e-9 * greatest(1, abs(mm.m_approx))
                 THEN (x.r - x.c)::float8 / x.r > mm.m_approx
               ELSE 2 * (CASE WHEN x.r < 0 THEN x.c - x.r ELSE x.r - x.c END)::numeric * mm.r_lo * mm.r_hi
                 >= abs(x.r)::numeric * (mm.g_lo * mm.r_hi + mm.g_hi * mm.r_lo) END, false) AS high_m,
             x.r - x.c < 0 AS negative_margin,
             x.f >= 10 AND 10 * (x.s - x.f) <= -3 * x.f AS declining,
             (x.l > 0 AND 10 * (x.l - x.r) >= 4 * x.l) OR (x.l < 0 AND 10 * (x.l - x.r) <= 4 * x.l) AS markdown_dependent,
             $2::date - x.last_sale >= 7 AS slow_moving
      FROM x, mm),
    d AS MATERIALIZED (
      SELECT c.*,
             CASE WHEN high_q THEN CASE WHEN high_m THEN 'star' ELSE 'traffic' END
                  ELSE CASE WHEN high_m THEN 'potential' ELSE 'laggard' END END AS quadrant,
             greatest(0, 100 - 40 * negative_margin::int - 20 * declining::int - 15 * markdown_dependent::int
               - 15 * slow_moving::int - 10 * (NOT high_q AND NOT high_m)::int) AS score
      FROM c),
    t AS (
      SELECT count(*) AS products, coalesce(sum(r), 0)::int8 AS revenue, coalesce(sum(score::numeric * r), 0) AS weighted,
             %s,
             count(*) FILTER (WHERE %s) AS matching
      FROM d)
    SELECT t.*, mm.q_lo, mm.q_hi, mm.g_lo, mm.r_lo, mm.g_hi, mm.r_hi, page.*
    FROM t CROSS JOIN mm
    LEFT JOIN LATERAL (
      SELECT p.sku, p.name, p.category, d.q, d.orders, d.r, d.c, d.l, d.f, d.s, d.last_sale, d.quadrant, d.score,
             d.negative_margin, d.declining, d.markdown_dependent, d.slow_moving
      FROM d JOIN products p ON p.id = d.product_id
      WHERE %s
      ORDER BY d.score, d.r DESC, p.sku
      LIMIT $8 OFFSET $9) page ON true""";

  /** $6 the quadrant asked for (or null), $7 the flag (or null). */
  private static final String MATCHES = "($6::text IS NULL OR d.quadrant = $6) AND ($7::text IS NULL OR "
    + "CASE $7 WHEN 'negative_margin' THEN d.negative_margin WHEN 'declining' THEN d.declining "
    + "WHEN 'markdown_dependent' THEN d.markdown_dependent WHEN 'slow_moving' THEN d.slow_moving END)";

  /** The summary columns, in the order {@link #summary} reads them: per quadrant products and revenue, per flag products. */
  private static final String SUMMARY_COLUMNS = String.join(", ", summaryColumns());

  static final String STATEMENT = SQL.formatted(StoreScope.NOT_CONSUMABLE, SUMMARY_COLUMNS,
    MATCHES.replace("d.", ""), MATCHES);

  private static List<String> summaryColumns() {
    List<String> columns = new ArrayList<>();
    for (Quadrant q : Quadrant.values()) {
      columns.add("count(*) FILTER (WHERE quadrant = '" + q.code() + "')");
      columns.add("coalesce(sum(r) FILTER (WHERE quadrant = '" + q.code() + "'), 0)::int8");
    }
    for (HealthFlag f : HealthFlag.values()) {
      columns.add("count(*) FILTER (WHERE " + f.code() + ")");
    }
    return columns;
  }

  private static final BigDecimal TWO = BigDecimal.valueOf(2);
  /** Memory for each sort and hash of the statement: a 200,000-product store's aggregates fit (docs/DESIGN.md §12.4). */
  static final String WORK_MEM = "64MB";

  private final SqlClient client;
  private final ZoneId zone;

  DiagnosisQuery(SqlClient client, ZoneId zone) {
    this.client = client;
    this.zone = zone;
  }

  @Override
  public Future<JsonObject> answer(DashboardQuery query) {
    Map<String, String> defaults = QueryKind.DIAGNOSIS.defaults();
    int page = Integer.parseInt(query.param("page", defaults.get("page")));
    int size = Integer.parseInt(query.param("size", defaults.get("size")));
    String quadrant = query.param("quadrant", null);
    String flag = query.param("flag", null);
    return StoreScope.resolve(client, query, zone).compose(scope -> {
      DayRange range = scope.range();
      DayRange first = ProductDiagnosis.firstHalf(range);
      DayRange second = ProductDiagnosis.secondHalf(range);
      // A one-day range has no halves: days that match nothing.
      Tuple args = scope.rangeThenStore()
        .addLocalDate(first == null ? range.from().minusDays(1) : first.to())
        .addLocalDate(second == null ? range.to().plusDays(1) : second.from())
        .addString(quadrant)
        .addString(flag)
        .addInteger(size)
        .addLong((long) (page - 1) * size);
      return statement(args).map(rows -> {
        DiagnosisPage.Summary summary = null;
        List<ProductHealth> products = new ArrayList<>(Math.min(size, rows.size()));
        long matching = 0;
        for (Row row : rows) {
          if (summary == null) {
            summary = summary(row);
            matching = row.getLong("matching");
          }
          if (row.getString("sku") != null) {
            products.add(product(range, row));
          }
        }
        return new JsonObject(new DiagnosisPage(scope.store(), range, summary, quadrant, flag, page, size, matching,
          products).toMap());
      });
    });
  }

  /**
   * Runs the statement with {@link #WORK_MEM} for its sorts, hashes and CTEs (in a transaction of its own, {@code SET
   * LOCAL}): with the server's default (4 MB) a store of 200,000 products spills every step to temporary files.
   */
  private Future<RowSet<Row>> statement(Tuple args) {
    if (!(client instanceof Pool pool)) {
      return client.preparedQuery(STATEMENT).execute(args);
    }
    return pool.withTransaction(conn -> conn.query("SET LOCAL work_mem = '" + WORK_MEM + "'").execute()
      .compose(v -> conn.preparedQuery(STATEMENT).execute(args)));
  }

  private static DiagnosisPage.Summary summary(Row row) {
    long[] quadrantProducts = new long[Quadrant.values().length];
    long[] quadrantRevenue = new long[Quadrant.values().length];
    long[] flagProducts = new long[HealthFlag.values().length];
    int column = 3;
    for (int q = 0; q < quadrantProducts.length; q++) {
      quadrantProducts[q] = row.getLong(column++);
      quadrantRevenue[q] = row.getLong(column++);
    }
    for (int f = 0; f < flagProducts.length; f++) {
      flagProducts[f] = row.getLong(column++);
    }
    long products = row.getLong("products");
    long revenue = row.getLong("revenue");
    BigDecimal medianQuantity = products == 0 ? null
      : BigDecimal.valueOf(row.getLong("q_lo")).add(BigDecimal.valueOf(row.getLong("q_hi"))).divide(TWO, Figures.EXACT);
    // As the reference: each middle margin the exact quotient (34 digits), the median their mean.
    BigDecimal medianMargin = row.getBigDecimal("r_lo") == null ? null
      : row.getBigDecimal("g_lo").divide(row.getBigDecimal("r_lo"), Figures.EXACT)
      .add(row.getBigDecimal("g_hi").divide(row.getBigDecimal("r_hi"), Figures.EXACT)).divide(TWO, Figures.EXACT);
    BigDecimal health = revenue == 0 ? null : row.getBigDecimal("weighted").divide(BigDecimal.valueOf(revenue), Figures.EXACT);
    return new DiagnosisPage.Summary(products, revenue, health, medianQuantity, medianMargin, quadrantProducts,
      quadrantRevenue, flagProducts);
  }

  private static ProductHealth product(DayRange range, Row row) {
    ProductSales sales = new ProductSales(row.getString("sku"), row.getString("name"), row.getString("category"),
      row.getLong("q"), row.getLong("orders"), row.getLong("r"), row.getLong("c"), row.getLong("l"));
    ProductPeriod period = new ProductPeriod(sales, row.getLong("f"), row.getLong("s"), row.getLocalDate("last_sale"));
    EnumSet<HealthFlag> flags = EnumSet.noneOf(HealthFlag.class);
    for (HealthFlag flag : HealthFlag.values()) {
      if (row.getBoolean(flag.code())) {
        flags.add(flag);
      }
    }
    Quadrant quadrant = Quadrant.valueOf(row.getString("quadrant").toUpperCase(Locale.ROOT));
    return ProductDiagnosis.classified(range, period, quadrant, flags, row.getInteger("score"));
  }
}
