package io.storedash.query.diagnosis;

import io.storedash.query.metrics.DayRange;
import io.storedash.query.metrics.ProductSales;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class ProductDiagnosisTest {

  private static final DayRange APRIL = new DayRange(LocalDate.of(2026, 4, 1), LocalDate.of(2026, 4, 14));

  /**
   * The five products of HandMadeSales' S004, with the figures worked out there: costs are the lines' totals (quantity ×
   * unit cost), orders the lines each product is on; the service fees of 0.01 its platform orders carry touch no product
   * figure.
   */
  private static List<ProductPeriod> s004() {
    return List.of(
      period("D1", 20, 4, 20000, 10000, 20000, 10, 10, "2026-04-14"),
      period("D2", 30, 5, 12000, 15000, 12000, 15, 15, "2026-04-14"),
      period("D3", 2, 1, 4000, 1600, 4000, 2, 0, "2026-04-02"),
      period("D4", 3, 2, 1800, 1500, 3600, 1, 2, "2026-04-10"),
      period("D5", 16, 3, 12800, 6400, 12800, 12, 4, "2026-04-10"));
  }

  @Test
  void quadrantsFlagsScoresAndHealth() {
    ProductDiagnosis.Result result = ProductDiagnosis.diagnose("S004", APRIL, s004());
    assertThat(result.medianQuantity()).isEqualByComparingTo("16");
    assertThat(result.medianGrossMargin()).isEqualByComparingTo("0.5");
    assertThat(result.products()).extracting(p -> p.period().sales().sku() + " " + p.quadrant() + " " + p.flags() + " " + p.score())
      .containsExactly(
        "D2 TRAFFIC [NEGATIVE_MARGIN] 60",
        "D4 LAGGARD [MARKDOWN_DEPENDENT] 75",
        "D5 STAR [DECLINING] 80",
        "D3 POTENTIAL [SLOW_MOVING] 85",
        "D1 STAR [] 100");
    // (100·20000 + 60·12000 + 85·4000 + 75·1800 + 80·12800) / 50600
    assertThat(result.health()).isEqualByComparingTo(new BigDecimal("4219000").divide(new BigDecimal("50600"), java.math.MathContext.DECIMAL128));
    Map<String, Object> map = result.toMap();
    assertThat(map.get("health")).isEqualTo(new BigDecimal("83.4"));
    assertThat(map.get("medians")).isEqualTo(Map.of("quantity", new BigDecimal("16.0"), "gross_margin", new BigDecimal("0.5000")));
  }

  @Test
  void boundariesOfEveryFlag() {
    // Exactly −0.3 with 10 in the first half declines; 9 in the first half does not.
    assertThat(flags(period("A", 17, 1000, 500, 1000, 10, 7, "2026-04-14"))).containsExactly(HealthFlag.DECLINING);
    assertThat(flags(period("A", 9, 1000, 500, 1000, 9, 0, "2026-04-14"))).isEmpty();
    // Markdown exactly 0.4 depends on it; 0.3999 does not.
    assertThat(flags(period("A", 10, 600, 300, 1000, 5, 5, "2026-04-14"))).containsExactly(HealthFlag.MARKDOWN_DEPENDENT);
    assertThat(flags(period("A", 10, 6001, 300, 10000, 5, 5, "2026-04-14"))).isEmpty();
    // Last sale 7 days before the end is slow; 6 is not.
    assertThat(flags(period("A", 10, 1000, 500, 1000, 5, 5, "2026-04-07"))).containsExactly(HealthFlag.SLOW_MOVING);
    assertThat(flags(period("A", 10, 1000, 500, 1000, 5, 5, "2026-04-08"))).isEmpty();
    // A margin of exactly 0 is not negative; sold for nothing at a cost is.
    assertThat(flags(period("A", 10, 1000, 1000, 1000, 5, 5, "2026-04-14"))).isEmpty();
    assertThat(flags(period("A", 10, 0, 100, 0, 5, 5, "2026-04-14"))).containsExactly(HealthFlag.NEGATIVE_MARGIN);
  }

  @Test
  void everyFlagAndLaggardTogetherScoreZero() {
    ProductPeriod worst = period("W", 10, 500, 900, 1000, 10, 0, "2026-04-05");
    ProductPeriod best = period("B", 100, 10000, 1000, 10000, 50, 50, "2026-04-14");
    ProductDiagnosis.Result result = ProductDiagnosis.diagnose("S", APRIL, List.of(worst, best));
    ProductHealth w = result.products().get(0);
    assertThat(w.quadrant()).isEqualTo(Quadrant.LAGGARD);
    assertThat(w.flags()).containsExactlyInAnyOrder(HealthFlag.values());
    assertThat(w.score()).isZero();
    // Two products: the medians are the means of the two.
    assertThat(result.medianQuantity()).isEqualByComparingTo("55");
  }

  @Test
  void halvesAreEquallyLongAndAnOddMiddleDayCountsInNeither() {
    DayRange odd = new DayRange(LocalDate.of(2026, 4, 1), LocalDate.of(2026, 4, 7));
    assertThat(ProductDiagnosis.firstHalf(odd)).isEqualTo(new DayRange(LocalDate.of(2026, 4, 1), LocalDate.of(2026, 4, 3)));
    assertThat(ProductDiagnosis.secondHalf(odd)).isEqualTo(new DayRange(LocalDate.of(2026, 4, 5), LocalDate.of(2026, 4, 7)));
    assertThat(ProductDiagnosis.firstHalf(APRIL)).isEqualTo(new DayRange(LocalDate.of(2026, 4, 1), LocalDate.of(2026, 4, 7)));
    DayRange one = new DayRange(LocalDate.of(2026, 4, 1), LocalDate.of(2026, 4, 1));
    assertThat(ProductDiagnosis.firstHalf(one)).isNull();
    assertThat(ProductDiagnosis.secondHalf(one)).isNull();
  }

  @Test
  void noProductsNoHealth() {
    ProductDiagnosis.Result result = ProductDiagnosis.diagnose("S", APRIL, List.of());
    assertThat(result.health()).isNull();
    assertThat(result.medianQuantity()).isNull();
    assertThat(result.toMap().get("products")).isEqualTo(List.of());
  }

  private static Set<HealthFlag> flags(ProductPeriod period) {
    // Alone, a product sits on both medians: a star, so only its flags cost points.
    return ProductDiagnosis.diagnose("S", APRIL, List.of(period)).products().get(0).flags();
  }

  private static ProductPeriod period(String sku, long quantity, long revenue, long cost, long listRevenue, long firstHalf,
                                      long secondHalf, String lastSale) {
    return period(sku, quantity, 1, revenue, cost, listRevenue, firstHalf, secondHalf, lastSale);
  }

  private static ProductPeriod period(String sku, long quantity, long orders, long revenue, long cost, long listRevenue,
                                      long firstHalf, long secondHalf, String lastSale) {
    return new ProductPeriod(new ProductSales(sku, sku, "c", quantity, orders, revenue, cost, listRevenue), firstHalf,
      secondHalf, LocalDate.parse(lastSale));
  }
}
