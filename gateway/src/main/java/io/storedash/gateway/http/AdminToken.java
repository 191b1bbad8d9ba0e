package io.storedash.gateway.http;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Optional;

/**
 * The configured admin token, and the one way to compare a guess with it: {@link MessageDigest#isEqual}, which
 * visits every byte of the guess whatever matches and never stops at the token's length, so the time taken depends
 * neither on how much of a guess is right nor on the token's length (only on the guess's own, which its sender knows).
 * No hash: every request with a bearer header and every query-string value is compared, and a SHA-256 each was a
 * measurable part of the hit path (docs/DESIGN.md §12.1). The token is kept as bytes, never as a String that could
 * be logged, and never printed.
 */
public final class AdminToken {

  private final byte[] token;

  public AdminToken(Optional<String> token) {
    this.token = token.map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(null);
  }

  /** Whether a token is configured (admin routes are disabled without one). */
  public boolean configured() {
    return token != null;
  }

  /** Whether {@code candidate} is the token; false for null or when none is configured. */
  public boolean matches(String candidate) {
    if (token == null || candidate == null || candidate.isEmpty()) {
      return false;
    }
    return MessageDigest.isEqual(candidate.getBytes(StandardCharsets.UTF_8), token);
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
}
