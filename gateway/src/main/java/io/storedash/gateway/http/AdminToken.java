package io.storedash.gateway.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Locale;
import java.util.Optional;

/**
 * The configured admin token, and the one way to compare a guess with it: both are hashed (SHA-256) and the digests
 * compared with {@link MessageDigest#isEqual}, so the time taken depends neither on how much of a guess is right nor
 * on its length. The token itself is never kept as a String that could be logged, and never printed.
 */
public final class AdminToken {

  private final byte[] digest;

  public AdminToken(Optional<String> token) {
    this.digest = token.map(t -> sha256(t.getBytes(StandardCharsets.UTF_8))).orElse(null);
  }

  /** Whether a token is configured (admin routes are disabled without one). */
  public boolean configured() {
    return digest != null;
  }

  /** Whether {@code candidate} is the token; false for null or when none is configured. */
  public boolean matches(String candidate) {
    if (digest == null || candidate == null) {
      return false;
    }
    return MessageDigest.isEqual(sha256(candidate.getBytes(StandardCharsets.UTF_8)), digest);
  }

  /**
   * The credentials of an {@code Authorization} header with the Bearer scheme (the scheme name in any case, as
   * RFC 9110 allows), or null when the header is absent or uses another scheme.
   */
  public static String bearer(String authorization) {
    if (authorization == null) {
      return null;
    }
    String header = authorization.strip();
    int space = header.indexOf(' ');
    String scheme = space < 0 ? header : header.substring(0, space);
    if (!scheme.toLowerCase(Locale.ROOT).equals("bearer")) {
      return null;
    }
    return space < 0 ? "" : header.substring(space + 1).strip();
  }

  private static byte[] sha256(byte[] bytes) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(bytes);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
