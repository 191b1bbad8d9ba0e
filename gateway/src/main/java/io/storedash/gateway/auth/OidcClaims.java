package io.storedash.gateway.auth;

import io.storedash.common.config.OidcConfig;
import io.storedash.gateway.http.Problems;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads a StoreDash identity from a verified id token's claims, under the claim names of {@link OidcConfig}. Issuers
 * differ in how they write a list (Keycloak's attribute mappers write a JSON array or a single string, an Azure AD app
 * role comes as an array), so a role may be a string or a one-element array, and stores and cities an array or a
 * comma-separated string.
 */
public final class OidcClaims {

  /** The users table's rule for a user name. */
  static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{1,64}");
  private static final int MAX_ASSIGNED = 10_000;
  private static final int MAX_VALUE_LENGTH = 200;

  private final OidcConfig config;

  public OidcClaims(OidcConfig config) {
    this.config = config;
  }

  /**
   * @param claims the id token's payload, already verified (signature, issuer, audience, expiry, nonce)
   * @throws OidcRefusal 403 with a sentence naming the claim when the token does not make a StoreDash user
   */
  public OidcIdentity identity(Map<String, ?> claims) {
    String username = username(claims);
    Role role = role(claims, username);
    Access access = role.seesEveryStore()
      ? Access.EVERY_STORE
      : Access.of(list(claims, config.storesClaim(), username), list(claims, config.citiesClaim(), username));
    return new OidcIdentity(username, role, access);
  }

  private String username(Map<String, ?> claims) {
    String claim = config.usernameClaim();
    Object value = claims.get(claim);
    if (!(value instanceof String s) || s.isBlank()) {
      claim = "sub";
      value = claims.get(claim);
    }
    if (!(value instanceof String name) || name.isBlank()) {
      throw OidcRefusal.forbidden("the single sign-on answer names no user: it has neither the claim '"
        + config.usernameClaim() + "' (OIDC_USERNAME_CLAIM) nor 'sub'");
    }
    if (!USERNAME.matcher(name).matches()) {
      throw OidcRefusal.forbidden("the user name '" + Problems.shown(name) + "' from the claim '" + claim + "' cannot be a "
        + "StoreDash user name (1 to 64 letters, digits, '.', '_', '@' or '-'); ask an administrator to set "
        + "OIDC_USERNAME_CLAIM to a claim that fits, such as sub");
    }
    return name;
  }

  private Role role(Map<String, ?> claims, String username) {
    String claim = config.roleClaim();
    Object value = claims.get(claim);
    if (value instanceof Iterable<?> values) {
      List<Object> all = new ArrayList<>();
      values.forEach(all::add);
      if (all.size() > 1) {
        throw OidcRefusal.forbidden("the account '" + username + "' has several StoreDash roles in the claim '"
          + claim + "' " + Problems.shown(all.toString()) + "; ask an administrator of the single sign-on to give it exactly one of "
          + "hq, manager, viewer, ops");
      }
      value = all.isEmpty() ? null : all.get(0);
    }
    if (!(value instanceof String name) || name.isBlank()) {
      throw OidcRefusal.forbidden("the account '" + username + "' has no StoreDash role: ask an administrator of the "
        + "single sign-on to give it the claim '" + claim + "' with one of hq, manager, viewer, ops");
    }
    try {
      return Role.fromWire(name.trim().toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw OidcRefusal.forbidden("the account '" + username + "' has the role '" + Problems.shown(name) + "' in the claim '"
        + claim + "', which StoreDash does not know: it must be one of hq, manager, viewer, ops");
    }
  }

  /** An absent claim is an empty list: a manager or viewer may be given only stores, or only cities. */
  private static Set<String> list(Map<String, ?> claims, String claim, String username) {
    Object value = claims.get(claim);
    Set<String> out = new LinkedHashSet<>();
    if (value == null) {
      return out;
    }
    List<Object> items = new ArrayList<>();
    if (value instanceof String s) {
      items.addAll(List.of(s.split(",")));
    } else if (value instanceof Iterable<?> values) {
      values.forEach(items::add);
    } else {
      items.add(value);
    }
    for (Object item : items) {
      if (!(item instanceof String) && !(item instanceof Number)) {
        throw OidcRefusal.forbidden("the claim '" + claim + "' of the account '" + username + "' must be a list of "
          + "names (a JSON array of strings or a comma-separated string)");
      }
      String name = String.valueOf(item).trim();
      if (name.length() > MAX_VALUE_LENGTH) {
        throw OidcRefusal.forbidden("the claim '" + claim + "' of the account '" + username + "' holds a name longer than "
          + MAX_VALUE_LENGTH + " characters: " + Problems.shown(name));
      }
      if (!name.isEmpty()) {
        out.add(name);
      }
    }
    if (out.size() > MAX_ASSIGNED) {
      throw OidcRefusal.forbidden("the claim '" + claim + "' of the account '" + username + "' names more than "
        + MAX_ASSIGNED + " entries");
    }
    return out;
  }
}
