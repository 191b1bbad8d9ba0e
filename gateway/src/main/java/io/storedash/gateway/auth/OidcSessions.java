package io.storedash.gateway.auth;

import io.storedash.gateway.http.ParameterProblem;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The session of a user the single sign-on issuer vouched for, made exactly as a password sign-in makes it: the user
 * is created or brought up to date from the identity ({@link Users#signInFromIssuer}, which tells every gateway it
 * changed), then a new session id and CSRF token ({@link Sessions#signIn}) and a {@code sign_in} audit row. A user
 * of that name with a password, or one disabled here, is refused 403 with a {@code sign_in_failed} row and no session.
 */
final class OidcSessions implements OidcSignIn.Establish {

  static final String HOW = "oidc";
  private static final Logger LOG = LoggerFactory.getLogger(OidcSessions.class);

  private final Users users;
  private final Sessions sessions;
  private final Audit audit;

  OidcSessions(Users users, Sessions sessions, Audit audit) {
    this.users = users;
    this.sessions = sessions;
    this.audit = audit;
  }

  @Override
  public Future<Void> establish(RoutingContext rc, OidcIdentity identity) {
    String username = identity.username();
    String address = Audit.address(rc);
    return users.signInFromIssuer(identity)
      .recover(e -> Future.failedFuture(refusalOf(identity, e)))
      .compose(outcome -> {
        if (outcome.refusal() != null) {
          OidcRefusal refusal = OidcRefusal.forbidden(sentence(username, outcome.refusal()));
          return failed(username, address, outcome.refusal().wireName()).compose(v -> Future.failedFuture(refusal));
        }
        User user = outcome.user();
        LOG.info("signed in: user '{}' ({}) through single sign-on from {}", username, user.role().wireName(), address);
        return sessions.signIn(rc, username, HOW)
          .compose(session -> audit.record(Audit.Action.SIGN_IN, username, username, address,
            new JsonObject().put("how", HOW)));
      }, e -> e instanceof OidcRefusal refusal && refusal.status() == 403
        ? failed(username, address, "claims").compose(v -> Future.failedFuture(e))
        : Future.failedFuture(e));
  }

  private Future<Void> failed(String username, String address, String reason) {
    LOG.info("single sign-on refused: user '{}' from {} ({})", username, address, reason);
    return audit.record(Audit.Action.SIGN_IN_FAILED, null, username, address,
      new JsonObject().put("how", HOW).put("reason", reason));
  }

  static String sentence(String username, Users.IssuerRefusal refusal) {
    return switch (refusal) {
      case PASSWORD_USER -> "the user '" + username + "' signs in with a password here, so the single sign-on "
        + "account of that name may not use it: sign in with the password, or ask an hq user to rename one of them";
      case DISABLED -> "the user '" + username + "' is disabled in StoreDash; ask an hq user to enable it";
    };
  }

  /** The identity's stores or cities that are not valid assignments refuse it; a user changed meanwhile asks to retry. */
  private static Throwable refusalOf(OidcIdentity identity, Throwable e) {
    if (e instanceof ParameterProblem problem) {
      return OidcRefusal.forbidden("the single sign-on account '" + identity.username() + "' has " + problem.parameter()
        + " StoreDash cannot assign: " + problem.getMessage());
    }
    if (e instanceof HttpException he && he.getStatusCode() == 503) {
      return OidcRefusal.unauthorized(he.getPayload());
    }
    return e;
  }
}
