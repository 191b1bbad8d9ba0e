package io.storedash.gateway.auth;

import io.storedash.common.Addresses;
import io.storedash.common.DashboardReply;
import io.storedash.common.testing.Eventually;
import io.storedash.common.testing.ManualClock;
import io.storedash.common.security.MessageSignatures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Where the stores are, for city assignments: read only when wanted, fail closed, a flood of unknown codes costs one look-up. */
class StoreDirectoryTest {

  private static final MessageSignatures SIGNATURES = MessageSignatures.unshared("query-service");
  private final Vertx vertx = Vertx.vertx();
  private final ManualClock clock = new ManualClock();
  private final AtomicInteger asked = new AtomicInteger();
  /** The stores view the fake query-service answers; replaced by tests. */
  private final List<JsonObject> stores = new CopyOnWriteArrayList<>(List.of(store("S001", "杭州"), store("S002", "宁波")));
  private boolean down;

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private static JsonObject store(String code, String city) {
    return new JsonObject().put("code", code).put("name", "门店" + code).put("city", city);
  }

  private void dataChanged() {
    JsonObject changed = new JsonObject();
    vertx.eventBus().publish(Addresses.DATA_CHANGED, changed, SIGNATURES.sign(Addresses.DATA_CHANGED, changed));
  }

  private StoreDirectory directory() {
    StoreDirectory directory = new StoreDirectory(vertx, SIGNATURES, () -> {
      asked.incrementAndGet();
      return down ? Future.failedFuture("no query-service")
        : Future.succeededFuture(DashboardReply.computed(new JsonObject().put("stores", new JsonArray(List.copyOf(stores)))
          .toBuffer(), "1"));
    }, clock);
    directory.start().await();
    return directory;
  }

  @Test
  void nothingIsAskedUntilACityAssignmentNeedsIt() {
    StoreDirectory directory = directory();
    dataChanged();
    assertThat(asked).hasValue(0);
    Access hangzhou = Access.of(Set.of("S009"), Set.of("杭州"));
    assertThat(directory.storesOf(hangzhou)).as("before the list is read, a city grants nothing").containsExactly("S009");
    directory.loaded().await();
    // The data change published above may still be on its way to the directory's event loop when the list is first
    // read; arriving after that, it refreshes the list once more. What matters is that it asked nothing before.
    assertThat(asked.get()).isBetween(1, 2);
    assertThat(directory.storesOf(hangzhou)).containsExactly("S001", "S009");
    assertThat(directory.allows(hangzhou, "S002")).isFalse();
    stores.add(store("S003", "杭州"));
    dataChanged();
    Eventually.until(Duration.ofSeconds(5), () -> directory.storesOf(hangzhou).contains("S003"));
  }

  @Test
  void aFloodOfUnknownCodesCostsOneLookUpEveryFiveSeconds() {
    StoreDirectory directory = directory();
    directory.loaded().await();
    for (int i = 0; i < 100; i++) {
      directory.lookUpUnknown().await();
    }
    assertThat(asked).hasValue(2);
    clock.advance(Duration.ofSeconds(5));
    directory.lookUpUnknown().await();
    assertThat(asked).hasValue(3);
  }

  @Test
  void aListThatCannotBeReadGrantsNoCity() {
    down = true;
    StoreDirectory directory = directory();
    directory.loaded().await();
    assertThat(directory.storesOf(Access.of(Set.of(), Set.of("杭州")))).isEmpty();
    assertThat(directory.allows(Access.of(Set.of(), Set.of("杭州")), "S001")).isFalse();
  }
}
