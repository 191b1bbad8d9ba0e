package io.storedash.monitor.push;

import io.storedash.common.Addresses;
import io.storedash.common.config.PushPolicy;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.security.MessageSignatures;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Push (docs/DESIGN.md §14.2), deployed by {@link io.storedash.monitor.MonitorVerticle} beside it in every
 * monitor-service instance. Every instance does the same work and PostgreSQL decides who does what: a due digest is
 * run by the instance whose update moves its time on, a delivery is sent by the one that inserted its key (or holds
 * its lease), the rate limit is a shared counter. So any number of instances send each message once, and one that
 * dies mid-delivery leaves it to the others after the lease.
 *
 * <p>When nobody subscribes, an instance's whole cost is one indexed query every PUSH_INTERVAL (and one per data
 * change), answered from an empty index. Without PUSH_SECRET_KEY push is off: requests answer 503 and nothing runs.
 */
public final class PushVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(PushVerticle.class);
  /** Due digests one pass starts at most; the next pass takes the rest. */
  static final int DIGEST_BATCH = 50;

  private final StoreDashConfig config;
  private final MessageSignatures signatures;
  private final Clock clock;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private Pool pool;
  private Sender sender;
  private Subscriptions subscriptions;
  private Deliveries deliveries;
  private Deliverer deliverer;
  private Alerts alerts;
  private long timer = -1;
  /** A pass in progress: the timer does not start another beside it. */
  private Future<Void> running = Future.succeededFuture();

  /** @param clock what digests are scheduled and deliveries retried by (a test's clock is moved by hand) */
  public PushVerticle(StoreDashConfig config, MessageSignatures signatures, Clock clock) {
    this.config = config;
    this.signatures = signatures;
    this.clock = clock;
  }

  @Override
  public Future<?> start() {
    PushPolicy policy = config.push();
    if (policy.secretKey().isEmpty()) {
      LOG.info("push is off: PUSH_SECRET_KEY is not set");
      return register(Addresses.PUSH_SUBSCRIPTIONS, message -> message.fail(503,
        "push is off: PUSH_SECRET_KEY is not set on monitor-service (docs/OPERATIONS.md)"));
    }
    int timeout = (int) config.requestTimeout().toMillis();
    pool = PgBuilder.pool()
      .with(new PoolOptions().setMaxSize(4).setName("storedash-push")
        .setConnectionTimeout(timeout).setConnectionTimeoutUnit(TimeUnit.MILLISECONDS))
      .with(new NetClientOptions().setConnectTimeout(timeout))
      .connectingTo(PgConnectOptions.fromUri(config.pgUrlOrDefault()).setCachePreparedStatements(true))
      .using(vertx)
      .build();
    SecretBox box = new SecretBox(policy.secretKey().get());
    sender = new Sender(vertx);
    subscriptions = new Subscriptions(pool);
    deliveries = new Deliveries(pool);
    ActionsSource actions = new ActionsSource(vertx, config.requestTimeout());
    deliverer = new Deliverer(subscriptions, deliveries, box, sender, actions, policy, clock);
    alerts = new Alerts(subscriptions, deliveries, deliverer, actions, clock, policy.maxAttempts());
    SubscriptionApi api = new SubscriptionApi(subscriptions, deliveries, deliverer, box, policy, config.timezone(), clock);

    timer = vertx.setPeriodic(policy.interval().toMillis(), id -> {
      if (running.isComplete()) {
        running = tick().onFailure(e -> LOG.warn("push pass failed: {}", Deliverer.detail(e)));
      }
    });
    return Future.all(
      register(Addresses.PUSH_SUBSCRIPTIONS, api::handle),
      register(Addresses.DATA_CHANGED, message -> dataChanged(stores(message.body()))
        .onFailure(e -> LOG.warn("push alerts after a data change failed: {}", Deliverer.detail(e)))),
      register(Addresses.MONITOR_UPDATES, message -> monitorStatus(message.body())
        .onFailure(e -> LOG.warn("push alert of the monitor status failed: {}", Deliverer.detail(e)))));
  }

  private Future<Void> register(String address, io.vertx.core.Handler<io.vertx.core.eventbus.Message<JsonObject>> handler) {
    MessageConsumer<JsonObject> consumer = vertx.eventBus().consumer(address, signatures.verified(address, handler));
    consumers.add(consumer);
    return consumer.completion();
  }

  /**
   * One pass: starts the digests that are due (each on one instance only), then sends every due delivery (new ones,
   * retries whose wait is over, those a dead instance left). Tests call it after moving the clock.
   */
  public Future<Void> tick() {
    Instant now = clock.instant();
    return subscriptions.dueDigests(now, DIGEST_BATCH)
      .compose(due -> Future.join(due.stream().map(s -> startDigest(s, now)).toList()))
      .compose(v -> deliverer.drain())
      .compose(v -> deliveries.forgetRates(now.getEpochSecond() / 60 - 60));
  }

  /** The alerts a data change of these stores sets off; completes when each is sent or known not to fire. */
  Future<Void> dataChanged(List<String> stores) {
    return alerts.dataChanged(stores);
  }

  /** The alert a monitor snapshot sets off, if its status just turned red. */
  Future<Void> monitorStatus(JsonObject snapshot) {
    return alerts.monitorStatus(snapshot);
  }

  private Future<Void> startDigest(Subscription subscription, Instant now) {
    Instant next = Schedule.next(subscription.digestTime(), subscription.timezone(), now);
    String day = Schedule.digestDay(subscription.digestTime(), subscription.timezone(), now).toString();
    return deliveries.claimDigest(subscription, next, subscription.id() + ":digest:" + day, new JsonObject().put("day", day),
      config.push().maxAttempts(), now).mapEmpty();
  }

  private static List<String> stores(JsonObject dataChanged) {
    JsonArray stores = dataChanged.getJsonArray("stores", new JsonArray());
    List<String> codes = new ArrayList<>();
    stores.forEach(code -> codes.add(String.valueOf(code)));
    return codes;
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    List<Future<?>> closing = new ArrayList<>();
    consumers.forEach(c -> closing.add(c.unregister()));
    return Future.join(closing).eventually(() -> {
      if (sender != null) {
        sender.close();
      }
      return pool == null ? Future.succeededFuture() : pool.close();
    });
  }
}
