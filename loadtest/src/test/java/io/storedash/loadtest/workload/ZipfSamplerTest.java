package io.storedash.loadtest.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ZipfSamplerTest {

  @Test
  void probabilitiesFollowOneOverRankToTheS() {
    ZipfSampler zipf = new ZipfSampler(100, 1.1);
    double h = 0;
    for (int k = 1; k <= 100; k++) {
      h += 1 / Math.pow(k, 1.1);
    }
    assertThat(zipf.probability(0)).isCloseTo(1 / h, within(1e-12));
    assertThat(zipf.probability(9)).isCloseTo(1 / Math.pow(10, 1.1) / h, within(1e-12));
    double sum = 0;
    for (int k = 0; k < 100; k++) {
      sum += zipf.probability(k);
    }
    assertThat(sum).isCloseTo(1.0, within(1e-9));
  }

  @Test
  void drawsMatchTheDistribution() {
    ZipfSampler zipf = new ZipfSampler(100, 1.1);
    SplittableRandom random = new SplittableRandom(7);
    int[] counts = new int[100];
    int n = 200_000;
    for (int i = 0; i < n; i++) {
      counts[zipf.sample(random.nextDouble())]++;
    }
    // The first store gets about 19 %, the top 20 stores about 70 %: the skew the design asks for.
    assertThat(counts[0] / (double) n).isCloseTo(zipf.probability(0), within(0.005));
    int top20 = 0;
    for (int k = 0; k < 20; k++) {
      top20 += counts[k];
    }
    assertThat(top20 / (double) n).isBetween(0.65, 0.75);
    assertThat(counts[0]).isGreaterThan(counts[1]);
    assertThat(counts[1]).isGreaterThan(counts[9]);
    assertThat(counts[9]).isGreaterThan(counts[99]);
  }

  @Test
  void exponentZeroIsUniformAndEdgesStayInRange() {
    ZipfSampler uniform = new ZipfSampler(4, 0);
    assertThat(uniform.sample(0.0)).isEqualTo(0);
    assertThat(uniform.sample(0.2499)).isEqualTo(0);
    assertThat(uniform.sample(0.25)).isEqualTo(1);
    assertThat(uniform.sample(0.9999999)).isEqualTo(3);
    assertThat(new ZipfSampler(1, 1.1).sample(0.99)).isEqualTo(0);
  }

  @Test
  void refusesImpossibleArguments() {
    assertThatThrownBy(() -> new ZipfSampler(0, 1.1)).hasMessageContaining("at least one item");
    assertThatThrownBy(() -> new ZipfSampler(10, -1)).hasMessageContaining(">= 0");
    assertThatThrownBy(() -> new ZipfSampler(10, Double.NaN)).hasMessageContaining(">= 0");
  }
}
