package io.storedash.gateway;

import io.micrometer.core.instrument.MeterRegistry;
import io.storedash.common.Addresses;
import io.storedash.common.testing.Eventually;
import io.storedash.common.testing.FloodProcess;
import io.storedash.common.testing.Latencies;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The attack of issue 17 on event streams: 20,000 connections asking one gateway for {@code /api/v1/monitor/stream},
 * from 60 client addresses (127.1.0.1 …), by a process of its own ({@link FloodProcess}: its sockets are not the test
 * JVM's, and it runs at the lowest CPU priority, standing for a machine of its own). The gateway holds at most
 * SSE_MAX_STREAMS (here 200) and refuses the rest with 503 (full) or 429 (the address already holds
 * SSE_MAX_STREAMS_PER_ADDRESS, here 4: 60 × 4 is more than 200, so both happen); its file descriptors stay bounded; a
 * well-behaved user's stream keeps getting snapshots, and its overview requests and the probes (the public one and
 * the management one, each on a fresh connection as the kubelet asks) keep their p99 within twice the baseline
 * measured just before (in one of two runs: the machine is shared); when the attacker goes, every place comes back.
 * The attacker keeps 32 attempts waiting for their answer at a time: each attempt costs the gateway's event loop its
 * connection, its request and its refusal, and many more at once lengthen every other request's wait however cheap
 * the refusal is (docs/RESILIENCE.md has the figures at 200 and 500 at a time, and without the caps).
 */
class EventStreamFloodTest {

  private static final int ATTEMPTS = 20_000;
  private static final int MAX_STREAMS = 200;
  private static final int MAX_PER_ADDRESS = 4;
  private static final int SOURCES = 60;
  /** Attempts waiting for their answer at once: the flood comes in waves, as fast as the gateway answers. */
  private static final int CONCURRENCY = Integer.getInteger("flood.concurrency", 32);
  /** One round of well-behaved traffic at most every 10 ms, in the baseline and under attack alike. */
  private static final Duration ROUND_EVERY = Duration.ofMillis(10);
  private static final String OVERVIEW = "/api/v1/stores/S001/overview?from=2026-10-01&to=2026-10-30";

  private StandIns gateway;
  private FloodProcess flood;
  /** Kept in a field: Vert.x 5 closes a client nobody refers to, and with it the user's stream. */
  private HttpClient streamClient;
  private java.net.http.HttpClient api;
  private int managementPort;

  @AfterEach
  void stop() {
    if (flood != null) {
      flood.close();
    }
    if (gateway != null) {
      gateway.close();
    }
  }

  /** The well-behaved traffic: an overview on a kept-alive connection, the public and the management probe. */
  private record Traffic(Latencies overview, Latencies publicProbe, Latencies managementProbe) {

    static Traffic named(String phase) {
      return new Traffic(new Latencies(phase + " overview"), new Latencies(phase + " gateway /health/ready"),
        new Latencies(phase + " management /health/ready"));
    }

    List<Latencies> all() {
      return List.of(overview, publicProbe, managementProbe);
    }
  }

  /** Rounds of traffic, one every 10 ms at most, while {@code go} holds; at least {@code rounds} of them. */
  private void traffic(Traffic traffic, int rounds, BooleanSupplier go, Runnable afterEach) throws Exception {
    Latencies.paced(ROUND_EVERY, rounds, go, () -> round(traffic), afterEach);
  }

