package io.storedash.cache.tier;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SingleFlightTest {

  private final SingleFlight<String> flights = new SingleFlight<>();
  private final AtomicInteger started = new AtomicInteger();
  private final AtomicInteger joined = new AtomicInteger();

  private Future<String> run(String key, Future<String> work) {
    return flights.run(key, () -> {
      started.incrementAndGet();
      return work;
    }, joined::incrementAndGet);
  }

  @Test
  void callersOfAKeyWhoseWorkRunsShareItsAnswer() {
    Promise<String> work = Promise.promise();
    Future<String> first = run("k", work.future());
    Future<String> second = run("k", Future.succeededFuture("not asked"));
    Future<String> third = run("k", Future.succeededFuture("not asked"));
    assertThat(started).hasValue(1);
    assertThat(joined).hasValue(2);
    assertThat(flights.size()).isEqualTo(1);
    work.complete("answer");
    assertThat(first.result()).isEqualTo("answer");
    assertThat(second.result()).isEqualTo("answer");
    assertThat(third.result()).isEqualTo("answer");
  }

  @Test
  void onceTheWorkIsDoneTheNextCallerStartsAnew() {
    Promise<String> work = Promise.promise();
    run("k", work.future());
    work.complete("old");
    assertThat(flights.size()).isZero();
    assertThat(run("k", Future.succeededFuture("new")).result()).isEqualTo("new");
    assertThat(started).hasValue(2);
    assertThat(joined).hasValue(0);
  }

  @Test
  void aFailureIsSharedAndForgotten() {
    Promise<String> work = Promise.promise();
    Future<String> first = run("k", work.future());
    Future<String> second = run("k", Future.succeededFuture("not asked"));
    work.fail("PostgreSQL is unreachable");
    assertThat(first.cause()).hasMessage("PostgreSQL is unreachable");
    assertThat(second.cause()).hasMessage("PostgreSQL is unreachable");
    assertThat(flights.size()).isZero();
    assertThat(run("k", Future.succeededFuture("retried")).result()).isEqualTo("retried");
  }

  @Test
  void differentKeysRunSideBySide() {
    Promise<String> a = Promise.promise();
    Promise<String> b = Promise.promise();
    run("a", a.future());
    run("b", b.future());
    assertThat(started).hasValue(2);
    assertThat(joined).hasValue(0);
    assertThat(flights.size()).isEqualTo(2);
  }

  @Test
  void workDoneAtOnceIsNotKept() {
    assertThat(run("k", Future.succeededFuture("at once")).result()).isEqualTo("at once");
    assertThat(flights.size()).isZero();
    run("k", Future.succeededFuture("again"));
    assertThat(started).hasValue(2);
  }
}
