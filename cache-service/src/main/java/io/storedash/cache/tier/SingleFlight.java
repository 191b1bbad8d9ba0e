package io.storedash.cache.tier;

import io.vertx.core.Future;

import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One computation per key at a time: callers that ask for a key whose computation is under way get the same future.
 * Confined to the verticle's event loop, so a plain map suffices.
 */
public final class SingleFlight<T> {

  private final Map<String, Future<T>> running = new HashMap<>();

  /** The running computation of {@code key}, or a new one from {@code work}; {@code joined} runs when one is shared. */
  public Future<T> run(String key, Supplier<Future<T>> work, Runnable joined) {
    Future<T> current = running.get(key);
    if (current != null) {
      joined.run();
      return current;
    }
    Future<T> started = work.get();
    if (!started.isComplete()) {
      running.put(key, started);
      started.onComplete(ar -> running.remove(key));
    }
    return started;
  }

  public int size() {
    return running.size();
  }
}
