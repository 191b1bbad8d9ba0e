package io.storedash.query.admission;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.storedash.common.DashboardQuery;
import io.storedash.common.Failure;
import io.storedash.common.QueryKind;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import static org.assertj.core.api.Assertions.assertThat;

/** The budgets of docs/DESIGN.md §12.3: per client, per instance with a bounded wait, and the cost table. */
class AdmissionTest {

  private static final LocalDate DAY = LocalDate.of(2026, 10, 31);
  private final Vertx vertx = Vertx.vertx();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  /** Runs on one event loop, as query-service does. */
  private <T> T onLoop(Callable<T> work) {
    return vertx.getOrCreateContext().<T>executeBlocking(work, false).await();
  }

  private Admission admission(int budget, int clientBudget, Duration wait) {
    return new Admission(vertx, budget, clientBudget, wait, registry);
  }

  private double shed(String reason) {
    return registry.counter("storedash_admission_shed", "reason", reason).count();
  }

  private static int retryAfter(Future<?> refused) {
    ReplyException e = (ReplyException) refused.cause();
    assertThat(e.failureCode()).isEqualTo(Failure.OVERLOADED.code());
    return Failure.retryAfterSeconds(e.getMessage());
  }

  @Test
  void aClientOverItsBudgetIsShedAtOnceWhileOthersGoOn() {
    Admission admission = admission(64, 16, Duration.ofSeconds(1));
    List<Admission.Ticket> held = new ArrayList<>();
    Future<Admission.Ticket> refused = onLoop(() -> {
      for (int i = 0; i < 4; i++) {
        held.add(admission.admit("token:flood", 4).result());
      }
      return admission.admit("token:flood", 1);
    });
    assertThat(refused.failed()).isTrue();
    assertThat(retryAfter(refused)).isEqualTo(1);
    assertThat(refused.cause().getMessage()).contains("ADMISSION_CLIENT_BUDGET");
    assertThat(shed("client")).isEqualTo(1);
    assertThat(onLoop(() -> admission.admit("user:alice", 4)).succeeded()).isTrue();
    // Units given back are the client's again.
    onLoop(() -> {
      held.remove(0).release();
      return null;
    });
    assertThat(onLoop(() -> admission.admit("token:flood", 4)).succeeded()).isTrue();
    assertThat(registry.get("storedash_admission_in_use_units").gauge().value()).isEqualTo(20);
  }

  @Test
  void overTheInstanceBudgetAComputationWaitsInOrderAndIsAdmittedWhenUnitsFree() {
    Admission admission = admission(8, 8, Duration.ofSeconds(5));
    Admission.Ticket[] tickets = onLoop(() -> new Admission.Ticket[] {
      admission.admit("a", 4).result(), admission.admit("b", 4).result()});
    Future<Admission.Ticket> waiting = onLoop(() -> admission.admit("c", 2));
    Future<Admission.Ticket> behind = onLoop(() -> admission.admit("d", 1));
    assertThat(waiting.isComplete()).isFalse();
    assertThat(behind.isComplete()).isFalse();
    assertThat(registry.get("storedash_admission_queued_units").gauge().value()).isEqualTo(3);
    onLoop(() -> {
      tickets[0].release();
      tickets[0].release();
      return null;
    });
    assertThat(waiting.await()).isNotNull();
    assertThat(behind.await()).isNotNull();
    assertThat(registry.get("storedash_admission_in_use_units").gauge().value()).isEqualTo(7);
    assertThat(registry.get("storedash_admission_queued_units").gauge().value()).isZero();
  }

  @Test
  void theWaitIsBoundedAndTheQueueToo() {
    Admission admission = admission(4, 4, Duration.ofMillis(100));
    onLoop(() -> admission.admit("a", 4));
    long started = System.nanoTime();
    Future<Admission.Ticket> waited = onLoop(() -> admission.admit("b", 4));
    Future<Admission.Ticket> full = onLoop(() -> admission.admit("c", 1));
    assertThat(full.failed()).isTrue();
    assertThat(shed("queue_full")).isEqualTo(1);
    Throwable failure = waited.map(t -> (Throwable) null).otherwise(e -> e).await();
    long waitedMillis = (System.nanoTime() - started) / 1_000_000;
    assertThat(failure).isInstanceOf(ReplyException.class);
    assertThat(((ReplyException) failure).failureCode()).isEqualTo(429);
    assertThat(waitedMillis).isBetween(90L, 2000L);
    assertThat(shed("waited")).isEqualTo(1);
    // The client's units of a shed wait are given back.
    assertThat(admission.toJson().getInteger("clients")).isEqualTo(1);
  }

