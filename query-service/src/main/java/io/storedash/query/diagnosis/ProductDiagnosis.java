package io.storedash.query.diagnosis;

import io.storedash.query.metrics.DayRange;
import io.storedash.query.metrics.Figures;

import java.math.BigDecimal;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Product-health diagnosis of one store over a range (docs/DESIGN.md §4.4), for the products that sold in it:
 * <ul>
 *   <li>quadrant by the medians of quantity and gross margin over those products (≥ the median is high; a product
 *       without revenue has no margin and counts as low margin);</li>
 *   <li>flags: negative_margin (gross profit &lt; 0, i.e. gross_margin &lt; 0), declining (trend ≤ −0.3 with at least
 *       10 units in the first half), markdown_dependent (markdown_rate ≥ 0.4), slow_moving (no sale in the last 7 or
 *       more days of the range);</li>
 *   <li>score = 100 − 40·negative_margin − 20·declining − 15·markdown_dependent − 15·slow_moving − 10·laggard, at
 *       least 0; the store's health is the revenue-weighted mean score (null without revenue).</li>
 * </ul>
 * The halves of a range of n days are its first ⌊n/2⌋ and its last ⌊n/2⌋ days: equally long, so a trend is never
 * an artefact of one half having a day more (the middle day of an odd range counts in neither).
 */
public final class ProductDiagnosis {

  static final BigDecimal DECLINE = new BigDecimal("-0.3");
  static final long DECLINE_MIN_FIRST_HALF = 10;
  static final BigDecimal MARKDOWN_DEPENDENT = new BigDecimal("0.4");
  static final long SLOW_MOVING_DAYS = 7;
  static final int LAGGARD_PENALTY = 10;
  private static final BigDecimal TWO = BigDecimal.valueOf(2);

  private ProductDiagnosis() {
  }

  /** The first half of a range: its first ⌊n/2⌋ days (null for a one-day range). */
  public static DayRange firstHalf(DayRange range) {
    long half = range.days() / 2;
    return half == 0 ? null : new DayRange(range.from(), range.from().plusDays(half - 1));
  }

  /** The second half of a range: its last ⌊n/2⌋ days (null for a one-day range). */
  public static DayRange secondHalf(DayRange range) {
    long half = range.days() / 2;
    return half == 0 ? null : new DayRange(range.to().minusDays(half - 1), range.to());
  }

  /**
   * The result: every product diagnosed, worst score first (then highest revenue, then sku). The reference of the
   * rules: query-service computes the same in SQL, a page at a time ({@code compute/DiagnosisQuery}), and is tested
   * against this ({@code DiagnosisEquivalenceTest}).
   */
  public record Result(String store, DayRange range, List<ProductHealth> products, BigDecimal medianQuantity,
                       BigDecimal medianGrossMargin, BigDecimal health, long totalRevenue) {

    /** The summaries over every product, as a page carries them. */
    public DiagnosisPage.Summary summary() {
      long[] quadrantProducts = new long[Quadrant.values().length];
      long[] quadrantRevenue = new long[Quadrant.values().length];
      long[] flagProducts = new long[HealthFlag.values().length];
      for (ProductHealth p : products) {
        quadrantProducts[p.quadrant().ordinal()]++;
        quadrantRevenue[p.quadrant().ordinal()] += p.period().sales().revenue();
        p.flags().forEach(f -> flagProducts[f.ordinal()]++);
      }
      return new DiagnosisPage.Summary(products.size(), totalRevenue, health, medianQuantity, medianGrossMargin,
        quadrantProducts, quadrantRevenue, flagProducts);
    }

    /**
     * One page of the products of {@code quadrant} and {@code flag} (null: any), 1-based, with the summaries over all.
     */
    public DiagnosisPage page(Quadrant quadrant, HealthFlag flag, int page, int size) {
      List<ProductHealth> matching = products.stream()
        .filter(p -> quadrant == null || p.quadrant() == quadrant)
        .filter(p -> flag == null || p.has(flag))
        .toList();
      long from = Math.min((long) (page - 1) * size, matching.size());
      long to = Math.min(from + size, matching.size());
      return new DiagnosisPage(store, range, summary(), quadrant == null ? null : quadrant.code(),
        flag == null ? null : flag.code(), page, size, matching.size(), matching.subList((int) from, (int) to));
    }

    /** Every product on one page, as JSON. */
    public Map<String, Object> toMap() {
      return page(null, null, 1, Math.max(1, products.size())).toMap();
    }
  }

