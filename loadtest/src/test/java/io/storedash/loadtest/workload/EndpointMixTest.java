package io.storedash.loadtest.workload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

class EndpointMixTest {

  @Test
  void theDashboardMixIsThePageAndTheCallsItMakes() {
    EndpointMix mix = EndpointMix.dashboard();
    assertThat(mix.names()).containsExactly("page", "stores", "overview", "trend", "channels", "categories", "hours",
      "products", "diagnosis", "ranking", "monitor");
    assertThat(mix.endpoints().get(7).path().expand("S001", "2026-10-01", "2026-10-30"))
      .isEqualTo("/api/v1/stores/S001/products?from=2026-10-01&to=2026-10-30&sort=revenue&page=1&size=20");
    assertThat(mix.endpoints().get(9).path().expand("S001", "2026-10-01", "2026-10-30"))
      .isEqualTo("/api/v1/ranking?from=2026-10-01&to=2026-10-30&metric=revenue");
    assertThat(mix.usesStore()).isTrue();
  }

  @Test
  void withoutARangeTheServerDefaultIsAskedFor() {
    PathTemplate overview = new PathTemplate("/api/v1/stores/{store}/overview?from={from}&to={to}");
    assertThat(overview.expand("S001", null, null)).isEqualTo("/api/v1/stores/S001/overview");
    PathTemplate products = new PathTemplate("/api/v1/stores/{store}/products?from={from}&to={to}&sort=revenue");
    assertThat(products.expand("S001", null, null)).isEqualTo("/api/v1/stores/S001/products?sort=revenue");
  }

  @Test
  void storeCodesAreEncodedAsPathSegments() {
    PathTemplate t = new PathTemplate("/api/v1/stores/{store}/trend");
    assertThat(t.expand("和兴 路/1", null, null)).isEqualTo("/api/v1/stores/%E5%92%8C%E5%85%B4%20%E8%B7%AF%2F1/trend");
  }

  @Test
  void parsesAFileWithCommentsAndWeightsAndPicksByWeight() {
    EndpointMix mix = EndpointMix.parse("""
      # a comment
      overview /api/v1/stores/{store}/overview   3   # trailing comment

      monitor  /api/v1/monitor 1
      """, "mix.txt");
    assertThat(mix.names()).containsExactly("overview", "monitor");
    assertThat(mix.pick(0.0).name()).isEqualTo("overview");
    assertThat(mix.pick(0.74).name()).isEqualTo("overview");
    assertThat(mix.pick(0.76).name()).isEqualTo("monitor");
    assertThat(mix.only(List.of("monitor")).names()).containsExactly("monitor");
  }

  @Test
  void mistakesNameTheLine() {
    assertThatThrownBy(() -> EndpointMix.parse("a /x\nb y\n", "mix.txt"))
      .hasMessage("mix.txt line 2: path 'y' must start with /");
    assertThatThrownBy(() -> EndpointMix.parse("a /x/{shop}", "mix.txt"))
      .hasMessageContaining("line 1").hasMessageContaining("unknown placeholder {shop}");
    assertThatThrownBy(() -> EndpointMix.parse("a /x\na /y", "mix.txt")).hasMessageContaining("appears twice");
    assertThatThrownBy(() -> EndpointMix.parse("a /x lots", "mix.txt")).hasMessageContaining("not a number");
    assertThatThrownBy(() -> EndpointMix.parse("# nothing", "mix.txt")).hasMessageContaining("lists no endpoint");
    assertThatThrownBy(() -> EndpointMix.dashboard().only(List.of("overveiw")))
      .hasMessageContaining("unknown endpoint(s) [overveiw]");
    assertThatThrownBy(() -> EndpointMix.urlOnly("/api/v1/stores/{store}")).hasMessageContaining("literal path");
  }

  @Test
  void rangesAreTheLastNDaysUpToTheEndDate() {
    DateRanges ranges = new DateRanges(LocalDate.parse("2026-10-30"), List.of(7, 30, 90));
    assertThat(ranges.all()).extracting(DateRanges.Range::from)
      .containsExactly("2026-10-24", "2026-10-01", "2026-08-02");
    assertThat(ranges.pick(0.5).from()).isEqualTo("2026-10-01");
    assertThat(new DateRanges(null, List.of(7)).all()).containsExactly(new DateRanges.Range(null, null));
  }
}
