package io.storedash.loadtest.workload;

import java.util.Arrays;

/**
 * Draws ranks 0..n-1 with Zipf popularity: P(rank k) is proportional to 1/(k+1)^s. With s = 1.1 over 100 stores the
 * first store gets about 19 % of the visits and the top 20 % of stores about 70 %, like the demo data's skew.
 * s = 0 is uniform. Immutable and thread-safe; the caller brings the random number.
 */
public final class ZipfSampler {

  private final double[] cumulative;
  private final double exponent;

  public ZipfSampler(int n, double exponent) {
    if (n < 1) {
      throw new IllegalArgumentException("a Zipf sampler needs at least one item, got " + n);
    }
    if (!(exponent >= 0) || Double.isInfinite(exponent)) {
      throw new IllegalArgumentException("the Zipf exponent must be a finite number >= 0, got " + exponent);
    }
    this.exponent = exponent;
    cumulative = new double[n];
    double sum = 0;
    for (int k = 0; k < n; k++) {
      sum += 1.0 / Math.pow(k + 1, exponent);
      cumulative[k] = sum;
    }
    for (int k = 0; k < n; k++) {
      cumulative[k] /= sum;
    }
    cumulative[n - 1] = 1.0;
  }

  public int size() {
    return cumulative.length;
  }

  public double exponent() {
    return exponent;
  }

  /** The probability of rank k (0-based). */
  public double probability(int k) {
    return k == 0 ? cumulative[0] : cumulative[k] - cumulative[k - 1];
  }

  /** The rank for a uniform random number u in [0, 1). */
  public int sample(double u) {
    int i = Arrays.binarySearch(cumulative, u);
    // Ties land on the item whose cumulative bound equals u; that item's interval is (prev, bound], so step past it.
    int k = i >= 0 ? i + 1 : -i - 1;
    return Math.min(k, cumulative.length - 1);
  }
}