  public static Result diagnose(String store, DayRange range, List<ProductPeriod> periods) {
    Objects.requireNonNull(range, "range");
    BigDecimal medianQuantity = median(periods.stream().map(p -> BigDecimal.valueOf(p.sales().quantity())).toList());
    BigDecimal medianMargin = median(periods.stream().map(p -> p.sales().exactGrossMargin()).filter(Objects::nonNull).toList());
    long totalRevenue = 0;
    BigDecimal weighted = BigDecimal.ZERO;
    List<ProductHealth> products = new ArrayList<>(periods.size());
    for (ProductPeriod period : periods) {
      ProductHealth health = diagnoseOne(range, period, medianQuantity, medianMargin);
      products.add(health);
      totalRevenue += period.sales().revenue();
      weighted = weighted.add(BigDecimal.valueOf(health.score()).multiply(BigDecimal.valueOf(period.sales().revenue())));
    }
    BigDecimal health = totalRevenue == 0 ? null : weighted.divide(BigDecimal.valueOf(totalRevenue), Figures.EXACT);
    products.sort(Comparator.comparingInt(ProductHealth::score)
      .thenComparingLong(p -> -p.period().sales().revenue())
      .thenComparing(p -> p.period().sales().sku()));
    return new Result(store, range, List.copyOf(products), medianQuantity, medianMargin, health, totalRevenue);
  }

  /**
   * A product whose quadrant, flags and score were decided elsewhere (in SQL, by these rules): its trend and the days
   * since its last sale are derived here.
   */
  public static ProductHealth classified(DayRange range, ProductPeriod period, Quadrant quadrant, Set<HealthFlag> flags,
                                         int score) {
    BigDecimal trend = Figures.exactRatio(period.secondHalfQuantity() - period.firstHalfQuantity(), period.firstHalfQuantity());
    long daysSince = ChronoUnit.DAYS.between(period.lastSale(), range.to());
    return new ProductHealth(period, trend, daysSince, quadrant, flags, score);
  }

  static ProductHealth diagnoseOne(DayRange range, ProductPeriod period, BigDecimal medianQuantity, BigDecimal medianMargin) {
    BigDecimal margin = period.sales().exactGrossMargin();
    BigDecimal markdown = period.sales().exactMarkdownRate();
    BigDecimal trend = Figures.exactRatio(period.secondHalfQuantity() - period.firstHalfQuantity(), period.firstHalfQuantity());
    long daysSince = ChronoUnit.DAYS.between(period.lastSale(), range.to());

    boolean highQuantity = BigDecimal.valueOf(period.sales().quantity()).compareTo(medianQuantity) >= 0;
    boolean highMargin = margin != null && medianMargin != null && margin.compareTo(medianMargin) >= 0;
    Quadrant quadrant = Quadrant.of(highQuantity, highMargin);

    EnumSet<HealthFlag> flags = EnumSet.noneOf(HealthFlag.class);
    if (period.sales().grossProfit() < 0) {
      flags.add(HealthFlag.NEGATIVE_MARGIN);
    }
    if (trend != null && trend.compareTo(DECLINE) <= 0 && period.firstHalfQuantity() >= DECLINE_MIN_FIRST_HALF) {
      flags.add(HealthFlag.DECLINING);
    }
    if (markdown != null && markdown.compareTo(MARKDOWN_DEPENDENT) >= 0) {
      flags.add(HealthFlag.MARKDOWN_DEPENDENT);
    }
    if (daysSince >= SLOW_MOVING_DAYS) {
      flags.add(HealthFlag.SLOW_MOVING);
    }
    int score = 100 - flags.stream().mapToInt(HealthFlag::penalty).sum() - (quadrant == Quadrant.LAGGARD ? LAGGARD_PENALTY : 0);
    return new ProductHealth(period, trend, daysSince, quadrant, flags, Math.max(0, score));
  }

  /** The median (the mean of the middle two for an even count), or null for no values. */
  static BigDecimal median(List<BigDecimal> values) {
    if (values.isEmpty()) {
      return null;
    }
    List<BigDecimal> sorted = new ArrayList<>(values);
    sorted.sort(Comparator.naturalOrder());
    int mid = sorted.size() / 2;
    return sorted.size() % 2 == 1 ? sorted.get(mid) : sorted.get(mid - 1).add(sorted.get(mid)).divide(TWO, Figures.EXACT);
  }
}
