package io.storedash.gateway.auth;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

import java.util.function.Predicate;

/**
 * Route handlers that let a request through only when its caller's role may: 401 without a caller, 403 with one
 * whose role may not. The authentication handler has run before (it puts the {@link Caller} on the context).
 */
public final class Guard {

  private Guard() {
  }

  /**
   * @param what  what the route is, for the 403's sentence ("user management", "imports")
   * @param roles the roles that may, for the 403's sentence ("hq", "hq or ops")
   */
  public static Handler<RoutingContext> require(String what, String roles, Predicate<Role> allowed) {
    return rc -> {
      if (allows(rc, what, roles, allowed)) {
        rc.next();
      }
    };
  }

  /**
   * Whether the request's caller has a role that may; when not, the request has been failed with 401 or 403.
   */
  public static boolean allows(RoutingContext rc, String what, String roles, Predicate<Role> allowed) {
    Caller caller = Caller.of(rc);
    if (caller == null) {
      Authentication.challenge(rc);
      rc.fail(401, new HttpException(401, what + " needs Authorization: Bearer <token> or a signed-in session"));
      return false;
    }
    if (!allowed.test(caller.role())) {
      rc.fail(403, new HttpException(403, what + " needs the role " + roles + "; " + caller.name() + " has the role "
        + caller.role().wireName()));
      return false;
    }
    return true;
  }
}
