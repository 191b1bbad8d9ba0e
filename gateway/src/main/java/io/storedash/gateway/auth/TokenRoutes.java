package io.storedash.gateway.auth;

import io.storedash.gateway.http.ParameterProblem;
import io.storedash.gateway.http.Problems;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

import java.util.Set;

/**
 * {@code /api/v1/tokens}: a signed-in user creates API tokens for scripts and tools (no wider than themselves),
 * lists and revokes their own; hq lists ({@code ?all=true}) and revokes anyone's.
 */
final class TokenRoutes {

  private final ApiTokens tokens;
  private final Audit audit;

  TokenRoutes(ApiTokens tokens, Audit audit) {
    this.tokens = tokens;
    this.audit = audit;
  }

  void create(RoutingContext rc) {
    Caller caller = Caller.of(rc);
    if (caller.via() != Caller.Via.SESSION) {
      // A token minting tokens would outlive its own expiry and revocation; the admin token is no user to own one.
      rc.fail(403, new HttpException(403, "API tokens are created by a signed-in user (POST /api/v1/session), not with "
        + (caller.via() == Caller.Via.BREAK_GLASS ? "the admin token" : "another token")));
      return;
    }
    String name;
    Role role;
    Set<String> stores;
    Set<String> cities;
    Integer expiresDays;
    try {
      JsonBody body = JsonBody.of(rc, Set.of("name", "role", "stores", "cities", "expires_days"));
      name = body.requiredString("name");
      role = body.role("role");
      stores = body.strings("stores");
      cities = body.strings("cities");
      expiresDays = body.integer("expires_days");
    } catch (ParameterProblem e) {
      rc.fail(400, e);
      return;
    }
    tokens.create(caller, name, role, stores, cities, expiresDays)
      .compose(created -> audit.record(rc, Audit.Action.TOKEN_CREATED, created.token().id(), new JsonObject()
        .put("name", name).put("role", created.token().role().wireName())).map(created))
      .onSuccess(created -> SessionRoutes.send(rc, 201, created.toJson()))
      .onFailure(e -> SessionRoutes.fail(rc, e));
  }

  void list(RoutingContext rc) {
    Caller caller = Caller.of(rc);
    String all = rc.queryParams().get("all");
    for (String parameter : rc.queryParams().names()) {
      if (!parameter.equals("all")) {
        rc.fail(400, new ParameterProblem(parameter, "unknown parameter '" + Problems.shown(parameter) + "'; this route takes all"));
        return;
      }
    }
    if (all != null && !all.equals("true") && !all.equals("false")) {
      rc.fail(400, new ParameterProblem("all", "all must be true or false"));
      return;
    }
    boolean everyone = "true".equals(all);
    if (everyone && !caller.role().administers()) {
      rc.fail(403, new HttpException(403, "every user's tokens are listed for hq only"));
      return;
    }
    tokens.list(everyone ? null : caller.name())
      .onSuccess(list -> SessionRoutes.send(rc, 200, new JsonObject()
        .put("tokens", new JsonArray(list.stream().map(ApiToken::toJson).toList()))))
      .onFailure(e -> SessionRoutes.fail(rc, e));
  }

  void revoke(RoutingContext rc) {
    Caller caller = Caller.of(rc);
    String id = rc.pathParam("id");
    tokens.find(id).compose(token -> {
      // Someone else's token is as unknown as one that does not exist, unless hq asks.
      if (token == null || !(token.username().equals(caller.name()) || caller.role().administers())) {
        return Future.failedFuture(new HttpException(404, "no API token with the id '" + Problems.shown(id) + "'"));
      }
      return tokens.revoke(id).compose(revoked -> audit.record(rc, Audit.Action.TOKEN_REVOKED, id,
        new JsonObject().put("owner", token.username())));
    }).onSuccess(v -> rc.response().setStatusCode(204).putHeader("Cache-Control", "no-store").end())
      .onFailure(e -> SessionRoutes.fail(rc, e));
  }
}
