package io.storedash.standalone.faults;

import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestStorage;
import io.storedash.query.ingest.DemoData;
import io.storedash.query.ingest.DemoOptions;
import io.storedash.common.security.MessageSignatures;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances of every service as separate JVMs, configured as the containers are (members by DNS, one address
 * per instance); under a light load through both gateways, one instance of each service in turn is killed
 * (SIGKILL) and started again. Requests keep succeeding: the success rate of each window is printed and written to
 * {@code standalone/target/faults/failover.md}.
 */
class FailoverIT {

  /** Break-glass hq: the load's requests need a caller since sign-in (issue 16). */
  private static final String TOKEN = "failover-admin-token-0123456789";

  private static final LocalDate END = LocalDate.of(2026, 10, 31);
  /** Seconds of load per kill: killed at KILL_AT, started again at RESTART_AT. */
  private static final int WINDOW = 24;
  private static final int KILL_AT = 4;
  private static final int RESTART_AT = 14;

  private static ClusteredStack stack;

  @BeforeAll
  static void start() throws Exception {
    StoreDashConfig config = TestStorage.config(Map.of());
    Vertx vertx = Vertx.vertx();
    try {
      DemoData.loadIfEmpty(vertx, MessageSignatures.unshared("test"), config, new DemoOptions(8, 800, 60, 11, END)).await();
    } finally {
      vertx.close().await();
    }
    stack = new ClusteredStack(Map.of(
      "PG_URL", config.pgUrlOrDefault(),
      "REDIS_URL", config.redisUrlOrDefault(),
      "CLUSTER_SERVICE_DNS", "localhost",
      "CLUSTER_PORT", String.valueOf(TestStorage.freePort()),
      "CLUSTER_NAME", "failover-" + ProcessHandle.current().pid(),
      "CLUSTER_SECRET", TestStorage.CLUSTER_SECRET,
      "ADMIN_TOKEN", TOKEN), 2, TestStorage::freePort);
    Duration up = stack.startAll(Duration.ofSeconds(120));
    System.out.printf("8 service JVMs (2 per service) ready in %.1f s%n", up.toMillis() / 1e3);
  }

  @AfterAll
  static void stop() throws Exception {
    if (stack != null) {
      stack.close();
    }
  }

  @Test
  void killingOneInstanceOfEachServiceInTurnKeepsRequestsSucceeding() throws Exception {
    // Many range lengths, so a share of requests misses the cache and goes to query-service during the kills.
    String ranges = IntStream.rangeClosed(1, 45).mapToObj(String::valueOf).collect(Collectors.joining(","));
    List<String> rows = new ArrayList<>();
    List<String> failures = new ArrayList<>();
    for (String service : ClusteredStack.SERVICES) {
      ClusteredStack.Instance victim = stack.instance(service, 2);
      LoadRun load = LoadRun.start(stack.gatewayUrls(), stack.logs(), "--users", "10", "--think", "100ms",
        "--warmup", "0", "--duration", WINDOW + "s", "--timeout", "8s", "--end-date", END.toString(),
        "--ranges", ranges, "--seed", String.valueOf(service.hashCode()), "-H", "Authorization: Bearer " + TOKEN);
      sleepUntil(load, KILL_AT);
      stack.kill(victim);
      sleepUntil(load, RESTART_AT);
      stack.start(victim);
      Duration ready = stack.awaitReady(victim, Duration.ofSeconds(90));
      LoadRun.Result result = load.await(WINDOW + 60);
      String row = String.format(Locale.ROOT, "| %s | %d | %.2f %% | %s | %.0f | %d | %.1f | %.1f |", service,
        result.requests(), result.successPercent(), result.errors().isEmpty() ? "none" : result.errors(),
        result.p99Millis(), result.failovers(), result.recoverySeconds(KILL_AT), ready.toMillis() / 1e3);
      System.out.println("failover " + row);
      rows.add(row);
      if (result.successPercent() < 99.0) {
        failures.add(service + ": " + result.successPercent() + " % (" + result.errors() + ")");
      }
    }
    String table = String.join("\n", List.of(
      "| instance killed (SIGKILL at 4 s, restarted at 14 s) | requests | success | errors | p99 ms | failovers | last failure + 1 s after the kill (s) | restart to ready (s) |",
      "|---|---|---|---|---|---|---|---|")) + "\n" + String.join("\n", rows) + "\n";
    Files.writeString(stack.logs().resolve("failover.md"), table);
    System.out.println(table);
    assertThat(failures).as("windows below 99 %% success").isEmpty();
  }

  private static void sleepUntil(LoadRun load, double second) throws InterruptedException {
    long millis = Math.round((second - load.elapsedSeconds()) * 1000);
    if (millis > 0) {
      Thread.sleep(millis);
    }
  }
}
