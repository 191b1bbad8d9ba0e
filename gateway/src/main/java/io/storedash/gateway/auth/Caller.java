package io.storedash.gateway.auth;

import io.vertx.ext.web.RoutingContext;

/**
 * Who sent a request, once authenticated: put on the routing context by the authentication handler, read by every
 * route that checks a role or a store.
 *
 * @param name   the user's name (for an API token, its creator's; {@code admin-token} for the break-glass token)
 * @param role   what the caller may do
 * @param access which stores the caller may see
 * @param via    how the request was authenticated (state-changing requests with a session need a CSRF token)
 * @param client whose admission budget the request's uncached computations are charged to (docs/DESIGN.md §12.3):
 *               {@code user:<name>} for a session (all of a user's sessions share one), {@code token:<id>} for an
 *               API token (each its own), {@code admin-token} for the break-glass token
 */
public record Caller(String name, Role role, Access access, Via via, String client) {

  /** A caller named after its user: {@code user:<name>}. */
  public Caller(String name, Role role, Access access, Via via) {
    this(name, role, access, via, "user:" + name);
  }

  /** The routing-context key of the request's caller. */
  public static final String KEY = "storedash.caller";

  public enum Via {
    /** A session cookie (password or single sign-on). */
    SESSION,
    /** An API token. */
    API_TOKEN,
    /** The configured ADMIN_TOKEN: an {@code hq} credential for bootstrap and emergencies. */
    BREAK_GLASS
  }

  public static Caller breakGlass() {
    return new Caller("admin-token", Role.HQ, Access.EVERY_STORE, Via.BREAK_GLASS,
      io.storedash.common.RequestHeaders.OPERATOR_CLIENT);
  }

  /** The request's caller, or null when it is not authenticated (a public route). */
  public static Caller of(RoutingContext rc) {
    return rc.get(KEY);
  }

  /** The access actually in force: every store for hq whatever is assigned. */
  public Access effectiveAccess() {
    return role.seesEveryStore() ? Access.EVERY_STORE : access;
  }
}
