package io.storedash.gateway.auth;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;

/**
 * What a single sign-on needs to remember between sending the browser to the issuer and its return (state, nonce,
 * PKCE verifier), kept in the browser as an HMAC-signed cookie value that expires after {@link #LIFETIME}: no session
 * is needed before sign-in, and any gateway of the cluster accepts the return of a sign-in another one started,
 * because the key is derived from the client secret they all share.
 *
 * @param state    the OAuth 2.0 state: ties the callback to this browser's request
 * @param nonce    the OpenID Connect nonce: ties the id token to this request
 * @param verifier the PKCE code verifier: only this gateway cluster can exchange the code
 * @param expires  when the sign-in must have come back
 */
public record SignInCookie(String state, String nonce, String verifier, Instant expires) {

  public static final String NAME = "storedash_oidc";
  public static final Duration LIFETIME = Duration.ofMinutes(10);

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
  private static final Base64.Decoder B64_DECODE = Base64.getUrlDecoder();
  private static final String VERSION = "v1";

  /** A new sign-in's values: 256 random bits each. */
  public static SignInCookie fresh(Instant now) {
    return new SignInCookie(random(), random(), random(), now.plus(LIFETIME));
  }

  /** The PKCE S256 challenge of the verifier (RFC 7636 §4.2). */
  public String codeChallenge() {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII));
      return B64.encodeToString(digest);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  /** The cookie's value: the fields and their HMAC-SHA256 under {@code key}. */
  public String seal(Key key) {
    String payload = VERSION + "." + state + "." + nonce + "." + verifier + "." + expires.getEpochSecond();
    return B64.encodeToString(payload.getBytes(StandardCharsets.US_ASCII)) + "." + B64.encodeToString(key.mac(payload));
  }

  /** The values sealed in {@code value}, when its signature holds and it has not expired at {@code now}. */
  public static Optional<SignInCookie> open(String value, Key key, Instant now) {
    if (value == null || value.length() > 1024) {
      return Optional.empty();
    }
    int dot = value.indexOf('.');
    if (dot < 0) {
      return Optional.empty();
    }
    try {
      String payload = new String(B64_DECODE.decode(value.substring(0, dot)), StandardCharsets.US_ASCII);
      byte[] mac = B64_DECODE.decode(value.substring(dot + 1));
      if (!MessageDigest.isEqual(mac, key.mac(payload))) {
        return Optional.empty();
      }
      String[] fields = payload.split("\\.", -1);
      if (fields.length != 5 || !VERSION.equals(fields[0])) {
        return Optional.empty();
      }
      Instant expires = Instant.ofEpochSecond(Long.parseLong(fields[4]));
      if (!now.isBefore(expires)) {
        return Optional.empty();
      }
      return Optional.of(new SignInCookie(fields[1], fields[2], fields[3], expires));
    } catch (IllegalArgumentException e) {
      // Not base64 or not a number: not a value this gateway sealed.
      return Optional.empty();
    }
  }

  private static String random() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return B64.encodeToString(bytes);
  }

  /** The HMAC key of the cookie, derived from a secret every gateway of the cluster shares. */
  public static final class Key {

    private final SecretKeySpec spec;

    private Key(byte[] key) {
      this.spec = new SecretKeySpec(key, "HmacSHA256");
    }

    /**
     * A key of its own for the cookie, so the client secret itself never signs anything the browser holds: HMAC of a
     * fixed label under the secret.
     */
    public static Key derivedFrom(String clientSecret) {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(clientSecret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        return new Key(mac.doFinal("storedash single sign-on cookie v1".getBytes(StandardCharsets.US_ASCII)));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
      }
    }

    byte[] mac(String payload) {
      try {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(spec);
        return mac.doFinal(payload.getBytes(StandardCharsets.US_ASCII));
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
      }
    }
  }
}
