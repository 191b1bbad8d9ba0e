package io.storedash.gateway.http;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What may be said to a user, and how the hot path reads Accept-Encoding and If-None-Match. */
class ProblemsTest {

  @Test
  void sentencesPassAndInternalsDoNot() {
    assertThat(Problems.safeDetail("unknown store 'S404'", "x")).isEqualTo("unknown store 'S404'");
    assertThat(Problems.safeDetail("the range covers 400 days, at most 366 are allowed", "x"))
      .isEqualTo("the range covers 400 days, at most 366 are allowed");
    assertThat(Problems.safeDetail("java.lang.NullPointerException: boom", "fallback")).isEqualTo("fallback");
    assertThat(Problems.safeDetail("failed\n\tat io.storedash.Foo.bar(Foo.java:1)", "fallback")).isEqualTo("fallback");
    assertThat(Problems.safeDetail("ERROR: syntax error at or near \"FROM\" (SQLSTATE 42601)", "fallback")).isEqualTo("fallback");
    assertThat(Problems.safeDetail("SELECT id FROM stores WHERE code = $1 failed", "fallback")).isEqualTo("fallback");
    assertThat(Problems.safeDetail(null, "fallback")).isEqualTo("fallback");
    assertThat(Problems.safeDetail("x".repeat(1000), "fallback")).hasSize(Problems.MAX_DETAIL + 1).endsWith("…");
    // A service's failure that quotes a URL: the answer has no password (docs/DESIGN.md §11.6).
    assertThat(Problems.safeDetail("Redis is unavailable (redis://:Redis-password-1@cache:6379 refused)", "fallback"))
      .isEqualTo("Redis is unavailable (redis://:***@cache:6379 refused)");
  }

  @Test
  void gzipAndEntityTagsAreNegotiatedAsRfc9110Says() {
    assertThat(ContentNegotiation.acceptsGzip("gzip, deflate, br")).isTrue();
    assertThat(ContentNegotiation.acceptsGzip("br;q=1.0, gzip;q=0.5")).isTrue();
    assertThat(ContentNegotiation.acceptsGzip("gzip;q=0")).isFalse();
    assertThat(ContentNegotiation.acceptsGzip("identity")).isFalse();
    assertThat(ContentNegotiation.acceptsGzip("*")).isTrue();
    assertThat(ContentNegotiation.acceptsGzip(null)).isFalse();
    assertThat(ContentNegotiation.matches("\"a\", W/\"abc\"", "W/\"abc\"")).isTrue();
    assertThat(ContentNegotiation.matches("\"abc\"", "W/\"abc\"")).isTrue();
    assertThat(ContentNegotiation.matches("*", "\"x\"")).isTrue();
    assertThat(ContentNegotiation.matches("\"abd\"", "W/\"abc\"")).isFalse();
    assertThat(ContentNegotiation.matches(null, "W/\"abc\"")).isFalse();
  }
}
