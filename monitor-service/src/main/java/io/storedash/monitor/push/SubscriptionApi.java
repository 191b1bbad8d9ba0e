package io.storedash.monitor.push;

import io.storedash.common.config.PushPolicy;
import io.vertx.core.Future;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Answers {@link io.storedash.common.Addresses#PUSH_SUBSCRIPTIONS}: the gateway's signed requests on behalf of a caller
 * it authenticated and whose stores it checked — {@code {"action": "create" | "list" | "delete" | "test" |
 * "deliveries", "caller": {"name", "role"}, ...}}. Here the subscription's own rules are checked: who may own which
 * kind, which rules a role may ask for, the platform, format and webhook (SSRF guard), the time. A subscription that
 * is not the caller's answers exactly as one that does not exist (404).
 */
final class SubscriptionApi {

  /** Subscriptions one user may own; HQ's store groups together. */
  static final int MAX_PER_USER = 20;
  static final int MAX_GROUPS = 200;
  static final int MAX_STORES = 500;
  static final int MAX_DELIVERIES = 100;
  /** One test-send per subscription in this many seconds: a flood of clicks reaches the robot once. */
  static final int TEST_WINDOW_SECONDS = 10;
  private static final Pattern STORE = Pattern.compile("[A-Za-z0-9_-]{1,32}");
  private static final Set<String> MEMBERS = Set.of("name", "platform", "format", "webhook", "secret", "scope", "stores",
    "lang", "digest_time", "alerts");

  private final Subscriptions subscriptions;
  private final Deliveries deliveries;
  private final Deliverer deliverer;
  private final SecretBox box;
  private final PushPolicy policy;
  private final ZoneId chainZone;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  SubscriptionApi(Subscriptions subscriptions, Deliveries deliveries, Deliverer deliverer, SecretBox box, PushPolicy policy,
                  ZoneId chainZone, Clock clock) {
    this.subscriptions = subscriptions;
    this.deliveries = deliveries;
    this.deliverer = deliverer;
    this.box = box;
    this.policy = policy;
    this.chainZone = chainZone;
    this.clock = clock;
  }

  /** A caller as the gateway vouches for it. */
  record Caller(String name, String role) {
    boolean hq() {
      return role.equals("hq");
    }
  }

  void handle(Message<JsonObject> message) {
    JsonObject body = message.body();
    Future<JsonObject> answer;
    try {
      JsonObject who = body.getJsonObject("caller");
      Caller caller = new Caller(who.getString("name"), who.getString("role"));
      answer = switch (String.valueOf(body.getString("action"))) {
        case "create" -> create(caller, body.getJsonObject("subscription"));
        case "list" -> subscriptions.visibleTo(caller.name(), caller.hq())
          .map(list -> new JsonObject().put("subscriptions", Subscriptions.json(list)));
        case "delete" -> mine(caller, body.getString("id")).compose(s -> subscriptions.delete(s.id()))
          .map(v -> new JsonObject().put("deleted", body.getString("id")));
        case "test" -> mine(caller, body.getString("id")).compose(this::test);
        case "deliveries" -> mine(caller, body.getString("id")).compose(s -> deliveries.list(s.id(),
          Math.max(1, Math.min(body.getInteger("limit", 50), MAX_DELIVERIES))).map(list -> new JsonObject()
          .put("subscription", s.id()).put("deliveries", list)));
        default -> Future.failedFuture(new ReplyException(io.vertx.core.eventbus.ReplyFailure.RECIPIENT_FAILURE, 400,
          "unknown action"));
      };
    } catch (RuntimeException e) {
      answer = Future.failedFuture(refused(400, "a push request must name its action and caller"));
    }
    answer.onSuccess(message::reply).onFailure(e -> {
      if (e instanceof ReplyException reply) {
        message.fail(reply.failureCode(), reply.getMessage());
      } else {
        message.fail(500, "push could not do that: " + Deliverer.detail(e));
      }
    });
  }

  private Future<Subscription> mine(Caller caller, String id) {
    return subscriptions.find(id == null ? "" : id).compose(found -> {
      boolean visible = found.map(s -> s.scope().equals(Subscription.GROUP) ? caller.hq() : s.owner().equals(caller.name()))
        .orElse(false);
      return visible ? Future.succeededFuture(found.get())
        : Future.failedFuture(refused(404, "no subscription '" + shown(id) + "'"));
    });
  }

  private Future<JsonObject> create(Caller caller, JsonObject form) {
    Subscription subscription;
    try {
      subscription = parse(caller, form);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(refused(400, e.getMessage()));
    }
    int limit = subscription.scope().equals(Subscription.GROUP) ? MAX_GROUPS : MAX_PER_USER;
    return subscriptions.countOwnedBy(caller.name(), subscription.scope()).compose(count -> count >= limit
        ? Future.failedFuture(refused(409, "at most " + limit + " subscriptions of this kind; delete one first"))
        : zoned(subscription))
      .compose(zoned -> subscriptions.insert(zoned).map(zoned.toJson()));
  }

  /** A single store's digest is at its own local time; any other at the chain's (TIMEZONE). */
  private Future<Subscription> zoned(Subscription s) {
    Future<ZoneId> zone = s.stores().size() == 1 && !s.wholeScope()
      ? subscriptions.timezoneOf(s.stores().get(0)).map(z -> z.map(ZoneId::of).orElse(chainZone))
      : Future.succeededFuture(chainZone);
    return zone.map(z -> new Subscription(s.id(), s.owner(), s.scope(), s.name(), s.platform(), s.format(), s.webhookHost(),
      s.sealedWebhook(), s.sealedSecret(), s.webhookKey(), s.stores(), s.lang(), s.digestTime(), z,
      s.digestTime() == null ? null : Schedule.next(s.digestTime(), z, clock.instant()), s.alerts(), s.createdAt()));
  }

  private Future<JsonObject> test(Subscription subscription) {
    Instant now = clock.instant();
    String key = subscription.id() + ":test:" + now.getEpochSecond() / TEST_WINDOW_SECONDS;
    return deliveries.claim(subscription.id(), key, "test", new JsonObject(), null, 1, now).compose(claimed -> {
      if (claimed.isEmpty()) {
        return Future.failedFuture(refused(429, "a test was sent to this subscription less than " + TEST_WINDOW_SECONDS
          + " s ago; retry after " + TEST_WINDOW_SECONDS + " s"));
      }
      return deliverer.sendNow(claimed.get()).compose(status -> deliveries.list(subscription.id(), 1))
        .map(list -> new JsonObject().put("delivery", list.getJsonObject(0)));
    });
  }

  /** @throws IllegalArgumentException naming the member and what it takes */
  Subscription parse(Caller caller, JsonObject form) {
    if (form == null) {
      throw new IllegalArgumentException("the subscription is missing");
    }
    for (String name : form.fieldNames()) {
      if (!MEMBERS.contains(name)) {
        throw new IllegalArgumentException("unknown member '" + shown(name) + "'");
      }
    }
    String name = text(form, "name", 1, 100, true);
    Platform platform = Platform.fromWire(text(form, "platform", 1, 20, true));
    String format = Optional.ofNullable(text(form, "format", 1, 20, false)).orElse(platform.formats().get(0));
    if (!platform.formats().contains(format)) {
      throw new IllegalArgumentException("format of " + platform.wireName() + " must be one of " + platform.formats());
    }
    String url = text(form, "webhook", 1, 2048, true);
    WebhookUrl webhook = WebhookUrl.check(platform, url, policy.allowedHosts());
    String secret = text(form, "secret", 1, 256, false);
    String scope = Optional.ofNullable(text(form, "scope", 1, 10, false)).orElse(Subscription.USER);
    if (!scope.equals(Subscription.USER) && !scope.equals(Subscription.GROUP)) {
      throw new IllegalArgumentException("scope must be user or group");
    }
    if (scope.equals(Subscription.GROUP) && !caller.hq()) {
      throw new IllegalArgumentException("a store group's subscription (scope group) is for hq");
    }
    String lang = Optional.ofNullable(text(form, "lang", 2, 2, false)).orElse("zh");
    if (!lang.equals("zh") && !lang.equals("en")) {
      throw new IllegalArgumentException("lang must be zh or en");
    }
    LocalTime digestTime = digestTime(text(form, "digest_time", 1, 5, false));
    JsonArray alerts = alerts(form.getValue("alerts"));
    List<String> stores = stores(form.getValue("stores"));
    checkRole(caller, digestTime != null || alerts.stream().anyMatch(a -> ((JsonObject) a).getString("rule").equals(Alerts.LOSING_ORDER)),
      alerts.stream().anyMatch(a -> ((JsonObject) a).getString("rule").equals(Alerts.MONITOR_RED)), stores);
    if (digestTime == null && alerts.isEmpty()) {
      throw new IllegalArgumentException("a subscription needs a digest_time, alerts or both");
    }
    String id = newId();
    return new Subscription(id, caller.name(), scope, name, platform, format, webhook.host(), box.seal(url, id),
      secret == null ? null : box.seal(secret, id), sha256(url), stores, lang, digestTime, chainZone, null, alerts,
      clock.instant());
  }

  /** Sales (digest, losing orders) need a role that reads them and some stores; the monitor's red, ops or hq. */
  private static void checkRole(Caller caller, boolean sales, boolean monitor, List<String> stores) {
    if (sales && caller.role().equals("ops")) {
      throw new IllegalArgumentException("the digest and sales alerts need a role that reads sales figures; ops has none");
    }
    if (monitor && !caller.role().equals("ops") && !caller.hq()) {
      throw new IllegalArgumentException("the monitor_red alert is for ops and hq");
    }
    if (sales && stores.isEmpty()) {
      throw new IllegalArgumentException("stores is missing: the store codes, or [\"all\"]");
    }
  }

  private static LocalTime digestTime(String value) {
    if (value == null) {
      return null;
    }
    try {
      if (!value.matches("[0-2][0-9]:[0-5][0-9]")) {
        throw new DateTimeParseException("", value, 0);
      }
      return LocalTime.parse(value);
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("digest_time must be a store-local time HH:mm, such as 08:30");
    }
  }

  private static JsonArray alerts(Object value) {
    JsonArray alerts = new JsonArray();
    if (value == null) {
      return alerts;
    }
    if (!(value instanceof JsonArray list) || list.size() > Alerts.RULES.size()) {
      throw new IllegalArgumentException("alerts must be a list of at most " + Alerts.RULES.size() + " rules");
    }
    Set<String> seen = new java.util.HashSet<>();
    for (Object each : list) {
      if (!(each instanceof JsonObject alert) || !Alerts.RULES.contains(alert.getValue("rule"))
        || !seen.add(alert.getString("rule"))) {
        throw new IllegalArgumentException("each alert is {\"rule\": \"losing_order\", \"above\": n} or {\"rule\": "
          + "\"monitor_red\"}, each rule once");
      }
      if (alert.getString("rule").equals(Alerts.LOSING_ORDER)) {
        Object above = alert.getValue("above");
        if (!(above instanceof Integer n) || n < 0 || n > 100_000 || alert.size() != 2) {
          throw new IllegalArgumentException("the losing_order alert's above must be a whole number from 0 to 100000");
        }
        alerts.add(new JsonObject().put("rule", Alerts.LOSING_ORDER).put("above", n));
      } else if (alert.size() != 1) {
        throw new IllegalArgumentException("the monitor_red alert takes no setting");
      } else {
        alerts.add(new JsonObject().put("rule", Alerts.MONITOR_RED));
      }
    }
    return alerts;
  }

  private static List<String> stores(Object value) {
    if (value == null) {
      return List.of();
    }
    if (!(value instanceof JsonArray list) || list.size() > MAX_STORES) {
      throw new IllegalArgumentException("stores must be a list of at most " + MAX_STORES + " store codes, or [\"all\"]");
    }
    List<String> stores = new ArrayList<>();
    for (Object each : list) {
      if (!(each instanceof String code) || !STORE.matcher(code).matches() || stores.contains(code)) {
        throw new IllegalArgumentException("stores must hold distinct store codes ([A-Za-z0-9_-]{1,32}) or \"all\"");
      }
      stores.add(code);
    }
    if (stores.contains(Subscription.ALL) && stores.size() > 1) {
      throw new IllegalArgumentException("stores is [\"all\"] or store codes, not both");
    }
    return List.copyOf(stores);
  }

  private static String text(JsonObject form, String name, int min, int max, boolean required) {
    Object value = form.getValue(name);
    if (value == null) {
      if (required) {
        throw new IllegalArgumentException(name + " is missing");
      }
      return null;
    }
    if (!(value instanceof String text) || text.isBlank() || text.length() < min || text.length() > max) {
      throw new IllegalArgumentException(name + " must be a string of " + min + " to " + max + " characters");
    }
    return text.strip();
  }

  private String newId() {
    byte[] bytes = new byte[12];
    random.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String sha256(String text) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }

  private static String shown(String value) {
    return value == null ? "" : value.replaceAll("[^A-Za-z0-9_.-]", "?").substring(0, Math.min(value.length(), 64));
  }

  private static ReplyException refused(int code, String sentence) {
    return new ReplyException(io.vertx.core.eventbus.ReplyFailure.RECIPIENT_FAILURE, code, sentence);
  }
}
