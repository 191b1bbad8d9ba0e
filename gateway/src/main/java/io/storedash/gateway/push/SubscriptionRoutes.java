package io.storedash.gateway.push;

import io.storedash.common.Addresses;
import io.storedash.common.Failure;
import io.storedash.common.security.MessageSignatures;
import io.storedash.gateway.auth.Access;
import io.storedash.gateway.auth.Audit;
import io.storedash.gateway.auth.Caller;
import io.storedash.gateway.auth.Guard;
import io.storedash.gateway.auth.StoreDirectory;
import io.storedash.gateway.http.ParameterProblem;
import io.storedash.gateway.http.Problems;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.HttpException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Push subscriptions (docs/DESIGN.md §14.2) as the gateway serves them: {@code /api/v1/subscriptions} (create, list),
 * {@code /api/v1/subscriptions/{id}} (delete), {@code .../test} (a test-send) and {@code .../deliveries} (the log).
 * The gateway authenticates the caller (CSRF for a session, as on every change), limits the body, and checks every
 * store the subscription names against the caller's access, answering a foreign store exactly as an unknown one
 * (404); then it asks monitor-service's push verticle, signed, on the caller's behalf, which owns the rest.
 */
public final class SubscriptionRoutes {

  public static final String PATH = "/api/v1/subscriptions";
  /** A subscription's JSON: a name, a webhook URL and a secret, some store codes. */
  public static final long BODY_LIMIT = 16 * 1024;

  private final Vertx vertx;
  private final MessageSignatures signatures;
  private final StoreDirectory directory;
  private final Duration timeout;
  private final Audit audit;

  public SubscriptionRoutes(Vertx vertx, MessageSignatures signatures, StoreDirectory directory, Duration timeout, Audit audit) {
    this.vertx = vertx;
    this.signatures = signatures;
    this.directory = directory;
    this.timeout = timeout;
    this.audit = audit;
  }

