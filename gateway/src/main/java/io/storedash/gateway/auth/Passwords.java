package io.storedash.gateway.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.auth.hashing.HashingStrategy;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

/**
 * Password hashes: PBKDF2-HMAC-SHA512 (vertx-auth-common's {@link HashingStrategy}) with a 16-byte random salt and
 * 210,000 iterations (OWASP's figure for this hash), stored as the self-describing {@code $pbkdf2$it=...$salt$hash}
 * so that a later release can raise the count without breaking stored hashes. Hashing takes a large fraction of a
 * second on purpose: it runs on a worker thread, never on an event loop.
 */
public final class Passwords {

  /** The shortest password accepted. */
  public static final int MIN_LENGTH = 10;
  /** The longest: PBKDF2's cost grows with it, and no one types more. */
  public static final int MAX_LENGTH = 256;
  static final int ITERATIONS = 210_000;
  private static final String ALGORITHM = "pbkdf2";
  private static final HashingStrategy STRATEGY = HashingStrategy.load();
  private static final SecureRandom RANDOM = new SecureRandom();

  private Passwords() {
  }

  /**
   * Why a password is refused, or null when it is acceptable.
   */
  public static String problem(String password) {
    if (password == null || password.length() < MIN_LENGTH) {
      return "a password must have at least " + MIN_LENGTH + " characters";
    }
    if (password.length() > MAX_LENGTH) {
      return "a password must have at most " + MAX_LENGTH + " characters";
    }
    if (password.isBlank()) {
      return "a password must not be only spaces";
    }
    return null;
  }

  /** The hash to store, computed on a worker thread. */
  public static Future<String> hash(Vertx vertx, String password) {
    return vertx.executeBlocking(() -> hashNow(password), false);
  }

  /** Whether {@code password} matches {@code hash} (null: a user without a password — always false, as slowly). */
  public static Future<Boolean> verify(Vertx vertx, String hash, String password) {
    return vertx.executeBlocking(() -> {
      boolean matches = STRATEGY.verify(hash == null ? Decoy.HASH : hash, password == null ? "" : password);
      return hash != null && matches;
    }, false);
  }

  static String hashNow(String password) {
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return STRATEGY.hash(ALGORITHM, Map.of("it", String.valueOf(ITERATIONS)),
      Base64.getEncoder().withoutPadding().encodeToString(salt), password);
  }

  /**
   * Checked when the user does not exist or has no password, so that the answer takes as long as for a real user
   * and the time does not tell which names exist. A holder: computed on the first worker that needs it, not on
   * the event loop that loads this class.
   */
  private static final class Decoy {
    static final String HASH = hashNow("decoy password that no one has");
  }
}
