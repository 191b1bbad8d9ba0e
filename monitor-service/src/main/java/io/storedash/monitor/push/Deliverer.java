package io.storedash.monitor.push;

import io.storedash.common.config.PushPolicy;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Sends the deliveries this instance holds a lease on: builds the message when the delivery has none yet (a digest
 * reads the actions view once, and every retry sends that same message), asks the webhook's rate limit, posts it,
 * logs the attempt and schedules the retry: {@code PUSH_RETRY_BACKOFF} after the first failure, doubling, until
 * {@code PUSH_MAX_ATTEMPTS}. Logs name the subscription and the webhook's host, never its URL or secret.
 */
final class Deliverer {

  private static final Logger LOG = LoggerFactory.getLogger(Deliverer.class);
  /** Deliveries taken at once; the next batch follows when these have their outcomes. */
  static final int BATCH = 20;

  private final Subscriptions subscriptions;
  private final Deliveries deliveries;
  private final SecretBox box;
  private final Sender sender;
  private final ActionsSource actions;
  private final PushPolicy policy;
  private final Clock clock;

  Deliverer(Subscriptions subscriptions, Deliveries deliveries, SecretBox box, Sender sender, ActionsSource actions,
            PushPolicy policy, Clock clock) {
    this.subscriptions = subscriptions;
    this.deliveries = deliveries;
    this.box = box;
    this.sender = sender;
    this.actions = actions;
    this.policy = policy;
    this.clock = clock;
  }

  /**
   * Sends every due delivery no instance holds, {@value #BATCH} at a time, until none is left; completes when each
   * has an outcome. A morning's digests all due at 08:30 go out in batches at once, not one batch a pass.
   */
  Future<Void> drain() {
    return deliveries.takeDue(clock.instant(), BATCH)
      .compose(due -> Future.join(due.stream().map(this::send).toList())
        .compose(v -> due.size() < BATCH ? Future.<Void>succeededFuture() : drain()));
  }

  /** Sends one delivery now, if no other instance holds it: its status afterwards, or empty. */
  Future<Optional<String>> sendNow(long id) {
    return deliveries.take(id, clock.instant())
      .compose(due -> due.isEmpty() ? Future.succeededFuture(Optional.empty()) : send(due.get()).map(Optional::of));
  }

  private Future<String> send(Deliveries.Due due) {
    return subscriptions.find(due.subscriptionId()).compose(found -> {
      if (found.isEmpty()) {
        // Deleted while due: its deliveries went with it (ON DELETE CASCADE).
        return Future.succeededFuture("gone");
      }
      Subscription subscription = found.get();
      Instant started = clock.instant();
      return message(due, subscription)
        .compose(message -> attempt(due, subscription, message, started))
        .recover(e -> deliveries.record(due, clock.instant(), Deliveries.Result.FAILED, null, detail(e),
          elapsed(started), retryAt(due)));
    }).onSuccess(status -> {
      if (!status.equals("sent")) {
        LOG.info("push delivery {} of subscription {}: {}", due.id(), due.subscriptionId(), status);
      }
    });
  }

  private Future<PushMessage> message(Deliveries.Due due, Subscription subscription) {
    if (due.payload() != null) {
      return Future.succeededFuture(PushMessage.fromJson(due.payload()));
    }
    Future<PushMessage> built = switch (due.kind()) {
      case "digest" -> digestStores(subscription).compose(actions::actions)
        .map(answer -> Messages.digest(answer, subscription.lang()));
      case "alert" -> Future.succeededFuture(Messages.alert(due.subject(), subscription.lang()));
      default -> Future.succeededFuture(Messages.test(subscription.name(), subscription.lang()));
    };
    return built.compose(message -> deliveries.savePayload(due.id(), message.toJson()).map(message));
  }

  /** The stores a digest covers: those asked for that the owner may still see (every store of a group's list). */
  Future<Set<String>> digestStores(Subscription subscription) {
    if (subscription.scope().equals(Subscription.GROUP)) {
      return Future.succeededFuture(subscription.wholeScope() ? null : new TreeSet<>(subscription.stores()));
    }
    return subscriptions.storesOf(subscription.owner()).compose(allowed -> {
      Set<String> stores;
      if (allowed == null) {
        stores = subscription.wholeScope() ? null : new TreeSet<>(subscription.stores());
      } else {
        stores = new TreeSet<>(allowed);
        if (!subscription.wholeScope()) {
          stores.retainAll(subscription.stores());
        }
      }
      return stores != null && stores.isEmpty()
        ? Future.failedFuture(new IllegalStateException("the owner " + subscription.owner() + " may no longer see any of its stores"))
        : Future.succeededFuture(stores);
    });
  }

  private Future<String> attempt(Deliveries.Due due, Subscription subscription, PushMessage message, Instant started) {
    long minute = started.getEpochSecond() / 60;
    return deliveries.allowSend(subscription.webhookKey(), minute, policy.ratePerMinute()).compose(allowed -> {
      if (!allowed) {
        return deliveries.record(due, clock.instant(), Deliveries.Result.RATE_LIMITED, null,
          "the webhook's limit of " + policy.ratePerMinute() + " a minute is spent; sent in the next minute", 0,
          Instant.ofEpochSecond((minute + 1) * 60));
      }
      String url = box.open(subscription.sealedWebhook(), subscription.id());
      String secret = subscription.sealedSecret() == null ? null : box.open(subscription.sealedSecret(), subscription.id());
      Platform.Outgoing outgoing = subscription.platform().request(url, subscription.format(), secret, message,
        subscription.id(), due.dedupKey(), clock.instant());
      return sender.post(outgoing).compose(answer -> {
        String refusal = subscription.platform().refusal(answer.status(), answer.body());
        return deliveries.record(due, clock.instant(), refusal == null ? Deliveries.Result.SENT : Deliveries.Result.FAILED,
          answer.status(), refusal, elapsed(started), retryAt(due));
      }, e -> deliveries.record(due, clock.instant(), Deliveries.Result.FAILED, null, detail(e), elapsed(started),
        retryAt(due)));
    });
  }

  /** After the n-th failed attempt: PUSH_RETRY_BACKOFF × 2^(n-1). */
  private Instant retryAt(Deliveries.Due due) {
    Duration wait = policy.retryBackoff().multipliedBy(1L << Math.min(due.attempts(), 16));
    return clock.instant().plus(wait);
  }

  private long elapsed(Instant started) {
    return Duration.between(started, clock.instant()).toMillis();
  }

  /**
   * What went wrong, for the delivery log: the exception's kind and message with anything that looks like a URL's
   * query taken out (an HTTP client's error may quote the URL, and the query holds the robot's key).
   */
  static String detail(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return Platform.cut(message.replaceAll("\\?[^\\s]*", "?…"), 300);
  }
}