  public void mount(Router router) {
    Handler<RoutingContext> signedIn = Guard.require("push subscriptions", "hq, manager, viewer or ops", role -> true);
    // The caller is checked on a route of its own: Vert.x Web puts a body handler first on any route it is on.
    router.post(PATH).handler(signedIn);
    router.post(PATH).handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT)).handler(this::create);
    router.get(PATH).handler(signedIn).handler(rc -> noParameters(rc, List.of()).compose(v -> ask(rc, "list", null))
      .onSuccess(answer -> send(rc, 200, answer)).onFailure(e -> fail(rc, e)));
    router.delete(PATH + "/:id").handler(signedIn).handler(rc -> noParameters(rc, List.of())
      .compose(v -> ask(rc, "delete", new JsonObject().put("id", rc.pathParam("id"))))
      .compose(deleted -> audit.record(rc, Audit.Action.SUBSCRIPTION_DELETED, rc.pathParam("id"), null))
      .onSuccess(answer -> rc.response().setStatusCode(204).putHeader("Cache-Control", "no-store").end())
      .onFailure(e -> fail(rc, e)));
    router.post(PATH + "/:id/test").handler(signedIn).handler(rc -> noParameters(rc, List.of())
      .compose(v -> ask(rc, "test", new JsonObject().put("id", rc.pathParam("id"))))
      .onSuccess(answer -> send(rc, 200, answer)).onFailure(e -> fail(rc, e)));
    router.get(PATH + "/:id/deliveries").handler(signedIn).handler(rc -> noParameters(rc, List.of("limit"))
      .compose(v -> ask(rc, "deliveries", new JsonObject().put("id", rc.pathParam("id")).put("limit", limit(rc))))
      .onSuccess(answer -> send(rc, 200, answer)).onFailure(e -> fail(rc, e)));
  }

  private void create(RoutingContext rc) {
    JsonObject form;
    try {
      form = form(rc);
    } catch (ParameterProblem e) {
      rc.fail(400, e);
      return;
    }
    Caller caller = Caller.of(rc);
    // A user's subscription follows its owner's access at every delivery; the break-glass token is no user.
    if (caller.via() == Caller.Via.BREAK_GLASS && !"group".equals(form.getValue("scope"))) {
      rc.fail(403, new HttpException(403, "the admin token is no user: it may only make HQ's store groups (scope group); "
        + "sign in to subscribe for yourself"));
      return;
    }
    withinAccess(caller, form.getValue("stores"))
      .compose(v -> ask(rc, "create", new JsonObject().put("subscription", form)))
      // The audit row names where it goes by host only: the URL holds the robot's key.
      .compose(created -> audit.record(rc, Audit.Action.SUBSCRIPTION_CREATED, created.getString("id"), new JsonObject()
        .put("platform", created.getString("platform")).put("webhook_host", created.getString("webhook_host"))
        .put("scope", created.getString("scope")).put("stores", created.getJsonArray("stores"))).map(created))
      .onSuccess(created -> {
        rc.response().putHeader("Location", PATH + "/" + created.getString("id"));
        send(rc, 201, created);
      })
      .onFailure(e -> fail(rc, e));
  }

  private static JsonObject form(RoutingContext rc) {
    Buffer body = rc.body() == null ? null : rc.body().buffer();
    if (body == null || body.length() == 0) {
      throw new ParameterProblem("body", "the body must be a JSON object: name, platform, webhook, stores, digest_time, alerts, ...");
    }
    try {
      if (Json.decodeValue(body) instanceof JsonObject object) {
        return object;
      }
    } catch (DecodeException e) {
      throw new ParameterProblem("body", "the body is not valid JSON");
    }
    throw new ParameterProblem("body", "the body must be a JSON object");
  }

  /**
   * Every store named must be one the caller may see; {@code "all"} stands for the caller's own stores and is
   * narrowed to them at every delivery. A foreign store is refused as an unknown one.
   */
  private Future<Void> withinAccess(Caller caller, Object stores) {
    Access access = caller.effectiveAccess();
    if (access.everyStore() || !(stores instanceof JsonArray list)) {
      return Future.succeededFuture();
    }
    Future<Void> known = access.cities().isEmpty() ? Future.succeededFuture() : directory.loaded();
    return known.compose(v -> {
      List<String> foreign = new ArrayList<>();
      for (Object code : list) {
        if (code instanceof String store && !store.equals("all") && !directory.allows(access, store)) {
          foreign.add(store);
        }
      }
      return foreign.isEmpty() ? Future.succeededFuture()
        : Future.failedFuture(Failure.unknownStore(Problems.shown(foreign.get(0))));
    });
  }

  private Future<JsonObject> ask(RoutingContext rc, String action, JsonObject request) {
    Caller caller = Caller.of(rc);
    JsonObject body = (request == null ? new JsonObject() : request).put("action", action)
      .put("caller", new JsonObject().put("name", caller.name()).put("role", caller.role().wireName()));
    DeliveryOptions options = signatures.sign(Addresses.PUSH_SUBSCRIPTIONS, body,
      new DeliveryOptions().setSendTimeout(timeout.toMillis()));
    return vertx.eventBus().<JsonObject>request(Addresses.PUSH_SUBSCRIPTIONS, body, options).map(Message::body);
  }

  private static Future<Void> noParameters(RoutingContext rc, List<String> allowed) {
    for (String name : rc.queryParams().names()) {
      if (!allowed.contains(name)) {
        return Future.failedFuture(new ParameterProblem(name, "unknown parameter '" + Problems.shown(name) + "'"
          + (allowed.isEmpty() ? "; this route takes none" : "; this route takes " + String.join(", ", allowed))));
      }
      if (rc.queryParams().getAll(name).size() > 1) {
        return Future.failedFuture(new ParameterProblem(name, "parameter " + name + " is given more than once"));
      }
    }
    return Future.succeededFuture();
  }

  private static int limit(RoutingContext rc) {
    String text = rc.queryParams().get("limit");
    if (text == null) {
      return 50;
    }
    if (!text.matches("[0-9]{1,3}") || Integer.parseInt(text) < 1 || Integer.parseInt(text) > 100) {
      throw new ParameterProblem("limit", "limit must be a whole number from 1 to 100, got '" + Problems.shown(text) + "'");
    }
    return Integer.parseInt(text);
  }

  private static void send(RoutingContext rc, int status, JsonObject body) {
    rc.response().setStatusCode(status).putHeader("Content-Type", "application/json")
      .putHeader("Cache-Control", "no-store").end(body.toBuffer());
  }

  private static void fail(RoutingContext rc, Throwable e) {
    if (e instanceof ParameterProblem problem) {
      rc.fail(400, problem);
    } else if (e instanceof HttpException he) {
      rc.fail(he.getStatusCode(), he);
    } else {
      rc.fail(Failure.of(e).httpStatus(), e);
    }
  }
}
