package io.storedash.gateway.auth;

import io.storedash.gateway.http.ParameterProblem;
import io.storedash.gateway.http.Problems;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.Session;
import io.vertx.ext.web.handler.HttpException;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;
import java.util.TreeSet;

/**
 * {@code POST /api/v1/session} signs in with a user name and password, {@code GET} says who is signed in (with the
 * CSRF token the page sends back), {@code DELETE} signs out. A wrong password and an unknown name get the same
 * answer, as slowly; failures lock the name and the address for a while ({@link Lockout}).
 */
final class SessionRoutes {

  static final String WRONG = "wrong user name or password";
  private static final Logger LOG = LoggerFactory.getLogger(SessionRoutes.class);

  private final Users users;
  private final Sessions sessions;
  private final Lockout lockout;
  private final Audit audit;
  private final boolean singleSignOn;

  /** @param singleSignOn whether OIDC is configured: the 401 of {@code GET} then says so, for the page's link */
  SessionRoutes(Users users, Sessions sessions, Lockout lockout, Audit audit, boolean singleSignOn) {
    this.users = users;
    this.sessions = sessions;
    this.lockout = lockout;
    this.audit = audit;
    this.singleSignOn = singleSignOn;
  }

  void signIn(RoutingContext rc) {
    String username;
    String password;
    try {
      JsonBody body = JsonBody.of(rc, Set.of("username", "password"));
      username = body.requiredString("username");
      password = body.requiredString("password");
    } catch (ParameterProblem e) {
      rc.fail(400, e);
      return;
    }
    String address = Audit.address(rc);
    lockout.lockedFor(username, address).compose(locked -> {
      if (!locked.isZero()) {
        long seconds = Math.max(1, (locked.toMillis() + 999) / 1000);
        LOG.info("sign-in refused while locked: user '{}' from {} ({} s left)", Problems.shown(username), address, seconds);
        rc.response().putHeader("Retry-After", String.valueOf(seconds));
        return Future.failedFuture(new HttpException(429, "too many failed sign-ins for this user name or from this "
          + "address; try again in " + (seconds < 120 ? seconds + " s" : (seconds + 59) / 60 + " min")));
      }
      return users.verifyPassword(username, password).compose(user -> {
        if (user == null) {
          LOG.info("failed sign-in: user '{}' from {}", Problems.shown(username), address);
          return lockout.failed(username, address)
            .compose(v -> audit.record(Audit.Action.SIGN_IN_FAILED, null, username, address, null))
            .compose(v -> Future.failedFuture(new HttpException(401, WRONG)));
        }
        if (user.disabled()) {
          return audit.record(Audit.Action.SIGN_IN_FAILED, null, username, address, new JsonObject().put("reason", "disabled"))
            .compose(v -> Future.failedFuture(new HttpException(403, "this user is disabled; ask an hq user to enable it")));
        }
        LOG.info("signed in: user '{}' ({}) from {}", user.username(), user.role().wireName(), address);
        return lockout.succeeded(user.username())
          .compose(v -> sessions.signIn(rc, user.username(), "password"))
          .compose(session -> audit.record(Audit.Action.SIGN_IN, user.username(), user.username(), address,
              new JsonObject().put("how", "password"))
            .map(v -> describe(user, session)));
      });
    }).onSuccess(body -> send(rc, 200, body))
      .onFailure(e -> {
        if (e instanceof HttpException he && he.getStatusCode() == 401) {
          Authentication.challenge(rc);
        }
        rc.fail(e instanceof HttpException he ? he.getStatusCode() : 503, e instanceof HttpException ? e
          : new HttpException(503, "sign-in is unavailable for a moment (its database or Redis does not answer); retry shortly"));
      });
  }

  void whoAmI(RoutingContext rc) {
    Caller caller = Caller.of(rc);
    Session session = rc.get(Sessions.SESSION_KEY);
    if (caller == null || caller.via() != Caller.Via.SESSION || session == null) {
      String ended = rc.get(Sessions.ENDED_KEY);
      notSignedIn(rc, ended != null ? ended : "not signed in");
      return;
    }
    users.cached(caller.name()).onSuccess(user -> {
        if (user == null) {
          notSignedIn(rc, "your user no longer exists");
        } else {
          send(rc, 200, describe(user, session));
        }
      })
      .onFailure(e -> rc.fail(503, new HttpException(503, "sign-in is unavailable for a moment; retry shortly")));
  }

  /** The 401 of {@code GET}: with {@code "oidc": true} when single sign-on is configured, so the page offers it. */
  private void notSignedIn(RoutingContext rc, String detail) {
    Authentication.challenge(rc);
    JsonObject problem = Problems.problem(401, detail, rc.request().path());
    if (singleSignOn) {
      problem.put("oidc", true);
    }
    Problems.send(rc.response(), problem);
  }

  void signOut(RoutingContext rc) {
    Caller caller = Caller.of(rc);
    if (caller == null || caller.via() != Caller.Via.SESSION) {
      Authentication.challenge(rc);
      rc.fail(401, new HttpException(401, "not signed in"));
      return;
    }
    sessions.signOut(rc)
      .compose(v -> audit.record(rc, Audit.Action.SIGN_OUT, caller.name(), null))
      .onSuccess(v -> rc.response().setStatusCode(204).putHeader("Cache-Control", "no-store").end())
      .onFailure(e -> rc.fail(503, new HttpException(503, "sign-out did not reach Redis; retry")));
  }

  private static JsonObject describe(User user, Session session) {
    return new JsonObject()
      .put("user", user.username())
      .put("role", user.role().wireName())
      .put("stores", new JsonArray(new TreeSet<>(user.stores()).stream().toList()))
      .put("cities", new JsonArray(new TreeSet<>(user.cities()).stream().toList()))
      .put("csrf_token", Sessions.csrf(session));
  }

  /** A failure of a sign-in route: a bad member 400, the route's own status, anything else as the gateway maps it. */
  static void fail(RoutingContext rc, Throwable e) {
    if (e instanceof ParameterProblem) {
      rc.fail(400, e);
    } else if (e instanceof HttpException he) {
      rc.fail(he.getStatusCode(), e);
    } else {
      rc.fail(e);
    }
  }

  static void send(RoutingContext rc, int status, JsonObject body) {
    rc.response().setStatusCode(status)
      .putHeader("Content-Type", "application/json; charset=utf-8")
      .putHeader("Cache-Control", "no-store")
      .end(body.toBuffer());
  }
}
