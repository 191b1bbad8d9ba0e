package io.storedash.gateway.auth;

import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The sign-in cookie opens only unaltered, under the same client secret, within its ten minutes. */
class SignInCookieTest {

  private static final Instant NOW = Instant.parse("2026-03-01T08:00:00Z");
  private final SignInCookie.Key key = SignInCookie.Key.derivedFrom("the-client-secret-of-the-cluster");

  @Test
  void opensWhatWasSealedUntilItExpires() {
    SignInCookie signIn = SignInCookie.fresh(NOW);
    String value = signIn.seal(key);

    assertThat(SignInCookie.open(value, SignInCookie.Key.derivedFrom("the-client-secret-of-the-cluster"),
      NOW.plusSeconds(599))).contains(signIn);
    assertThat(SignInCookie.open(value, key, NOW.plusSeconds(600))).isEmpty();
  }

  @Test
  void anAlteredValueOrAnotherSecretDoesNotOpen() {
    String value = SignInCookie.fresh(NOW).seal(key);
    char last = value.charAt(value.length() - 1);
    assertThat(SignInCookie.open(value.substring(0, value.length() - 1) + (last == 'A' ? 'B' : 'A'), key, NOW)).isEmpty();
    assertThat(SignInCookie.open(value, SignInCookie.Key.derivedFrom("another-secret-entirely"), NOW)).isEmpty();
    assertThat(SignInCookie.open("garbage", key, NOW)).isEmpty();
    assertThat(SignInCookie.open("%%%.%%%", key, NOW)).isEmpty();
    assertThat(SignInCookie.open(null, key, NOW)).isEmpty();
  }

  @Test
  void theChallengeIsRfc7636sS256() {
    // RFC 7636 appendix B.
    SignInCookie signIn = new SignInCookie("s", "n", "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk", NOW);
    assertThat(signIn.codeChallenge()).isEqualTo("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
  }

  @Test
  void everySignInHasItsOwnValues() {
    SignInCookie a = SignInCookie.fresh(NOW);
    SignInCookie b = SignInCookie.fresh(NOW);
    assertThat(a.state()).isNotEqualTo(b.state()).hasSize(43);
    assertThat(a.nonce()).isNotEqualTo(a.state());
    assertThat(a.verifier()).isNotEqualTo(b.verifier()).hasSize(43);
  }
}
