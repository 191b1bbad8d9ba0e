package io.storedash.common.config;

import java.time.Duration;

/**
 * How long a gateway session lasts and how hard password guessing is made (docs/OPERATIONS.md, "Sign-in").
 *
 * @param idleTimeout  SESSION_IDLE_TIMEOUT: a session unused this long is signed out
 * @param maxAge       SESSION_MAX_AGE: a session this old is signed out however busy it is
 * @param cookieSecure SESSION_COOKIE_SECURE: the session cookie is sent over HTTPS only (true behind TLS)
 * @param userLimit    SIGN_IN_USER_LIMIT: failed sign-ins for one user name within {@code lockout} that lock the name
 * @param addressLimit SIGN_IN_ADDRESS_LIMIT: failed sign-ins from one address within {@code lockout} that lock it
 * @param lockout      SIGN_IN_LOCKOUT: the window the failures are counted in, and how long a lock lasts
 */
public record SignInPolicy(Duration idleTimeout, Duration maxAge, boolean cookieSecure, int userLimit, int addressLimit,
                           Duration lockout) {

  public static final SignInPolicy DEFAULT = new SignInPolicy(Duration.ofMinutes(30), Duration.ofHours(12), false, 5, 20,
    Duration.ofMinutes(15));
}
