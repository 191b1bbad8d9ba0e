package io.storedash.gateway.auth;

import java.util.Objects;

/**
 * Who the single sign-on issuer says signed in, with what StoreDash lets them do, read from the verified id token's
 * claims ({@link OidcClaims}). The session is built from it by {@link OidcSignIn.Establish}.
 *
 * @param username the user's name (the configured username claim, else {@code sub}); fits the users table's rule
 * @param role     the role claim's value
 * @param access   the stores and cities claims' values; every store for {@code hq}
 */
public record OidcIdentity(String username, Role role, Access access) {

  public OidcIdentity {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(access, "access");
  }
}
