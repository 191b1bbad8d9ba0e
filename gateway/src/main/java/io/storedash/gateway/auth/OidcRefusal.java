package io.storedash.gateway.auth;

/**
 * A single sign-on that must not go on, with the HTTP status and the sentence the browser is answered with: 401 when
 * the sign-in itself failed (the issuer said no, a forged or stale answer), 403 when it succeeded but StoreDash must
 * not let the user in (no role). {@link OidcSignIn.Establish} may fail with one too, e.g. for a user disabled locally.
 */
public final class OidcRefusal extends RuntimeException {

  private final int status;

  public OidcRefusal(int status, String sentence) {
    super(sentence, null, false, false);
    if (status != 401 && status != 403) {
      throw new IllegalArgumentException("a refusal is 401 or 403, got " + status);
    }
    this.status = status;
  }

  public static OidcRefusal unauthorized(String sentence) {
    return new OidcRefusal(401, sentence);
  }

  public static OidcRefusal forbidden(String sentence) {
    return new OidcRefusal(403, sentence);
  }

  public int status() {
    return status;
  }
}
