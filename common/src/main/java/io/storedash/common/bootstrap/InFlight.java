package io.storedash.common.bootstrap;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/** Counts the requests a service is working on, so a graceful shutdown can wait until they are answered. */
public final class InFlight {

  private final AtomicInteger count = new AtomicInteger();

  /** Counts {@code work} as in flight until it completes. */
  public <T> Future<T> track(Future<T> work) {
    count.incrementAndGet();
    return work.andThen(ar -> count.decrementAndGet());
  }

  public int count() {
    return count.get();
  }

  Future<Void> drained(Vertx vertx, Duration grace) {
    Promise<Void> promise = Promise.promise();
    long deadline = System.nanoTime() + grace.toNanos();
    poll(vertx, promise, deadline);
    return promise.future();
  }

  private void poll(Vertx vertx, Promise<Void> promise, long deadline) {
    if (count.get() == 0 || System.nanoTime() >= deadline) {
      promise.complete();
    } else {
      vertx.setTimer(20, id -> poll(vertx, promise, deadline));
    }
  }
}
