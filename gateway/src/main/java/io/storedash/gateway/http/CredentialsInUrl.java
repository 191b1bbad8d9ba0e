package io.storedash.gateway.http;

import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Refuses, on every route, a URL that carries a credential: a query parameter named like one ({@code token},
 * {@code access_token}, {@code api_key}, ...) or whose value is the admin token. URLs end up in proxy and browser
 * history and in access logs elsewhere; the token belongs in {@code Authorization: Bearer}. Such a request is
 * answered 400 before anything else reads it — even with a valid header — so that a client that leaks its token this
 * way learns it at once. A query string that cannot be decoded is refused here too, with its reason.
 */
public final class CredentialsInUrl implements Handler<RoutingContext> {

  /** Parameter names that carry credentials in the usual APIs, compared in lower case. */
  static final Set<String> CREDENTIAL_NAMES = Set.of("token", "access_token", "admin_token", "id_token", "auth",
    "authorization", "bearer", "api_key", "apikey", "key", "password", "passwd", "secret", "client_secret");

  private final AdminToken token;

  public CredentialsInUrl(AdminToken token) {
    this.token = token;
  }

  @Override
  public void handle(RoutingContext rc) {
    if (admits(rc)) {
      rc.next();
    }
  }

  /** Whether the URL carries no credential; when it does, the 400 has been sent. */
  public boolean admits(RoutingContext rc) {
    if (rc.request().query() == null) {
      return true;
    }
    MultiMap params;
    try {
      params = rc.queryParams();
    } catch (RuntimeException e) {
      Problems.send(rc.response(), Problems.problem(400, "the query string is not valid URL encoding (a '%' must be "
        + "followed by two hex digits)", rc.request().path()).put("parameter", "query"));
      return false;
    }
    for (Map.Entry<String, String> param : params) {
      String name = param.getKey();
      if (CREDENTIAL_NAMES.contains(name.toLowerCase(Locale.ROOT)) || token.matches(param.getValue())) {
        Problems.send(rc.response(), Problems.problem(400, "credentials are not accepted in the URL (parameter '"
          + Problems.shown(name) + "'): URLs are kept in logs and browser history. Send the header Authorization: "
          + "Bearer <token>, and replace a token that was sent this way", rc.request().path()).put("parameter", name));
        return false;
      }
    }
    return true;
  }
}