  @Test
  void theWarmUpHoldsAtMostHalfTheInstanceBudgetAndWaitsForItsOwnUnits() {
    Admission admission = admission(16, 4, Duration.ofMillis(100));
    List<Admission.Ticket> held = new ArrayList<>();
    Future<Admission.Ticket> ninth = onLoop(() -> {
      for (int i = 0; i < 8; i++) {
        Future<Admission.Ticket> admitted = admission.admit(null, 1);
        assertThat(admitted.succeeded()).isTrue();
        held.add(admitted.result());
      }
      return admission.admit(null, 1);
    });
    // Not shed: our own work waits for its half of the budget while users keep theirs.
    assertThat(ninth.isComplete()).isFalse();
    assertThat(onLoop(() -> admission.admit("user:alice", 4)).succeeded()).isTrue();
    onLoop(() -> {
      held.get(0).release();
      return Future.succeededFuture();
    });
    assertThat(ninth.isComplete() && ninth.succeeded()).as("admitted once one of its own ended").isTrue();
  }

  @Test
  void theAdminTokenIsBoundedByTheInstanceBudgetOnly() {
    Admission admission = admission(64, 16, Duration.ofMillis(100));
    Future<Admission.Ticket> over = onLoop(() -> {
      for (int i = 0; i < 64; i++) {
        assertThat(admission.admit(io.storedash.common.RequestHeaders.OPERATOR_CLIENT, 1).succeeded()).as("unit %d", i).isTrue();
      }
      return admission.admit(io.storedash.common.RequestHeaders.OPERATOR_CLIENT, 1);
    });
    assertThat(over.failed()).isTrue();
    assertThat(shed("client")).isEqualTo(1);
  }

  @Test
  void costsFollowTheTable() {
    Map<DashboardQuery, Integer> expected = Map.of(
      DashboardQuery.of(QueryKind.OVERVIEW, "S001", null, null), 1,
      DashboardQuery.of(QueryKind.OVERVIEW, "S001", DAY.minusDays(30), DAY), 1,
      DashboardQuery.of(QueryKind.TREND, "S001", DAY.minusDays(89), DAY), 2,
      DashboardQuery.of(QueryKind.TREND, "all", DAY.minusDays(365), DAY), 6,
      DashboardQuery.of(QueryKind.RANKING, "all", null, null), 2,
      DashboardQuery.of(QueryKind.STORES, "all", null, null), 1,
      DashboardQuery.of(QueryKind.DIAGNOSIS, "S001", null, null), 4,
      DashboardQuery.of(QueryKind.DIAGNOSIS, "S001", DAY.minusDays(365), DAY), 12);
    expected.forEach((query, cost) -> assertThat(AdmissionCost.of(query, 64)).as(query.canonical()).isEqualTo(cost));
    assertThat(AdmissionCost.of(DashboardQuery.of(QueryKind.DIAGNOSIS, "S001", DAY.minusDays(365), DAY), 8)).isEqualTo(8);
    // Money-losing products aggregate every product of every store asked, whatever the page: a diagnosis's weight.
    assertThat(AdmissionCost.of(DashboardQuery.of(QueryKind.LOSING_PRODUCTS, "all", null, null), 64)).isEqualTo(4);
    assertThat(AdmissionCost.of(DashboardQuery.of(QueryKind.LOSING_PRODUCTS, "all", DAY.minusDays(89), DAY,
      Map.of("page", "7")), 64)).isEqualTo(8);
    assertThat(AdmissionCost.of(DashboardQuery.of(QueryKind.LOSING_PRODUCTS, "all", DAY.minusDays(365), DAY), 16))
      .isEqualTo(12);
  }
}
