package io.storedash.gateway.auth;

import io.storedash.gateway.http.ParameterProblem;
import io.storedash.gateway.http.Problems;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;

import java.util.Set;

/** HQ's user management under {@code /api/v1/admin/users}, and the audit log at {@code /api/v1/admin/audit}. */
final class UserRoutes {

  private final Users users;
  private final Audit audit;

  UserRoutes(Users users, Audit audit) {
    this.users = users;
    this.audit = audit;
  }

  void create(RoutingContext rc) {
    String username;
    String password;
    Role role;
    Set<String> stores;
    Set<String> cities;
    try {
      JsonBody body = JsonBody.of(rc, Set.of("username", "password", "role", "stores", "cities"));
      username = body.requiredString("username");
      password = body.requiredString("password");
      role = body.role("role");
      if (role == null) {
        throw new ParameterProblem("role", "role is missing (hq, manager, viewer or ops)");
      }
      stores = body.strings("stores");
      cities = body.strings("cities");
    } catch (ParameterProblem e) {
      rc.fail(400, e);
      return;
    }
    users.create(username, password, role, stores == null ? Set.of() : stores, cities == null ? Set.of() : cities)
      .compose(user -> audit.record(rc, Audit.Action.USER_CREATED, user.username(), scope(user)).map(user))
      .onSuccess(user -> {
        rc.response().putHeader("Location", "/api/v1/admin/users/" + user.username());
        SessionRoutes.send(rc, 201, user.toJson());
      })
      .onFailure(e -> SessionRoutes.fail(rc, e));
  }

  void list(RoutingContext rc) {
    users.list().onSuccess(list -> SessionRoutes.send(rc, 200, new JsonObject()
        .put("users", new JsonArray(list.stream().map(User::toJson).toList()))))
      .onFailure(e -> SessionRoutes.fail(rc, e));
  }

  void get(RoutingContext rc) {
    String username = rc.pathParam("username");
    users.find(username).onSuccess(user -> {
      if (user == null) {
        rc.fail(404, unknown(username));
      } else {
        SessionRoutes.send(rc, 200, user.toJson());
      }
    }).onFailure(e -> SessionRoutes.fail(rc, e));
  }

  void change(RoutingContext rc) {
    String username = rc.pathParam("username");
    Users.Change change;
    try {
      JsonBody body = JsonBody.of(rc, Set.of("password", "role", "stores", "cities", "disabled"));
      change = new Users.Change(body.string("password"), body.role("role"), body.strings("stores"), body.strings("cities"),
        body.bool("disabled"));
    } catch (ParameterProblem e) {
      rc.fail(400, e);
      return;
    }
    users.update(username, change).compose(user -> {
      if (user == null) {
        return Future.failedFuture(unknown(username));
      }
      JsonObject detail = scope(user).put("disabled", user.disabled()).put("password_changed", change.password() != null);
      return audit.record(rc, Audit.Action.USER_CHANGED, username, detail).map(user);
    }).onSuccess(user -> SessionRoutes.send(rc, 200, user.toJson())).onFailure(e -> SessionRoutes.fail(rc, e));
  }

  void delete(RoutingContext rc) {
    String username = rc.pathParam("username");
    users.delete(username).compose(deleted -> deleted
        ? audit.record(rc, Audit.Action.USER_DELETED, username, null)
        : Future.failedFuture(unknown(username)))
      .onSuccess(v -> rc.response().setStatusCode(204).putHeader("Cache-Control", "no-store").end())
      .onFailure(e -> SessionRoutes.fail(rc, e));
  }

  /** GET /api/v1/admin/audit?limit=&before= */
  void audit(RoutingContext rc) {
    int limit;
    Long before;
    try {
      for (String name : rc.queryParams().names()) {
        if (!name.equals("limit") && !name.equals("before")) {
          throw new ParameterProblem(name, "unknown parameter '" + Problems.shown(name) + "'; this route takes before, limit");
        }
        if (rc.queryParams().getAll(name).size() > 1) {
          throw new ParameterProblem(name, "parameter " + name + " is given more than once");
        }
      }
      String limitText = rc.queryParams().get("limit");
      String beforeText = rc.queryParams().get("before");
      limit = limitText == null ? 100 : (int) whole("limit", limitText, 1, Audit.MAX_LIMIT);
      before = beforeText == null ? null : whole("before", beforeText, 1, Long.MAX_VALUE);
    } catch (ParameterProblem e) {
      rc.fail(400, e);
      return;
    }
    audit.recent(limit, before).onSuccess(entries -> SessionRoutes.send(rc, 200, new JsonObject().put("entries", entries)))
      .onFailure(e -> SessionRoutes.fail(rc, e));
  }

  private static long whole(String name, String text, long min, long max) {
    if (!text.matches("[0-9]{1,19}")) {
      throw new ParameterProblem(name, name + " must be a whole number from " + min + " to " + max + ", got '" + Problems.shown(text) + "'");
    }
    long value;
    try {
      value = Long.parseLong(text);
    } catch (NumberFormatException e) {
      value = Long.MAX_VALUE;
    }
    if (value < min || value > max) {
      throw new ParameterProblem(name, name + " must be a whole number from " + min + " to " + max + ", got " + text);
    }
    return value;
  }

  private static JsonObject scope(User user) {
    return new JsonObject().put("role", user.role().wireName())
      .put("stores", new JsonArray(user.stores().stream().sorted().toList()))
      .put("cities", new JsonArray(user.cities().stream().sorted().toList()));
  }

  private static HttpException unknown(String username) {
    return new HttpException(404, "no user named '" + Problems.shown(username) + "'");
  }
}
