package io.storedash.common.bootstrap;

import io.storedash.common.Addresses;
import io.storedash.common.config.ConfigLoader;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.security.RejectedMessages;
import io.storedash.common.testing.Eventually;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.assertj.core.api.Assertions.assertThat;

/** The process bootstrap: probes, metrics, heartbeats and the graceful shutdown, with a small service of its own. */
class NodeTest {

  private Node node;
  private WebClient client;
  private int port;
  private final AtomicBoolean dependencyUp = new AtomicBoolean(true);
  /** Completed, once SlowService tracks a request as in flight, with the nanoTime at which it took it. */
  private final Promise<Long> slowRequestTaken = Promise.promise();

  /** Answers "slow" after 500 ms, tracking it as in flight, so shutdown must wait for it. */
  private final class SlowService extends VerticleBase {
    private final ServiceContext service;
    private MessageConsumer<String> consumer;

    SlowService(ServiceContext service) {
      this.service = service;
    }

    @Override
    public Future<?> start() {
      service.readinessCheck("dependency", p -> p.complete(dependencyUp.get() ? Status.OK() : Status.KO()));
      service.heartbeatStats(() -> new JsonObject().put("answered", 1));
      consumer = vertx.eventBus().consumer("test.slow", msg -> {
        long takenAt = System.nanoTime();
        Promise<String> done = Promise.promise();
        vertx.setTimer(500, t -> done.complete("slow answer"));
        service.inFlight().track(done.future()).onSuccess(msg::reply);
        slowRequestTaken.tryComplete(takenAt);
      });
      return consumer.completion();
    }

    @Override
    public Future<?> stop() {
      return consumer.unregister().compose(v -> service.drained());
    }
  }

  @BeforeEach
  void start() {
    StoreDashConfig config = ConfigLoader.load(Map.of("HEARTBEAT_INTERVAL", "200ms", "REQUEST_TIMEOUT", "2s"));
    node = Node.local(config);
    node.deploy(new ServiceDescriptor("slow-service", 0, SlowService::new), 1).await();
    port = node.startManagement(0).await();
    client = WebClient.create(node.vertx());
  }

  @AfterEach
  void stop() {
    if (!node.vertx().deploymentIDs().isEmpty()) {
      node.vertx().close().await();
    }
  }

  private HttpResponse<Buffer> get(String path) {
    return client.get(port, "127.0.0.1", path).send().await();
  }

  @Test
  void probesReportLivenessAndEachReadinessCheck() {
    assertThat(get("/health/live").statusCode()).isEqualTo(200);
    HttpResponse<Buffer> ready = get("/health/ready");
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(ready.bodyAsString()).contains("slow-service.dependency", "accepting-requests");
    dependencyUp.set(false);
    HttpResponse<Buffer> notReady = get("/health/ready");
    assertThat(notReady.statusCode()).isEqualTo(503);
    assertThat(notReady.bodyAsJsonObject().getString("outcome")).isEqualTo("DOWN");
  }

  @Test
  void metricsArePrometheusText() {
    get("/health/live");
    HttpResponse<Buffer> metrics = get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.bodyAsString()).contains("vertx_http_server_requests_total", "jvm_memory_used_bytes")
      // No label of our own named instance: Prometheus sets that one to the scraped address (ours became
      // exported_instance, a new value at every restart).
      .doesNotContain("instance=\"");
  }

  @Test
  void everyServicePublishesSignedHeartbeats() {
    Promise<JsonObject> first = Promise.promise();
    node.vertx().eventBus().<JsonObject>consumer(Addresses.HEARTBEAT,
      node.signatures().verified(Addresses.HEARTBEAT, msg -> first.tryComplete(msg.body())));
    JsonObject beat = first.future().await();
    assertThat(beat.getString("service")).isEqualTo("slow-service");
    assertThat(beat.getString("node")).isEqualTo(node.nodeId());
    assertThat(beat.getLong("interval_ms")).isEqualTo(200);
    assertThat(beat.getJsonObject("stats").getInteger("answered")).isEqualTo(1);
    assertThat(beat.getJsonObject("system").getLong("heap_used_mb")).isPositive();
  }

  @Test
  void anUnsignedHeartbeatRequestIsRefusedAndCounted() {
    JsonObject request = new JsonObject();
    node.vertx().eventBus().publish(Addresses.HEARTBEAT_REQUEST, request, node.signatures().sign(Addresses.HEARTBEAT_REQUEST, request));
    node.vertx().eventBus().publish(Addresses.HEARTBEAT_REQUEST, request);
    Counter missing = Eventually.poll(Duration.ofSeconds(5), () -> node.meterRegistry().find(RejectedMessages.METRIC)
      .tags("address", Addresses.HEARTBEAT_REQUEST, "reason", "missing").counter(), c -> c != null && c.count() == 1);
    assertThat(missing).isNotNull();
    assertThat(node.meterRegistry().find(RejectedMessages.METRIC).counters()).as("the signed one is not refused")
      .singleElement().satisfies(c -> assertThat(c.count()).isEqualTo(1));
    assertThat(node.clusterMembers()).as("a local node has no cluster").isEmpty();
  }

  @Test
  void shutdownFinishesRequestsInFlightThenCloses() throws TimeoutException {
    Future<Object> answer = node.vertx().eventBus().request("test.slow", "go").map(m -> m.body());
    // Shut down once the service is working on the request (not after a guess of how long delivery takes).
    long taken = slowRequestTaken.future().await(5, TimeUnit.SECONDS);
    node.shutdown().await(10, TimeUnit.SECONDS);
    assertThat(answer.isComplete()).isTrue();
    assertThat(answer.result()).isEqualTo("slow answer");
    // The answer takes 500 ms from when the request was taken; the shutdown waited for it, boundedly.
    assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - taken)).isBetween(500L, 5000L);
    assertThat(node.vertx().deploymentIDs()).isEmpty();
  }

  @Test
  void shutdownCalledFromAnEventLoopCompletesToo() throws TimeoutException {
    Promise<Void> done = Promise.promise();
    node.vertx().runOnContext(v -> node.shutdown().onComplete(ar -> done.complete()));
    done.future().await(10, TimeUnit.SECONDS);
  }
}
