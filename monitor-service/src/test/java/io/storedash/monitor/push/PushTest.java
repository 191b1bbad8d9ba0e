package io.storedash.monitor.push;

import io.storedash.common.Addresses;
import io.storedash.common.Gzip;
import io.storedash.common.ReplyHeaders;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.Eventually;
import io.storedash.common.testing.ManualClock;
import io.storedash.common.testing.TestStorage;
import io.storedash.query.storage.Migrations;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Push against a local webhook receiver: the digest in each platform's format with its signature checked field by
 * field, retries and dedup over two instances, the rate limit, the SSRF guard, sealed secrets, other users'
 * subscriptions, a flood of test-sends and the alerts. Time is a {@link ManualClock} the test moves; passes run when
 * the test calls {@link PushVerticle#tick()} (the timer's interval is an hour), so nothing sleeps.
 */
class PushTest {

  static final String KEY = Base64.getEncoder().encodeToString("push-test-key-of-thirty-two-byte".getBytes(StandardCharsets.UTF_8));
  /** 08:00 in Shanghai, where S001 is. */
  static final Instant START = Instant.parse("2026-12-03T00:00:00Z");

  private final ManualClock clock = new ManualClock(START);
  private final List<JsonObject> askedForActions = new CopyOnWriteArrayList<>();
  private StoreDashConfig config;
  private Node node;
  private Vertx vertx;
  private Pool db;
  private WebhookReceiver receiver;
  private PushVerticle push;
  private volatile JsonObject actions = actions("S001", 1);

  @BeforeEach
  void start() {
    config = TestStorage.config(Map.of("PUSH_SECRET_KEY", KEY, "PUSH_ALLOWED_HOSTS", "127.0.0.1", "PUSH_MAX_ATTEMPTS", "3",
      "PUSH_RETRY_BACKOFF", "30s", "PUSH_RATE_LIMIT", "2", "PUSH_INTERVAL", "1h", "REQUEST_TIMEOUT", "2s"));
    Migrations.migrate(config);
    node = Node.local(config);
    vertx = node.vertx();
    db = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(config.pgUrlOrDefault())).using(vertx).build();
    db.query("INSERT INTO stores (code, name, city) VALUES ('S001', '一号店', '上海'), ('S002', '二号店', '杭州')").execute().await();
    db.query("INSERT INTO users (username, role, stores) VALUES ('boss', 'hq', '{}'), ('mgr', 'manager', '{S001}'), "
      + "('mgr2', 'manager', '{S002}'), ('ops1', 'ops', '{}')").execute().await();
    // The actions view's stand-in (helper E's kind): cache-service's answer, gzip as it sends it.
    vertx.eventBus().<JsonObject>consumer(Addresses.DASHBOARD_QUERY, message -> {
      askedForActions.add(message.body());
      message.reply(Buffer.buffer(Gzip.compress(actions.toBuffer().getBytes())),
        new DeliveryOptions().addHeader(ReplyHeaders.ENCODING, "gzip"));
    }).completion().await();
    receiver = new WebhookReceiver(vertx);
    push = deployPush();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  private PushVerticle deployPush() {
    PushVerticle instance = new PushVerticle(config, node.signatures(), clock);
    vertx.deployVerticle(instance).await();
    return instance;
  }

  // ---- the digest in each platform's format ----

  @Test
  void theDigestGoesOutAtItsStoreLocalTimeInEachPlatformsFormatSignedAsThePlatformChecks() throws Exception {
    JsonObject wecom = create("mgr", "manager", form("wecom", "/cgi-bin/webhook/send?key=WECOM-KEY-1").put("format", "markdown"));
    JsonObject dingtalk = create("mgr", "manager", form("dingtalk", "/robot/send?access_token=DING-TOKEN-1")
      .put("secret", "SECding-secret"));
    JsonObject feishu = create("mgr", "manager", form("feishu", "/open-apis/bot/v2/hook/FEISHU-HOOK-1")
      .put("secret", "feishu-secret").put("format", "post"));
    JsonObject generic = create("mgr", "manager", form("generic", "/hooks/storedash").put("secret", "generic-secret"));
    assertThat(wecom.getString("next_digest_at")).isEqualTo("2026-12-03T00:30:00Z");
    assertThat(wecom.getString("timezone")).isEqualTo("Asia/Shanghai");

    push.tick().await();
    assertThat(receiver.received).as("08:00 local: not due before 08:30").isEmpty();
    clock.advance(Duration.ofMinutes(31));
    push.tick().await();
    assertThat(receiver.received).hasSize(4);
    Instant sentAt = clock.instant();

    String markdown = digestMarkdown();
    JsonObject wecomBody = receiver.at("/cgi-bin/webhook/send").get(0).json();
    assertThat(receiver.at("/cgi-bin/webhook/send").get(0).query()).isEqualTo("key=WECOM-KEY-1");
    assertThat(wecomBody).isEqualTo(new JsonObject().put("msgtype", "markdown").put("markdown",
      new JsonObject().put("content", markdown)));

    WebhookReceiver.Received ding = receiver.at("/robot/send").get(0);
    Map<String, String> query = query(ding.query());
    assertThat(query).containsOnlyKeys("access_token", "timestamp", "sign");
    assertThat(query.get("access_token")).isEqualTo("DING-TOKEN-1");
    assertThat(query.get("timestamp")).isEqualTo(Long.toString(sentAt.toEpochMilli()));
    byte[] dingMac = hmac("SECding-secret".getBytes(StandardCharsets.UTF_8),
      (sentAt.toEpochMilli() + "\nSECding-secret").getBytes(StandardCharsets.UTF_8));
    assertThat(query.get("sign")).isEqualTo(Base64.getEncoder().encodeToString(dingMac));
    assertThat(ding.query()).contains("sign=" + java.net.URLEncoder.encode(Base64.getEncoder().encodeToString(dingMac), StandardCharsets.UTF_8));
    assertThat(ding.json()).isEqualTo(new JsonObject().put("msgtype", "markdown").put("markdown",
      new JsonObject().put("title", "今日必做 · S001 · 2026-12-02").put("text", markdown)));

    JsonObject feishuBody = receiver.at("/open-apis/bot/v2/hook/FEISHU-HOOK-1").get(0).json();
    long seconds = sentAt.getEpochSecond();
    assertThat(feishuBody.fieldNames()).containsExactlyInAnyOrder("timestamp", "sign", "msg_type", "content");
    assertThat(feishuBody.getString("timestamp")).isEqualTo(Long.toString(seconds));
    assertThat(feishuBody.getString("sign")).isEqualTo(Base64.getEncoder().encodeToString(
      hmac((seconds + "\nfeishu-secret").getBytes(StandardCharsets.UTF_8), new byte[0])));
    assertThat(feishuBody.getString("msg_type")).isEqualTo("post");
    JsonObject post = feishuBody.getJsonObject("content").getJsonObject("post").getJsonObject("zh_cn");
    assertThat(post.getString("title")).isEqualTo("今日必做 · S001 · 2026-12-02");
    assertThat(post.getJsonArray("content").getJsonArray(0)).isEqualTo(new JsonArray()
      .add(new JsonObject().put("tag", "text").put("text", "今日必做 · S001 · 2026-12-02")));
    assertThat(post.getJsonArray("content").stream().map(p -> ((JsonArray) p).getJsonObject(0).getString("text")))
      .contains("· 亏损订单 · S001 · 订单 O-1001：核对该单的满减与配送费");

    WebhookReceiver.Received hook = receiver.at("/hooks/storedash").get(0);
    String timestamp = hook.headers().get("X-StoreDash-Timestamp");
    assertThat(timestamp).isEqualTo(Long.toString(seconds));
    assertThat(hook.headers().get("X-StoreDash-Signature")).isEqualTo("v1=" + HexFormat.of().formatHex(
      hmac("generic-secret".getBytes(StandardCharsets.UTF_8), Buffer.buffer(timestamp + ".").appendBuffer(hook.body()).getBytes())));
    String deliveryKey = generic.getString("id") + ":digest:2026-12-03";
    assertThat(hook.headers().get("X-StoreDash-Delivery")).isEqualTo(deliveryKey);
    JsonObject hookBody = hook.json();
    assertThat(hookBody.fieldNames()).containsExactlyInAnyOrder("event", "subscription", "delivery", "title", "text", "data");
    assertThat(hookBody.getString("event")).isEqualTo("digest");
    assertThat(hookBody.getString("subscription")).isEqualTo(generic.getString("id"));
    assertThat(hookBody.getString("delivery")).isEqualTo(deliveryKey);
    assertThat(hookBody.getJsonObject("data")).isEqualTo(actions);
    // The manager's digest asks for their store, as a view of it.
    assertThat(askedForActions).allSatisfy(q -> assertThat(q.getString("kind")).isEqualTo("actions"))
      .allSatisfy(q -> assertThat(q.getString("store")).isEqualTo("S001"));

    System.out.println("PUSH SAMPLE wecom: " + wecomBody.encodePrettily());
    System.out.println("PUSH SAMPLE dingtalk: POST /robot/send?" + ding.query() + "\n" + ding.json().encodePrettily());
    System.out.println("PUSH SAMPLE feishu: " + feishuBody.encodePrettily());
    System.out.println("PUSH SAMPLE generic: " + hook.headers().entries().stream().filter(e -> e.getKey().startsWith("X-StoreDash"))
      .map(e -> e.getKey() + ": " + e.getValue()).toList() + "\n" + hookBody.encodePrettily());

    // Once a day: another pass sends nothing; the next digest is tomorrow at 08:30 local.
    push.tick().await();
    assertThat(receiver.received).hasSize(4);
    JsonObject listed = api("mgr", "manager", new JsonObject().put("action", "list")).getJsonArray("subscriptions").getJsonObject(0);
    assertThat(listed.getString("next_digest_at")).isEqualTo("2026-12-04T00:30:00Z");
    JsonObject delivery = deliveries("mgr", wecom.getString("id")).getJsonObject(0);
    assertThat(delivery.getString("status")).isEqualTo("sent");
    assertThat(delivery.getString("key")).isEqualTo(wecom.getString("id") + ":digest:2026-12-03");
    assertThat(delivery.getJsonArray("attempt_log")).hasSize(1);
    assertThat(delivery.getJsonArray("attempt_log").getJsonObject(0).getString("result")).isEqualTo("sent");
    clock.advance(Duration.ofDays(1));
    push.tick().await();
    assertThat(receiver.received).hasSize(8);
  }

  @Test
  void feishuCardsAndTextAndWecomTextHaveTheirOwnShapes() {
    create("mgr", "manager", form("feishu", "/open-apis/bot/v2/hook/CARD").put("format", "interactive"));
    create("mgr", "manager", form("feishu", "/open-apis/bot/v2/hook/TEXT").put("format", "text"));
    create("mgr", "manager", form("wecom", "/cgi-bin/webhook/send?key=T").put("format", "text"));
    clock.advance(Duration.ofMinutes(31));
    push.tick().await();
    JsonObject card = receiver.at("/open-apis/bot/v2/hook/CARD").get(0).json();
    assertThat(card.getString("msg_type")).isEqualTo("interactive");
    assertThat(card.containsKey("sign")).as("no secret, no signature").isFalse();
    assertThat(card.getJsonObject("card").getJsonObject("header").getJsonObject("title").getString("content"))
      .isEqualTo("今日必做 · S001 · 2026-12-02");
    assertThat(card.getJsonObject("card").getJsonArray("elements").getJsonObject(0).getJsonObject("text"))
      .isEqualTo(new JsonObject().put("tag", "lark_md").put("content", digestMarkdown()));
    JsonObject text = receiver.at("/open-apis/bot/v2/hook/TEXT").get(0).json();
    assertThat(text).isEqualTo(new JsonObject().put("msg_type", "text").put("content", new JsonObject().put("text", digestText())));
    JsonObject wecomText = receiver.at("/cgi-bin/webhook/send").get(0).json();
    assertThat(wecomText).isEqualTo(new JsonObject().put("msgtype", "text").put("text", new JsonObject().put("content", digestText())));
  }

  // ---- retries, dedup, rate limit ----

  @Test
  void aFailingWebhookIsRetriedWithBackoffThenMarkedFailedAndTwoInstancesNeverSendTwice() {
    PushVerticle second = deployPush();
    receiver.answer = r -> r.path().equals("/flaky") && receiver.at("/flaky").size() == 1
      || r.path().equals("/down") ? new WebhookReceiver.Answer(500, MultiMap.caseInsensitiveMultiMap(), "{}")
      : WebhookReceiver.Answer.ok();
    JsonObject down = create("mgr", "manager", form("generic", "/down"));
    JsonObject flaky = create("mgr", "manager", form("generic", "/flaky"));
    clock.advance(Duration.ofMinutes(31));

    Future.all(push.tick(), second.tick()).await();
    assertThat(receiver.at("/down")).hasSize(1);
    assertThat(receiver.at("/flaky")).hasSize(1);
    Future.all(push.tick(), second.tick()).await();
    assertThat(receiver.received).as("not due again before the backoff").hasSize(2);

    clock.advance(Duration.ofSeconds(31));
    Future.all(push.tick(), second.tick()).await();
    assertThat(receiver.at("/down")).hasSize(2);
    assertThat(receiver.at("/flaky")).as("the second attempt was taken").hasSize(2);
    clock.advance(Duration.ofSeconds(59));
    Future.all(push.tick(), second.tick()).await();
    assertThat(receiver.at("/down")).as("the backoff doubled: 60 s after the second attempt").hasSize(2);
    clock.advance(Duration.ofSeconds(2));
    Future.all(push.tick(), second.tick()).await();
    assertThat(receiver.at("/down")).hasSize(3);
    clock.advance(Duration.ofHours(2));
    Future.all(push.tick(), second.tick()).await();
    assertThat(receiver.at("/down")).as("failed for good after PUSH_MAX_ATTEMPTS").hasSize(3);
    assertThat(receiver.at("/flaky")).as("sent once it was taken, never again").hasSize(2);

    JsonObject failed = deliveries("mgr", down.getString("id")).getJsonObject(0);
    assertThat(failed.getString("status")).isEqualTo("failed");
    assertThat(failed.getInteger("attempts")).isEqualTo(3);
    assertThat(failed.getJsonArray("attempt_log").stream().map(a -> ((JsonObject) a).getString("result") + " "
      + ((JsonObject) a).getInteger("http_status"))).containsExactly("failed 500", "failed 500", "failed 500");
    JsonObject sent = deliveries("mgr", flaky.getString("id")).getJsonObject(0);
    assertThat(sent.getString("status")).isEqualTo("sent");
    assertThat(receiver.at("/flaky").get(0).json()).as("a retry sends the same message").isEqualTo(receiver.at("/flaky").get(1).json());
    assertThat(receiver.at("/flaky").stream().map(r -> r.headers().get("X-StoreDash-Delivery")).distinct()).hasSize(1);
    assertThat(count("SELECT count(*) FROM push_deliveries")).as("one delivery per subscription and day").isEqualTo(2);
  }

  @Test
  void theRateLimitHoldsPerWebhookOverItsSubscriptionsAndSendsTheRestInTheNextMinute() {
    List<String> ids = IntStream.range(0, 3).mapToObj(i -> create("mgr", "manager",
      form("generic", "/same?key=one").put("name", "same " + i)).getString("id")).toList();
    List<String> statuses = new ArrayList<>();
    for (String id : ids) {
      statuses.add(api("mgr", "manager", new JsonObject().put("action", "test").put("id", id)).getJsonObject("delivery")
        .getString("status"));
    }
    assertThat(statuses).containsExactly("sent", "sent", "pending");
    assertThat(receiver.at("/same")).hasSize(2);
    JsonObject held = deliveries("mgr", ids.get(2)).getJsonObject(0);
    assertThat(held.getJsonArray("attempt_log").getJsonObject(0).getString("result")).isEqualTo("rate_limited");
    assertThat(held.getInteger("attempts")).as("a rate-limited attempt costs no attempt").isZero();

    push.tick().await();
    assertThat(receiver.at("/same")).as("still within the minute").hasSize(2);
    clock.advance(Duration.ofSeconds(60));
    push.tick().await();
    assertThat(receiver.at("/same")).hasSize(3);
    assertThat(deliveries("mgr", ids.get(2)).getJsonObject(0).getString("status")).isEqualTo("sent");
  }

  @Test
  void aFloodOfTestSendsReachesTheRobotOnce() {
    String id = create("mgr", "manager", form("wecom", "/cgi-bin/webhook/send?key=FLOOD")).getString("id");
    List<Future<Integer>> answers = IntStream.range(0, 30).mapToObj(i -> request("mgr", "manager",
      new JsonObject().put("action", "test").put("id", id)).map(ok -> 200)
      .recover(e -> Future.succeededFuture(((ReplyException) e).failureCode()))).toList();
    Future.all(answers).await();
    assertThat(answers.stream().map(Future::result).filter(code -> code == 200)).hasSize(1);
    assertThat(answers.stream().map(Future::result).filter(code -> code == 429)).hasSize(29);
    assertThat(receiver.received).hasSize(1);
    assertThat(receiver.received.get(0).json().getJsonObject("markdown").getString("content")).contains("StoreDash 测试消息");
  }

  // ---- the guard, the secrets, the owners ----

  @Test
  void webhooksOutsideThePlatformsAndTheAllowListAreRefusedAndRedirectsAreNotFollowed() {
    List<JsonObject> refused = List.of(
      form("wecom", "").put("webhook", "https://evil.example.com/cgi-bin/webhook/send?key=x"),
      form("wecom", "").put("webhook", "https://qyapi.weixin.qq.com.evil.example.com/send?key=x"),
      form("wecom", "").put("webhook", "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x"),
      form("wecom", "").put("webhook", "https://user:pw@qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x"),
      form("generic", "").put("webhook", "http://169.254.169.254/latest/meta-data/"),
      form("generic", "").put("webhook", "http://10.0.0.1/hook"),
      form("generic", "").put("webhook", "https://localhost/hook"),
      form("generic", "").put("webhook", "file:///etc/passwd"),
      form("dingtalk", "").put("webhook", "gopher://oapi.dingtalk.com/robot/send"));
    for (JsonObject form : refused) {
      ReplyException e = refusal("mgr", "manager", new JsonObject().put("action", "create").put("subscription", form));
      assertThat(e.failureCode()).as(form.getString("webhook")).isEqualTo(400);
      assertThat(e.getMessage()).startsWith("webhook").doesNotContain("key=x", "pw");
    }
    assertThat(count("SELECT count(*) FROM push_subscriptions")).isZero();
    // The platform's own host over https is fine (nothing is sent here).
    create("mgr", "manager", form("wecom", "").put("webhook", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=x"));

    receiver.answer = r -> r.path().equals("/moved") ? new WebhookReceiver.Answer(302,
      MultiMap.caseInsensitiveMultiMap().add("Location", receiver.url("/landed")), "") : WebhookReceiver.Answer.ok();
    String moved = create("mgr", "manager", form("generic", "/moved")).getString("id");
    JsonObject delivery = api("mgr", "manager", new JsonObject().put("action", "test").put("id", moved)).getJsonObject("delivery");
    assertThat(delivery.getString("status")).isEqualTo("failed");
    assertThat(delivery.getJsonArray("attempt_log").getJsonObject(0).getInteger("http_status")).isEqualTo(302);
    assertThat(receiver.at("/landed")).isEmpty();
  }

  @Test
  void webhookUrlsAndSecretsAreSealedInTheDatabaseAndNeverShown() {
    JsonObject created = create("mgr", "manager", form("dingtalk", "/robot/send?access_token=VERY-SECRET-TOKEN")
      .put("name", "S001 早报").put("secret", "SEC-very-secret-signing"));
    JsonObject listed = api("mgr", "manager", new JsonObject().put("action", "list"));
    for (JsonObject shown : List.of(created, listed)) {
      assertThat(shown.encode()).doesNotContain("VERY-SECRET-TOKEN", "SEC-very-secret-signing", "access_token");
    }
    assertThat(created.getString("webhook_host")).isEqualTo("127.0.0.1");
    assertThat(created.getBoolean("signed")).isTrue();
    Row row = db.query("SELECT webhook, secret FROM push_subscriptions").execute().await().iterator().next();
    assertThat(row.getString("webhook")).startsWith(SecretBox.PREFIX).doesNotContain("VERY-SECRET-TOKEN");
    assertThat(row.getString("secret")).startsWith(SecretBox.PREFIX).doesNotContain("SEC-very-secret-signing");
    SecretBox box = new SecretBox(Base64.getDecoder().decode(KEY));
    assertThat(box.open(row.getString("webhook"), created.getString("id"))).isEqualTo(receiver.url("/robot/send?access_token=VERY-SECRET-TOKEN"));
    // Copied onto another subscription's row, a sealed value does not open.
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> box.open(row.getString("webhook"), "another-id"))
      .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("VERY-SECRET-TOKEN");
  }

  @Test
  void aFailingDeliveryLogsNeitherTheUrlsKeyNorTheSecret() {
    ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> lines = new ch.qos.logback.core.read.ListAppender<>();
    lines.list = new CopyOnWriteArrayList<>();
    lines.start();
    root.addAppender(lines);
    try {
      receiver.answer = r -> new WebhookReceiver.Answer(500, MultiMap.caseInsensitiveMultiMap(), "{\"errcode\":93000,\"errmsg\":\"invalid webhook url\"}");
      String id = create("mgr", "manager", form("dingtalk", "/robot/send?access_token=LEAKY-TOKEN").put("secret", "LEAKY-SECRET"))
        .getString("id");
      clock.advance(Duration.ofMinutes(31));
      push.tick().await();
      JsonObject failed = api("mgr", "manager", new JsonObject().put("action", "test").put("id", id));
      String logged = String.join("\n", lines.list.stream().map(e -> e.getFormattedMessage()
        + (e.getThrowableProxy() == null ? "" : e.getThrowableProxy().getMessage())).toList());
      assertThat(logged).contains("subscription " + id).doesNotContain("LEAKY-TOKEN", "LEAKY-SECRET");
      assertThat(deliveries("mgr", id).encode() + failed.encode()).doesNotContain("LEAKY-TOKEN", "LEAKY-SECRET");
    } finally {
      root.detachAppender(lines);
    }
  }

  @Test
  void anotherUsersSubscriptionAnswersAsOneThatDoesNotExist() {
    String id = create("mgr", "manager", form("generic", "/mine")).getString("id");
    for (String action : List.of("delete", "test", "deliveries")) {
      ReplyException theirs = refusal("mgr2", "manager", new JsonObject().put("action", action).put("id", id));
      ReplyException none = refusal("mgr2", "manager", new JsonObject().put("action", action).put("id", "no-such-id"));
      assertThat(theirs.failureCode()).isEqualTo(404);
      assertThat(theirs.getMessage()).isEqualTo(none.getMessage().replace("no-such-id", id));
    }
    assertThat(api("mgr2", "manager", new JsonObject().put("action", "list")).getJsonArray("subscriptions")).isEmpty();
    // hq manages store groups, not other users' own subscriptions.
    assertThat(refusal("boss", "hq", new JsonObject().put("action", "delete").put("id", id)).failureCode()).isEqualTo(404);
    assertThat(receiver.received).isEmpty();
    assertThat(count("SELECT count(*) FROM push_subscriptions")).isEqualTo(1);

    assertThat(refusal("mgr", "manager", new JsonObject().put("action", "create")
      .put("subscription", form("generic", "/g").put("scope", "group"))).getMessage()).contains("for hq");
    String group = create("boss", "hq", form("generic", "/g").put("scope", "group").put("stores", new JsonArray().add("all"))).getString("id");
    assertThat(api("boss2", "hq", new JsonObject().put("action", "list")).getJsonArray("subscriptions").getJsonObject(0)
      .getString("id")).as("any hq user manages HQ's groups").isEqualTo(group);
    assertThat(refusal("mgr", "manager", new JsonObject().put("action", "deliveries").put("id", group)).failureCode()).isEqualTo(404);
    assertThat(refusal("mgr", "manager", new JsonObject().put("action", "create").put("subscription", form("generic", "/m")
      .putNull("digest_time").put("alerts", new JsonArray().add(new JsonObject().put("rule", "monitor_red")))))
      .getMessage()).contains("ops and hq");
    assertThat(refusal("ops1", "ops", new JsonObject().put("action", "create").put("subscription", form("generic", "/o")))
      .getMessage()).contains("ops has none");
  }

  @Test
  void aManagersDigestCoversOnlyTheStoresTheyMayStillSee() {
    create("mgr", "manager", form("generic", "/all-mine").put("stores", new JsonArray().add("all")));
    db.query("UPDATE users SET stores = '{S001,S002}' WHERE username = 'mgr'").execute().await();
    clock.advance(Duration.ofMinutes(31));
    push.tick().await();
    assertThat(askedForActions.get(0).getString("store")).isEqualTo("all");
    assertThat(askedForActions.get(0).getJsonArray("stores")).isEqualTo(new JsonArray().add("S001").add("S002"));
    db.query("UPDATE users SET disabled = true WHERE username = 'mgr'").execute().await();
    clock.advance(Duration.ofDays(1));
    push.tick().await();
    assertThat(receiver.at("/all-mine")).as("a disabled owner's digest is not sent").hasSize(1);
  }

  // ---- alerts ----

  @Test
  void moneyLosingOrdersAboveTheNumberAlertOncePerStoreAndDay() {
    actions = actions("S001", 3);
    create("mgr", "manager", form("generic", "/alert").putNull("digest_time")
      .put("alerts", new JsonArray().add(new JsonObject().put("rule", "losing_order").put("above", 2))));
    create("mgr", "manager", form("generic", "/calm").putNull("digest_time")
      .put("alerts", new JsonArray().add(new JsonObject().put("rule", "losing_order").put("above", 3))));
    create("mgr2", "manager", form("generic", "/other").putNull("digest_time").put("stores", new JsonArray().add("S002"))
      .put("alerts", new JsonArray().add(new JsonObject().put("rule", "losing_order").put("above", 0))));

    JsonObject changed = new JsonObject().put("stores", new JsonArray().add("S001")).put("version", 7);
    vertx.eventBus().publish(Addresses.DATA_CHANGED, changed, node.signatures().sign(Addresses.DATA_CHANGED, changed));
    Eventually.until(Duration.ofSeconds(10), () -> receiver.at("/alert").size() == 1);
    push.dataChanged(List.of("S001")).await();
    push.dataChanged(List.of("S001")).await();
    assertThat(receiver.at("/alert")).as("once per store and day").hasSize(1);
    assertThat(receiver.at("/calm")).as("3 is not above 3").isEmpty();
    assertThat(receiver.at("/other")).as("another store's change").isEmpty();
    JsonObject alert = receiver.at("/alert").get(0).json();
    assertThat(alert.getString("event")).isEqualTo("alert");
    assertThat(alert.getString("title")).isEqualTo("亏损订单提醒 · S001 · 2026-12-02");
    assertThat(alert.getJsonObject("data")).isEqualTo(new JsonObject().put("rule", "losing_order").put("store", "S001")
      .put("day", "2026-12-02").put("count", 3).put("above", 2));
  }

  @Test
  void theMonitorTurningRedAlertsOpsOnceAWhile() {
    create("ops1", "ops", new JsonObject().put("name", "ops").put("platform", "generic").put("webhook", receiver.url("/red"))
      .put("alerts", new JsonArray().add(new JsonObject().put("rule", "monitor_red"))));
    push.monitorStatus(new JsonObject().put("status", "green")).await();
    assertThat(receiver.received).isEmpty();
    push.monitorStatus(new JsonObject().put("status", "red")).await();
    push.monitorStatus(new JsonObject().put("status", "red")).await();
    assertThat(receiver.at("/red")).hasSize(1);
    // Flapping within the quarter hour does not flood the group; a second instance seeing it too sends nothing.
    push.monitorStatus(new JsonObject().put("status", "yellow")).await();
    push.monitorStatus(new JsonObject().put("status", "red")).await();
    deployPush().monitorStatus(new JsonObject().put("status", "red")).await();
    assertThat(receiver.at("/red")).hasSize(1);
    clock.advance(Duration.ofMinutes(16));
    push.monitorStatus(new JsonObject().put("status", "green")).await();
    push.monitorStatus(new JsonObject().put("status", "red")).await();
    assertThat(receiver.at("/red")).hasSize(2);
    assertThat(receiver.at("/red").get(0).json().getString("title")).isEqualTo("StoreDash 监控状态：红色");
  }

  @Test
  void withoutAKeyPushIsOffAndSaysSo() {
    StoreDashConfig off = TestStorage.config(Map.of());
    PushVerticle verticle = new PushVerticle(off, node.signatures(), clock);
    Vertx other = Vertx.vertx();
    try {
      other.deployVerticle(verticle).await();
      JsonObject request = new JsonObject().put("action", "list").put("caller", new JsonObject().put("name", "mgr").put("role", "manager"));
      ReplyException e = (ReplyException) other.eventBus().request(Addresses.PUSH_SUBSCRIPTIONS, request,
        node.signatures().sign(Addresses.PUSH_SUBSCRIPTIONS, request, new DeliveryOptions()))
        .transform(ar -> Future.succeededFuture(ar.cause())).await();
      assertThat(e.failureCode()).isEqualTo(503);
      assertThat(e.getMessage()).contains("PUSH_SECRET_KEY");
    } finally {
      other.close().await();
    }
  }

  // ---- helpers ----

  /** A digest subscription of S001 at 08:30 to the receiver's {@code path}. */
  private JsonObject form(String platform, String path) {
    return new JsonObject().put("name", platform + " " + path).put("platform", platform).put("webhook", receiver.url(path))
      .put("stores", new JsonArray().add("S001")).put("digest_time", "08:30");
  }

  private JsonObject create(String user, String role, JsonObject form) {
    return api(user, role, new JsonObject().put("action", "create").put("subscription", form));
  }

  private JsonArray deliveries(String user, String id) {
    return api(user, role(user), new JsonObject().put("action", "deliveries").put("id", id)).getJsonArray("deliveries");
  }

  private static String role(String user) {
    return user.startsWith("mgr") ? "manager" : user.startsWith("ops") ? "ops" : "hq";
  }

  private Future<JsonObject> request(String user, String role, JsonObject body) {
    body.put("caller", new JsonObject().put("name", user).put("role", role));
    return vertx.eventBus().<JsonObject>request(Addresses.PUSH_SUBSCRIPTIONS, body,
      node.signatures().sign(Addresses.PUSH_SUBSCRIPTIONS, body, new DeliveryOptions().setSendTimeout(15_000))).map(m -> m.body());
  }

  private JsonObject api(String user, String role, JsonObject body) {
    return request(user, role, body).await();
  }

  private ReplyException refusal(String user, String role, JsonObject body) {
    Throwable failure = request(user, role, body).transform(ar -> Future.succeededFuture(ar.cause())).await();
    assertThat(failure).isInstanceOf(ReplyException.class);
    return (ReplyException) failure;
  }

  private long count(String sql) {
    return db.query(sql).execute().await().iterator().next().getLong(0);
  }

  private String digestMarkdown() {
    return Messages.digest(actions, "zh").markdown();
  }

  private String digestText() {
    return Messages.digest(actions, "zh").text();
  }

  private static Map<String, String> query(String query) {
    Map<String, String> values = new HashMap<>();
    for (String pair : query.split("&")) {
      int eq = pair.indexOf('=');
      values.put(pair.substring(0, eq), URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return values;
  }

  private static byte[] hmac(byte[] key, byte[] data) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key, "HmacSHA256"));
    return mac.doFinal(data);
  }

  /** An actions answer of {@code store} for 2026-12-02 with {@code losing} money-losing orders (the contract of §14.1). */
  static JsonObject actions(String store, int losing) {
    JsonArray urgent = new JsonArray();
    for (int i = 1; i <= losing; i++) {
      urgent.add(item("losing_order", store, "order", "O-100" + i, "订单 O-100" + i, "核对该单的满减与配送费",
        "Check this order's discounts and delivery fee").put("figures", new JsonObject().put("profit", -3.2 * i)));
    }
    urgent.add(item("delivery_cost", store, "order", "O-2001", "订单 O-2001", "配送净成本超出 6 元 2.40 元", "Delivery cost 2.40 over 6"));
    JsonArray watch = new JsonArray().add(item("falling", store, "product", "SKU-7", "可口可乐 330ml", "七日销量下降 42%，检查陈列与价格",
      "Sales fell 42 % in 7 days; check shelf and price"));
    JsonArray highlights = new JsonArray().add(item("top_seller", store, "product", "SKU-1", "农夫山泉 550ml", "保持库存", "Keep it in stock"));
    return new JsonObject().put("store", store).put("day", "2026-12-02").put("thresholds", new JsonObject().put("delivery_cost", 6))
      .put("counts", new JsonObject().put("urgent", urgent.size()).put("watch", 1).put("highlights", 1))
      .put("urgent", urgent).put("watch", watch).put("highlights", highlights);
  }

  private static JsonObject item(String rule, String store, String type, String id, String name, String zh, String en) {
    return new JsonObject().put("rule", rule).put("store", store)
      .put("subject", new JsonObject().put("type", type).put("id", id).put("name", name))
      .put("figures", new JsonObject()).put("trend", new JsonArray()).put("channels", new JsonArray())
      .put("advice", new JsonObject().put("zh", zh).put("en", en))
      .put("drill", new JsonObject().put("view", "orders").put("params", new JsonObject()));
  }
}
