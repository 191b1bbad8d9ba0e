package io.storedash.query.admission;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.storedash.common.Failure;
import io.storedash.common.RequestHeaders;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * Admission control of uncached computations (docs/DESIGN.md §12.3): a budget of cost units per query-service
 * instance ({@code ADMISSION_BUDGET}) and per client ({@code ADMISSION_CLIENT_BUDGET}). A computation holds its
 * {@link AdmissionCost} from admission until it ends. A client over its own budget is shed at once; when the
 * instance's budget is spent the computation waits, in arrival order, at most {@link #MAX_WAIT} and while the queue
 * holds less than the budget again; else it is shed. Shed means {@link Failure#OVERLOADED}: 429 with
 * {@code Retry-After} at the gateway, before the computations admitted get slower. Work without a client (the
 * warm-up, a service's own questions) shares one budget of half the instance's, so it never shuts users out; beyond
 * it, such work waits its turn (at most {@link #INTERNAL_WAIT}) rather than being shed, since it is ours and bounded by
 * its callers (WARM_PARALLELISM, for one); the break-glass admin token
 * ({@link RequestHeaders#OPERATOR_CLIENT}: an operator's load test) is bounded by the instance's budget only.
 * <p>
 * Confined to the verticle's event loop (one query-service verticle per process), so plain fields suffice.
 */
public final class Admission {

  /** The longest a computation waits for the instance's budget before it is shed. */
  public static final Duration MAX_WAIT = Duration.ofMillis(500);
  /** The longest work without a client waits for its half of the budget: longer than any caller waits for it. */
  public static final Duration INTERNAL_WAIT = Duration.ofSeconds(30);
  /** The client that work without one (the cache's warm-up) is charged to. */
  public static final String INTERNAL = "(internal)";
  /** Work without a client waiting for its half of the budget. */
  private final java.util.ArrayDeque<Parked> internal = new java.util.ArrayDeque<>();

  /** Why a computation was shed: the metric's {@code reason} label. */
  public enum Reason {
    /** The client holds its budget already. */
    CLIENT,
    /** The instance's budget is spent and its queue is full. */
    QUEUE_FULL,
    /** It waited {@link #MAX_WAIT} in the queue. */
    WAITED;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** What an admitted computation holds; released exactly once when it ends. */
  public interface Ticket {
    void release();
  }

  private final Vertx vertx;
  private final int budget;
  private final int clientBudget;
  private final long maxWaitMillis;
  private final Map<String, Integer> byClient = new HashMap<>();
  private final ArrayDeque<Waiter> queue = new ArrayDeque<>();
  private final Map<Reason, Counter> shed = new EnumMap<>(Reason.class);
  private final Counter admitted;
  private int inUse;
  private int queued;

  private final class Waiter {
    final String client;
    final int cost;
    final Promise<Ticket> promise = Promise.promise();
    long timer;

    Waiter(String client, int cost) {
      this.client = client;
      this.cost = cost;
    }
  }

  public Admission(Vertx vertx, int budget, int clientBudget, Duration maxWait, MeterRegistry registry) {
    if (budget < 1 || clientBudget < 1) {
      throw new IllegalArgumentException("admission budgets must be at least 1");
    }
    this.vertx = vertx;
    this.budget = budget;
    this.clientBudget = Math.min(clientBudget, budget);
    this.maxWaitMillis = maxWait.toMillis();
    for (Reason reason : Reason.values()) {
      shed.put(reason, Counter.builder("storedash_admission_shed").tag("reason", reason.label())
        .description("Uncached computations refused with 429, by reason").register(registry));
    }
    admitted = Counter.builder("storedash_admission_admitted").description("Uncached computations admitted")
      .register(registry);
    Gauge.builder("storedash_admission_in_use_units", this, a -> a.inUse)
      .description("Cost units held by running computations").register(registry);
    Gauge.builder("storedash_admission_queued_units", this, a -> a.queued)
      .description("Cost units waiting for the instance's budget").register(registry);
    Gauge.builder("storedash_admission_budget_units", this, a -> a.budget)
      .description("The instance's budget (ADMISSION_BUDGET)").register(registry);
  }

  /** The largest cost one computation may have: the smaller budget, so any one can run alone. */
  public int maxCost() {
    return clientBudget;
  }

  /**
   * Admits a computation of {@code cost} for {@code client} (null: {@link #INTERNAL}): at once, after a wait, or
   * failed with {@link Failure#OVERLOADED}.
   */
  public Future<Ticket> admit(String client, int cost) {
    String who = client == null ? INTERNAL : client;
    int limit = client == null ? Math.max(1, budget / 2)
      : RequestHeaders.OPERATOR_CLIENT.equals(client) ? budget : clientBudget;
    int charge = Math.max(1, Math.min(cost, limit));
    int held = byClient.getOrDefault(who, 0);
    if (held + charge > limit && client == null) {
      return parkInternal(charge);
    }
    if (held + charge > limit) {
      return refuse(Reason.CLIENT, "this client already has " + held + " of its " + limit + " units of uncached "
        + "computations running or waiting (ADMISSION_CLIENT_BUDGET); answers in the cache keep coming");
    }
    if (queue.isEmpty() && inUse + charge <= budget) {
      return Future.succeededFuture(take(who, charge));
    }
    if (queued + charge > budget) {
      return refuse(Reason.QUEUE_FULL, "query-service is at its budget of uncached computations (ADMISSION_BUDGET "
        + budget + ") and its queue is full");
    }
    byClient.merge(who, charge, Integer::sum);
    Waiter waiter = new Waiter(who, charge);
    queued += charge;
    queue.addLast(waiter);
    waiter.timer = vertx.setTimer(maxWaitMillis, t -> {
      if (queue.remove(waiter)) {
        queued -= waiter.cost;
        giveBack(waiter.client, waiter.cost);
        shed.get(Reason.WAITED).increment();
        waiter.promise.fail(Failure.overloaded("query-service is at its budget of uncached computations (ADMISSION_BUDGET "
          + budget + ") and none ended within " + maxWaitMillis + " ms", 1));
        drain();
      }
    });
    return waiter.promise.future();
  }

  /** Work without a client over its half of the budget: admitted, in arrival order, as its earlier work ends. */
  private Future<Ticket> parkInternal(int charge) {
    Parked parked = new Parked(charge);
    internal.addLast(parked);
    parked.timer = vertx.setTimer(INTERNAL_WAIT.toMillis(), t -> {
      if (internal.remove(parked)) {
        shed.get(Reason.WAITED).increment();
        parked.promise.fail(Failure.overloaded("query-service's own work (the warm-up) waited "
          + INTERNAL_WAIT.toSeconds() + " s for its half of ADMISSION_BUDGET", 1));
      }
    });
    return parked.promise.future();
  }

  /** Admits parked work without a client while its half of the budget has room. */
  private void unparkInternal() {
    int limit = Math.max(1, budget / 2);
    while (!internal.isEmpty() && byClient.getOrDefault(INTERNAL, 0) + internal.peekFirst().charge <= limit) {
      Parked next = internal.pollFirst();
      vertx.cancelTimer(next.timer);
      admit(null, next.charge).onComplete(next.promise);
    }
  }

  private static final class Parked {
    final int charge;
    final io.vertx.core.Promise<Ticket> promise = io.vertx.core.Promise.promise();
    long timer;

    Parked(int charge) {
      this.charge = charge;
    }
  }

  private Future<Ticket> refuse(Reason reason, String why) {
    shed.get(reason).increment();
    return Future.failedFuture(Failure.overloaded(why, 1));
  }

  private Ticket take(String who, int charge) {
    byClient.merge(who, charge, Integer::sum);
    return hold(who, charge);
  }

  /** Units already counted for the client: now also for the instance. */
  private Ticket hold(String who, int charge) {
    inUse += charge;
    admitted.increment();
    boolean[] released = {false};
    return () -> {
      if (!released[0]) {
        released[0] = true;
        inUse -= charge;
        giveBack(who, charge);
        drain();
      }
    };
  }

  private void giveBack(String who, int charge) {
    byClient.computeIfPresent(who, (k, v) -> v - charge <= 0 ? null : v - charge);
  }

  /** Admits the waiters at the head of the queue that fit now. */
  private void drain() {
    while (!queue.isEmpty() && inUse + queue.peekFirst().cost <= budget) {
      Waiter next = queue.pollFirst();
      queued -= next.cost;
      vertx.cancelTimer(next.timer);
      next.promise.complete(hold(next.client, next.cost));
    }
    unparkInternal();
  }

  /** {@code {"budget", "client_budget", "in_use", "queued", "clients"}} for the heartbeat. */
  public JsonObject toJson() {
    return new JsonObject().put("budget", budget).put("client_budget", clientBudget).put("in_use", inUse)
      .put("queued", queued).put("clients", byClient.size());
  }
}
