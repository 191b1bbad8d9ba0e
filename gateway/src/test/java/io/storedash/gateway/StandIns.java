package io.storedash.gateway;

import io.storedash.common.Addresses;
import io.storedash.common.DashboardQuery;
import io.storedash.common.Gzip;
import io.storedash.common.ReplyHeaders;
import io.storedash.common.ServiceNames;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.bootstrap.ServiceDescriptor;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestCertificates;
import io.storedash.common.testing.TestStorage;
import io.storedash.query.storage.Migrations;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A gateway in a local node with stand-ins for the services behind it: what each stand-in receives is recorded,
 * and how it answers is up to the test (by default cache-service answers every query with an echo of it, as a gzip
 * L2 hit).
 */
final class StandIns implements AutoCloseable {

  static final String TOKEN = "test-admin-token-0123456789";

  final Node node;
  final Vertx vertx;
  final StoreDashConfig config;
  final WebClient client;
  final List<JsonObject> seenByCache = new CopyOnWriteArrayList<>();
  volatile Consumer<Message<JsonObject>> cacheAnswer = StandIns::echoHit;
  private MessageConsumer<JsonObject> cache;

  private StandIns(Map<String, String> overrides, boolean withCache) {
    this(TestStorage.config(overrides), withCache, null);
  }

  /**
   * @param clock the gateway's clock (sessions' idle and absolute expiry), or null for the usual one
   */
  private StandIns(StoreDashConfig config, boolean withCache, Clock clock) {
    this(config, withCache, clock, false);
  }

  /** @param clustered whether the gateway joins the Hazelcast cluster its configuration names, as in production */
  private StandIns(StoreDashConfig config, boolean withCache, Clock clock, boolean clustered) {
    this.config = config;
    node = clustered ? Node.clustered(config).await() : Node.local(config);
    vertx = node.vertx();
    if (withCache) {
      cache = vertx.eventBus().consumer(Addresses.DASHBOARD_QUERY, msg -> {
        seenByCache.add(msg.body());
        cacheAnswer.accept(msg);
      });
      cache.completion().await();
    }
    node.deploy(clock == null ? GatewayService.DESCRIPTOR
      : new ServiceDescriptor(ServiceNames.GATEWAY, 9051, context -> new GatewayVerticle(context, clock)), 1).await();
    client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(config.httpPort())
      .setDecompressionSupported(false).setFollowRedirects(false));
  }

  /** A gateway with the admin token, a 1 s request timeout and a stand-in cache-service. */
  static StandIns withCache() {
    return new StandIns(Map.of("REQUEST_TIMEOUT", "1s", "ADMIN_TOKEN", TOKEN), true);
  }

  /** As {@link #withCache()}, with further configuration (limits, timeouts). */
  static StandIns withCache(Map<String, String> overrides) {
    Map<String, String> all = new java.util.HashMap<>(Map.of("REQUEST_TIMEOUT", "1s", "ADMIN_TOKEN", TOKEN));
    all.putAll(overrides);
    return new StandIns(all, true);
  }

  /**
   * A gateway with sign-in: its database migrated (users, tokens, audit log), the admin token, a stand-in
   * cache-service, {@code clock} for its sessions, and further configuration.
   */
  static StandIns withSignIn(Map<String, String> overrides, Clock clock) {
    Map<String, String> all = new java.util.HashMap<>(Map.of("REQUEST_TIMEOUT", "2s", "ADMIN_TOKEN", TOKEN));
    all.putAll(overrides);
    StoreDashConfig config = TestStorage.config(all);
    if (!overrides.containsKey("PG_URL")) {
      Migrations.migrate(config);
    }
    return new StandIns(config, true, clock);
  }

  /**
   * As {@link #withSignIn}, the gateway in the Hazelcast cluster {@code clusterName} on 127.0.0.1: gateways made so
   * with one name share an event bus, as the gateways of a deployment do.
   */
  static StandIns clusteredWithSignIn(Map<String, String> overrides, Clock clock, String clusterName) {
    // The cluster's secret and member certificates: a clustered node proves it belongs or does not start.
    Map<String, String> all = TestCertificates.shared().environment(Map.of("REQUEST_TIMEOUT", "2s",
      "ADMIN_TOKEN", TOKEN, "CLUSTER_NAME", clusterName, "CLUSTER_HOST", "127.0.0.1", "CLUSTER_MEMBERS", "127.0.0.1"));
    all.putAll(overrides);
    StoreDashConfig config = TestStorage.config(all);
    if (!overrides.containsKey("PG_URL")) {
      Migrations.migrate(config);
    }
    return new StandIns(config, true, clock, true);
  }

  static StandIns withoutServices() {
    return new StandIns(Map.of("REQUEST_TIMEOUT", "1s", "ADMIN_TOKEN", TOKEN), false);
  }

  static void echoHit(Message<JsonObject> msg) {
    DashboardQuery query = DashboardQuery.fromJson(msg.body());
    msg.reply(Buffer.buffer(Gzip.compress(new JsonObject().put("echo", query.canonical()).encode().getBytes())),
      new DeliveryOptions().addHeader(ReplyHeaders.TIER, "L2").addHeader(ReplyHeaders.CACHE_STATUS, "HIT")
        .addHeader(ReplyHeaders.ENCODING, "gzip").addHeader(ReplyHeaders.ETAG, "W/\"abc\""));
  }

  void removeCache() {
    cache.unregister().await();
  }

  /** GET with the admin token (break-glass hq: every route, every store), as the tests before sign-in called them. */
  HttpResponse<Buffer> get(String uri) {
    return client.get(uri).bearerTokenAuthentication(TOKEN).send().await();
  }

  /** GET without any credential. */
  HttpResponse<Buffer> anonymous(String uri) {
    return client.get(uri).send().await();
  }

  /** The problem's detail, after checking that the answer is a well-formed problem. */
  static JsonObject problem(HttpResponse<Buffer> response) {
    assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.getInteger("status")).isEqualTo(response.statusCode());
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(problem.getString("detail")).isNotBlank().doesNotContain("Exception", "\tat ", "SELECT");
    return problem;
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