  private void round(Traffic traffic) throws IOException, InterruptedException {
    long t0 = System.nanoTime();
    HttpResponse<String> overview = api.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + gateway.config.httpPort()
        + OVERVIEW)).header("Authorization", "Bearer " + StandIns.TOKEN).timeout(Duration.ofSeconds(10)).build(),
      HttpResponse.BodyHandlers.ofString());
    traffic.overview().add(t0);
    assertThat(overview.statusCode()).as("a well-behaved overview").isEqualTo(200);
    long t1 = System.nanoTime();
    assertThat(Latencies.getOnFreshConnection(gateway.config.httpPort(), "/health/ready", 10_000)).isEqualTo(200);
    traffic.publicProbe().add(t1);
    long t2 = System.nanoTime();
    assertThat(Latencies.getOnFreshConnection(managementPort, "/health/ready", 10_000)).isEqualTo(200);
    traffic.managementProbe().add(t2);
  }

  private MeterRegistry metrics() {
    return gateway.node.meterRegistry();
  }

  private int openStreams() {
    return (int) metrics().get("storedash_gateway_event_streams").gauge().value();
  }

  private double refused(String reason) {
    return metrics().get("storedash_gateway_event_streams_refused").tag("reason", reason).counter().count();
  }

  @Test
  void twentyThousandStreamAttemptsAreHeldToTheCapAndOthersAreUnharmed() throws Exception {
    gateway = StandIns.withCache(Map.of("SSE_MAX_STREAMS", String.valueOf(MAX_STREAMS),
      "SSE_MAX_STREAMS_PER_ADDRESS", String.valueOf(MAX_PER_ADDRESS)));
    managementPort = gateway.node.startManagement(0).await();
    // Ready once a query-service beats: a stand-in's heartbeat.
    JsonObject heartbeat = new JsonObject().put("service", "query-service").put("node", "stand-in").put("interval_ms", 600_000);
    gateway.vertx.eventBus().publish(Addresses.HEARTBEAT, heartbeat,
      gateway.node.signatures().sign(Addresses.HEARTBEAT, heartbeat));
    // monitor-service publishes a snapshot every 5 s; here every 500 ms, so that every open stream gets work.
    // Signed as monitor-service signs it: the gateway shows only a member's snapshot (DESIGN §11.3).
    long publisher = gateway.vertx.setPeriodic(500, t -> {
      JsonObject snapshot = new JsonObject().put("status", "green").put("at", System.currentTimeMillis());
      gateway.vertx.eventBus().publish(Addresses.MONITOR_UPDATES, snapshot,
        gateway.node.signatures().sign(Addresses.MONITOR_UPDATES, snapshot));
    });

    // The well-behaved user's own stream, from 127.0.0.1 (the flood comes from 127.1.*).
    AtomicInteger snapshots = new AtomicInteger();
    streamClient = gateway.vertx.createHttpClient();
    streamClient.request(HttpMethod.GET, gateway.config.httpPort(), "127.0.0.1", "/api/v1/monitor/stream")
      // The handler is set on the event loop as the answer's head arrives, before its first chunk can.
      .compose(req -> req.send().onSuccess(resp -> resp.handler(
        chunk -> snapshots.addAndGet(occurrences(chunk.toString(), "event: snapshot")))));
    assertThat(Eventually.poll(Duration.ofSeconds(10), snapshots::get, n -> n > 0)).isPositive();
    assertThat(openStreams()).isEqualTo(1);

    api = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1).build();
    assertThat(Eventually.until(Duration.ofSeconds(10),
      () -> Latencies.getOnFreshConnection(gateway.config.httpPort(), "/health/ready", 10_000) == 200)).isTrue();
    // Warm first, traffic and a small flood: the baseline has its code compiled and its connection made, and so has
    // the refusal the attack will meet (its compilation is the attack's first second, not its cost).
    traffic(Traffic.named("warm-up"), 300, () -> false, () -> { });
    try (FloodProcess warmUp = FloodProcess.start("kind=request", "port=" + gateway.config.httpPort(), "attempts=2000",
      "concurrency=" + CONCURRENCY, "sources=" + SOURCES, "path=/api/v1/monitor/stream", "deadline-ms=60000")) {
      warmUp.awaitDone(Duration.ofSeconds(60));
      warmUp.release(Duration.ofSeconds(10));
    }
    assertThat(Eventually.poll(Duration.ofSeconds(10), this::openStreams, n -> n == 1)).isEqualTo(1);

    // The p99s are compared with the baseline measured just before; on a machine shared with other builds one run
    // can meet a burst of someone else's work, so a run whose figures miss is measured once more (a gateway the
    // flood really slows misses twice: RESILIENCE.md has the runs without the caps and with more at a time).
    for (int run = 1; ; run++) {
      List<String> slower = attack(run, snapshots);
      if (slower.isEmpty()) {
        break;
      }
      assertThat(run).as("p99 under attack more than twice the baseline in two runs: %s", slower).isLessThan(2);
      System.out.println("SSE flood: run " + run + " missed " + slower + "; once more");
    }

    streamClient.close().await();
    assertThat(Eventually.poll(Duration.ofSeconds(10), this::openStreams, n -> n == 0)).isZero();
    gateway.vertx.cancelTimer(publisher);
  }

  /**
   * One run: the baseline, the flood with every assertion on what the gateway held and answered, and the attacker's
   * leaving (every place back). Returns the well-behaved figures whose p99 under attack was over twice the baseline's.
   */
  private List<String> attack(int run, AtomicInteger snapshots) throws Exception {
    Traffic baseline = Traffic.named("baseline");
    traffic(baseline, 300, () -> false, () -> { });
    int fdsBefore = Latencies.openFileDescriptors();
    double refusedByAddressBefore = refused("address_full");
    double refusedFullBefore = refused("gateway_full");

    Traffic underAttack = Traffic.named("under attack");
    int snapshotsBefore = snapshots.get();
    int[] most = {0, 0};
    long started = System.nanoTime();
    flood = FloodProcess.start("kind=request", "port=" + gateway.config.httpPort(), "attempts=" + ATTEMPTS,
      "concurrency=" + CONCURRENCY, "sources=" + SOURCES, "path=/api/v1/monitor/stream", "answer-timeout-ms=10000",
      "deadline-ms=120000");
    long deadline = started + TimeUnit.SECONDS.toNanos(120);
    traffic(underAttack, 0, () -> !flood.done() && System.nanoTime() < deadline, () -> {
      most[0] = Math.max(most[0], openStreams());
      most[1] = Math.max(most[1], Latencies.openFileDescriptors());
    });
    Map<String, String> done = flood.awaitDone(Duration.ofSeconds(5));
    double floodSeconds = (System.nanoTime() - started) / 1e9;
    // The attacker still holds every stream it was given: the user's stream is fed all the same.
    assertThat(Eventually.poll(Duration.ofSeconds(5), snapshots::get, n -> n > snapshotsBefore))
      .as("snapshots on the well-behaved stream during the flood").isGreaterThan(snapshotsBefore);

    System.out.printf(Locale.ROOT, "SSE flood, run %d: %d attempts (%d at a time) from %d addresses in %.1f s: %s%n", run,
      ATTEMPTS, CONCURRENCY, SOURCES, floodSeconds, done);
    System.out.printf("SSE flood, run %d: at most %d streams open on the gateway (cap %d); file descriptors %d before, at "
      + "most %d during%n", run, most[0], MAX_STREAMS, fdsBefore, most[1]);
    for (int i = 0; i < 3; i++) {
      System.out.println("SSE flood, run " + run + ": " + baseline.all().get(i) + " | " + underAttack.all().get(i));
    }

    int admitted = FloodProcess.count(done, "outcome.200");
    int tooMany = FloodProcess.count(done, "outcome.429");
    int full = FloodProcess.count(done, "outcome.503");
    assertThat(admitted).as("streams the attacker was given: all but the user's").isEqualTo(MAX_STREAMS - 1);
    assertThat(admitted + tooMany + full).as("every attempt answered 200, 429 or 503: %s", done).isEqualTo(ATTEMPTS);
    assertThat(tooMany).isPositive();
    assertThat(full).isPositive();
    assertThat(refused("address_full") - refusedByAddressBefore).isEqualTo(tooMany);
    assertThat(refused("gateway_full") - refusedFullBefore).isEqualTo(full);
    assertThat(most[0]).isLessThanOrEqualTo(MAX_STREAMS);
    // The streams held, the attempts waiting for their answer, and slack for the rest of the test JVM.
    assertThat(most[1] - fdsBefore).as("file descriptors the flood cost the gateway")
      .isLessThan(MAX_STREAMS + CONCURRENCY + 200);

    // The attacker goes: every place it held comes back, the user's stream is the one left.
    Map<String, String> released = flood.release(Duration.ofSeconds(10));
    flood.close();
    assertThat(FloodProcess.count(released, "released")).isEqualTo(admitted);
    assertThat(Eventually.poll(Duration.ofSeconds(10), this::openStreams, n -> n == 1)).isEqualTo(1);

    List<String> slower = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      Latencies before = baseline.all().get(i);
      Latencies during = underAttack.all().get(i);
      if (!during.withinTwice(before)) {
        slower.add(during + " vs 2 × (" + before + ")");
      }
    }
    return slower;
  }

  private static int occurrences(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + what.length())) {
      n++;
    }
    return n;
  }
}
