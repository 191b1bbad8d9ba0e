package io.storedash.loadtest.driver;

import io.storedash.loadtest.workload.DateRanges;
import io.storedash.loadtest.workload.Endpoint;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Closed model: a fixed number of virtual users, each making one request at a time. A visit is the mix in order
 * (the dashboard page and the API calls it makes) for one store, picked by Zipf popularity, and one date range;
 * then the user thinks and visits again. Users start evenly over the ramp-up.
 */
final class ClosedModelDriver extends LoadDriver {

  /** Pause after a refused or failed connection, so a dead target does not turn users into a busy loop. */
  private static final long CONNECTION_FAILURE_PAUSE_MS = 100;

  private final List<Integer> userIds;
  private final int totalUsers;

  ClosedModelDriver(RunWindow window, int shareIndex, int shares, int totalUsers) {
    super(window, shareIndex, shares, usersOf(shareIndex, shares, totalUsers).size());
    this.totalUsers = totalUsers;
    this.userIds = usersOf(shareIndex, shares, totalUsers);
  }

  static List<Integer> usersOf(int shareIndex, int shares, int totalUsers) {
    List<Integer> ids = new ArrayList<>();
    for (int u = shareIndex; u < totalUsers; u += shares) {
      ids.add(u);
    }
    return ids;
  }

  @Override
  protected void begin() {
    long rampNanos = window.plan.ramp().toNanos();
    for (int id : userIds) {
      VirtualUser user = new VirtualUser(id);
      long startAt = window.startNanos + rampNanos * id / totalUsers;
      if (startAt > System.nanoTime()) {
        addTimer(vertx.setTimer(RunWindow.millisUntil(startAt), t -> user.visit()));
      } else {
        user.visit();
      }
    }
  }

  @Override
  protected void onStopping() {
    // Users look at the stopping flag before each request; nothing else to do.
  }

  private final class VirtualUser {
    private final int id;
    private final SplittableRandom random;
    private String store;
    private DateRanges.Range range;

    VirtualUser(int id) {
      this.id = id;
      random = new SplittableRandom(window.plan.seed() * 1_000_003L + id);
    }

    void visit() {
      if (stopping) {
        return;
      }
      store = window.stores.get(window.storePopularity.sample(random.nextDouble()));
      range = window.ranges.pick(random.nextDouble());
      step(0);
    }

    void step(int i) {
      if (stopping || System.nanoTime() >= window.endNanos) {
        return;
      }
      if (i == window.mix.size()) {
        long thinkMs = window.plan.think().toMillis();
        if (thinkMs > 0) {
          addTimer(vertx.setTimer(thinkMs, t -> visit()));
        } else {
          // Through the event loop, not recursion: a visit that fails fast must not grow the stack.
          context.runOnContext(v -> visit());
        }
        return;
      }
      Endpoint endpoint = window.mix.endpoints().get(i);
      String uri = endpoint.path().expand(store, range.from(), range.to());
      send(endpoint, uri, System.nanoTime(), id, failure -> {
        if (failure != null && FailureKinds.isConnectionLevel(failure)) {
          addTimer(vertx.setTimer(CONNECTION_FAILURE_PAUSE_MS, t -> step(i + 1)));
        } else {
          step(i + 1);
        }
      });
    }
  }
}
