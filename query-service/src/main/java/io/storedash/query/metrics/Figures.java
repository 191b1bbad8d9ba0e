package io.storedash.query.metrics;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * How figures are written in JSON: money in yuan with 2 decimals, ratios with 4, both rounded half-up from the exact
 * value only here, at the edge; a ratio over a zero denominator is null.
 */
public final class Figures {

  /** Enough digits that rounding to 4 decimals afterwards never depends on the intermediate precision. */
  public static final MathContext EXACT = MathContext.DECIMAL128;
  public static final int MONEY_SCALE = 2;
  public static final int RATIO_SCALE = 4;

  private Figures() {
  }

  /** Cents as yuan, exactly (2 decimals). */
  public static BigDecimal money(long cents) {
    return BigDecimal.valueOf(cents, MONEY_SCALE);
  }

  /** numerator / denominator rounded half-up to 4 decimals, or null when the denominator is 0. */
  public static BigDecimal ratio(long numerator, long denominator) {
    return denominator == 0 ? null
      : BigDecimal.valueOf(numerator).divide(BigDecimal.valueOf(denominator), RATIO_SCALE, RoundingMode.HALF_UP);
  }

  /** The exact quotient (34 digits), or null when the denominator is 0: for comparisons and medians. */
  public static BigDecimal exactRatio(long numerator, long denominator) {
    return denominator == 0 ? null : BigDecimal.valueOf(numerator).divide(BigDecimal.valueOf(denominator), EXACT);
  }

  /** An exact value written as a ratio (4 decimals), null stays null. */
  public static BigDecimal asRatio(BigDecimal exact) {
    return exact == null ? null : exact.setScale(RATIO_SCALE, RoundingMode.HALF_UP);
  }
}
