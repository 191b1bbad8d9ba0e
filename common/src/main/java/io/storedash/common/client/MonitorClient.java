package io.storedash.common.client;

import io.storedash.common.Addresses;
import io.storedash.common.ServiceNames;
import io.storedash.common.client.impl.MonitorClientImpl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

/** monitor-service as its callers see it. Failures as {@link QueryClient}'s. */
public interface MonitorClient {

  /** Over the event bus. */
  static MonitorClient create(Vertx vertx, Duration timeout) {
    return create(ServiceRequests.eventBus(vertx, ServiceNames.MONITOR), timeout);
  }

  /** Through {@code via}, the caller's breaker to monitor-service. */
  static MonitorClient create(ServiceRequests via, Duration timeout) {
    return new MonitorClientImpl(via, timeout);
  }

  /** The current monitor snapshot ({@link Addresses#MONITOR_SNAPSHOT}). */
  Future<JsonObject> snapshot();
}
