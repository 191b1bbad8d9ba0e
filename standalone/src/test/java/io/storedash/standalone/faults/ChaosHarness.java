package io.storedash.standalone.faults;

import io.storedash.common.config.ConfigLoader;
import io.storedash.common.embedded.EmbeddedPostgresServer;
import io.storedash.common.embedded.EmbeddedRedisServer;
import io.storedash.common.testing.TestStorage;
import io.storedash.query.ingest.DemoData;
import io.storedash.query.ingest.DemoOptions;
import io.storedash.common.security.MessageSignatures;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Faults under load: the clustered stack with two instances of every service (separate JVMs, as the containers run
 * them), PostgreSQL and Redis behind {@link FaultProxy}s, and the load-test tool at 100 users for 60 s per
 * scenario. Each fault starts at 15 s and is healed at 35 s. Besides the load (cached dashboard views through both
 * gateways), a probe asks for an uncached view twice a second, and recovery is timed from the heal.
 *
 * <p>Not part of the default build (about 15 minutes): {@code scripts/chaos.sh}. The table goes to
 * {@code standalone/target/faults/resilience.md}, and into docs/RESILIENCE.md by hand.
 */
class ChaosHarness {

  private static final LocalDate END = LocalDate.of(2026, 10, 31);
  private static final String TOKEN = "chaos-admin-token-0123456789";
  private static final int RUN_SECONDS = 60;
  private static final int FAULT_AT = 15;
  private static final int HEAL_AT = 35;
  private static final int USERS = Integer.getInteger("chaos.users", 100);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);

  private static Vertx vertx;
  private static Path dir;
  private static int pgPort;
  private static EmbeddedPostgresServer postgres;
  private static EmbeddedRedisServer redis;
  private static FaultProxy pgProxy;
  private static FaultProxy redisProxy;
  private static ClusteredStack stack;
  private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  static void start() throws Exception {
    dir = Path.of(System.getProperty("storedash.root", "..")).toAbsolutePath().normalize()
      .resolve("standalone/target/faults/chaos");
    Files.createDirectories(dir);
    vertx = Vertx.vertx();
    pgPort = TestStorage.freePort();
    // Not "fresh": a fresh server deletes its data when stopped, and the PostgreSQL scenario stops and restarts it.
    deleteRecursively(dir.resolve("pg"));
    postgres = EmbeddedPostgresServer.start(dir.resolve("pg"), false, pgPort);
    String directPg = postgres.url("storedash");
    redis = EmbeddedRedisServer.start(TestStorage.freePort(), "256mb");
    DemoData.loadIfEmpty(vertx, MessageSignatures.unshared("test"), ConfigLoader.load(Map.of("PG_URL", directPg)), new DemoOptions(20, 2000, 90, 5, END)).await();
    pgProxy = new FaultProxy(vertx, "127.0.0.1", pgPort);
    redisProxy = new FaultProxy(vertx, "127.0.0.1", redis.port());
    int pgVia = pgProxy.start();
    int redisVia = redisProxy.start();
    stack = new ClusteredStack(Map.of(
      "PG_URL", "postgresql://postgres@127.0.0.1:" + pgVia + "/storedash",
      "REDIS_URL", redis.urlThrough(redisVia),
      "CLUSTER_SERVICE_DNS", "localhost",
      "CLUSTER_PORT", String.valueOf(TestStorage.freePort()),
      "CLUSTER_NAME", "chaos-" + ProcessHandle.current().pid(),
      "CLUSTER_SECRET", TestStorage.CLUSTER_SECRET,
      "REQUEST_TIMEOUT", REQUEST_TIMEOUT.toSeconds() + "s",
      "ADMIN_TOKEN", TOKEN), 2, TestStorage::freePort);
    Duration up = stack.startAll(Duration.ofSeconds(180));
    System.out.printf("chaos: 8 service JVMs ready in %.1f s%n", up.toMillis() / 1e3);
  }

  @AfterAll
  static void stop() throws Exception {
    Partition.heal();
    if (stack != null) {
      stack.close();
    }
    if (pgProxy != null) {
      pgProxy.close();
      redisProxy.close();
    }
    if (redis != null) {
      redis.close();
    }
    if (postgres != null) {
      postgres.close();
    }
    if (vertx != null) {
      vertx.close().await();
    }
  }

  /** What recovery means for a scenario, timed from the heal. */
  private enum Recovery {
    /** The load is clean again (no failed second). */
    LOAD,
    /** Both cache-service instances use Redis again (their readiness no longer says degraded). */
    REDIS,
    /** An uncached view is answered again. */
    POSTGRES,
    /** The restarted instance(s) are ready. */
    RESTART
  }

  @FunctionalInterface
  private interface Action {
    void run() throws Exception;
  }

  private record Scenario(String name, Action fault, Action heal, Recovery recovery, double minSuccess) {
  }

  @Test
  void faultsUnderLoad() throws Exception {
    warm();
    ClusteredStack.Instance query2 = stack.instance("query-service", 2);
    ClusteredStack.Instance query1 = stack.instance("query-service", 1);
    ClusteredStack.Instance cache2 = stack.instance("cache-service", 2);
    ClusteredStack.Instance monitor2 = stack.instance("monitor-service", 2);
    ClusteredStack.Instance gateway2 = stack.instance("gateway", 2);
    List<Scenario> scenarios = List.of(
      new Scenario("baseline: no fault", () -> { }, () -> { }, Recovery.LOAD, 99.9),
      new Scenario("Redis killed, restarted at 35 s", redis::stop, redis::startProcess, Recovery.REDIS, 99.5),
      new Scenario("Redis slowed: +250 ms per chunk and every connection reset each 5 s",
        () -> {
          redisProxy.latency(250);
          redisProxy.resetEvery(5000);
        }, redisProxy::heal, Recovery.REDIS, 99.5),
      new Scenario("PostgreSQL stopped (fast shutdown), restarted at 35 s", postgres::close,
        () -> postgres = EmbeddedPostgresServer.start(dir.resolve("pg"), false, pgPort), Recovery.POSTGRES, 99.5),
      new Scenario("PostgreSQL slowed: +200 ms per chunk", () -> pgProxy.latency(200), pgProxy::heal,
        Recovery.POSTGRES, 99.5),
      kill(query2, 99.5),
      kill(cache2, 99.5),
      kill(monitor2, 99.5),
      kill(gateway2, 99.5),
      new Scenario("no query-service instance left (both killed), both restarted at 35 s",
        () -> {
          stack.kill(query1);
          stack.kill(query2);
        },
        () -> {
          stack.start(query1);
          stack.start(query2);
        }, Recovery.RESTART, 99.5),
      new Scenario("cache-service#2 partitioned from the cluster (nftables), healed at 35 s",
        () -> Partition.isolate(cache2.host), Partition::heal, Recovery.LOAD, 99.5));

    List<String> rows = new ArrayList<>();
    List<String> missed = new ArrayList<>();
    for (Scenario scenario : scenarios) {
      String row = run(scenario, missed);
      rows.add(row);
      Files.writeString(dir.resolve("resilience.md"), table(rows));
    }
    System.out.println(table(rows));
    assertThat(missed).as("targets missed").isEmpty();
  }

  private static Scenario kill(ClusteredStack.Instance instance, double minSuccess) {
    return new Scenario(instance.name() + " killed (SIGKILL), restarted at 35 s", () -> stack.kill(instance),
      () -> stack.start(instance), Recovery.RESTART, minSuccess);
  }

  private static String table(List<String> rows) {
    return "| scenario (fault 15–35 s of a 60 s run, " + USERS + " users) | requests | success | success during the fault "
      + "| p99 ms | worst second's p99 ms | errors | LB failovers | uncached probe during the fault | recovery after the heal |\n"
      + "|---|---|---|---|---|---|---|---|---|---|\n" + String.join("\n", rows) + "\n";
  }

  /** Visits every store's cached views once, so the runs measure a warm cache, as in production. */
  private static void warm() throws Exception {
    LoadRun warmup = LoadRun.start(stack.gatewayUrls(), dir, "--users", "50", "--warmup", "0", "--duration", "20s",
      "--end-date", END.toString(), "--zipf", "0", "--seed", "1", "-H", "Authorization: Bearer " + TOKEN);
    LoadRun.Result result = warmup.await(90);
    System.out.printf("chaos: warm-up %d requests, %.2f %% success, hit rate %.1f %%%n", result.requests(),
      result.successPercent(), result.hitRatePercent());
  }

  private static String run(Scenario scenario, List<String> missed) throws Exception {
    System.out.println("chaos: " + scenario.name());
    LoadRun load = LoadRun.start(stack.gatewayUrls(), dir, "--users", String.valueOf(USERS), "--think", "200ms",
      "--warmup", "0", "--duration", RUN_SECONDS + "s", "--timeout", "10s", "--end-date", END.toString(),
      "--seed", String.valueOf(scenario.name().hashCode()), "-H", "Authorization: Bearer " + TOKEN);
    UncachedProbe probe = new UncachedProbe(stack.gatewayUrls().get(0));
    probe.start();
    sleepUntil(load, FAULT_AT);
    long faultAt = System.nanoTime();
    scenario.fault().run();
    sleepUntil(load, HEAL_AT);
    long faultEnded = System.nanoTime();
    scenario.heal().run();
    long healed = System.nanoTime();
    double recovery = switch (scenario.recovery()) {
      case LOAD -> -1;
      case REDIS -> secondsUntil(healed, ChaosHarness::redisInUse);
      case POSTGRES -> secondsUntil(healed, ChaosHarness::uncachedAnswers);
      case RESTART -> secondsUntil(healed, ChaosHarness::everyInstanceReady);
    };
    LoadRun.Result result = load.await(RUN_SECONDS + 60);
    probe.stop();
    double loadClean = result.recoverySeconds(HEAL_AT);
    double during = successDuring(result.timeline(), FAULT_AT, HEAL_AT);
    String recovered = scenario.recovery() == Recovery.LOAD
      ? String.format(Locale.ROOT, "load clean %.0f s after", loadClean)
      : String.format(Locale.ROOT, "%s %.1f s; load clean %.0f s after", switch (scenario.recovery()) {
        case REDIS -> "Redis in use again";
        case POSTGRES -> "uncached answered again";
        default -> "instances ready";
      }, recovery, loadClean);
    String row = String.format(Locale.ROOT, "| %s | %d | %.2f %% | %.2f %% | %.0f | %.0f | %s | %d | %s | %s |",
      scenario.name(), result.requests(), result.successPercent(), during, result.p99Millis(),
      worstP99(result.timeline()), result.errors().isEmpty() ? "none" : result.errors().toString(),
      result.failovers(), probe.summary(faultAt, faultEnded), recovered);
    System.out.println("chaos " + row);
    if (result.successPercent() < scenario.minSuccess()) {
      missed.add(scenario.name() + ": success " + result.successPercent() + " % < " + scenario.minSuccess() + " %");
    }
    if (scenario.recovery() != Recovery.RESTART && scenario.recovery() != Recovery.LOAD && (recovery < 0 || recovery > 10)) {
      missed.add(scenario.name() + ": recovery " + recovery + " s > 10 s");
    }
    if (scenario.recovery() == Recovery.POSTGRES && probe.slowestFailureMillis(faultAt, faultEnded)
      > REQUEST_TIMEOUT.toMillis() + 1000) {
      missed.add(scenario.name() + ": an uncached request failed only after "
        + probe.slowestFailureMillis(faultAt, faultEnded) + " ms");
    }
    // Let the cluster settle (a killed member is dropped, a restarted one joined) before the next scenario.
    everyInstanceReadyWithin(Duration.ofSeconds(60));
    Thread.sleep(5000);
    return row;
  }

  private static double successDuring(JsonArray timeline, int from, int to) {
    long requests = 0;
    long successes = 0;
    for (int i = 0; i < timeline.size(); i++) {
      JsonObject p = timeline.getJsonObject(i);
      if (p.getLong("s") > from && p.getLong("s") <= to) {
        requests += p.getLong("requests");
        successes += p.getLong("successes");
      }
    }
    return requests == 0 ? 0 : 100.0 * successes / requests;
  }

  private static double worstP99(JsonArray timeline) {
    double worst = 0;
    for (int i = 0; i < timeline.size(); i++) {
      worst = Math.max(worst, timeline.getJsonObject(i).getDouble("p99_ms"));
    }
    return worst;
  }

  /** Seconds from {@code since} until the condition holds (polled every 200 ms, for at most 60 s); -1 if never. */
  private static double secondsUntil(long since, BooleanSupplier condition) throws InterruptedException {
    return secondsUntil(since, Duration.ofSeconds(60), condition);
  }

  private static double secondsUntil(long since, Duration timeout, BooleanSupplier condition) throws InterruptedException {
    long deadline = since + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (condition.getAsBoolean()) {
        return (System.nanoTime() - since) / 1e9;
      }
      Thread.sleep(200);
    }
    return -1;
  }

  private static boolean redisInUse() {
    for (ClusteredStack.Instance cache : stack.instances("cache-service")) {
      HttpResponse<String> ready = get("http://127.0.0.1:" + cache.managementPort + "/health/ready", Map.of());
      if (ready == null || ready.statusCode() != 200 || ready.body().contains("\"degraded\":true")) {
        return false;
      }
    }
    return true;
  }

  private static boolean uncachedAnswers() {
    HttpResponse<String> r = get(stack.gatewayUrls().get(0) + "/api/v1/stores/S003/overview?from=2026-09-01&to=2026-09-17",
      Map.of("Authorization", "Bearer " + TOKEN, "X-Cache-Bypass", "1"));
    return r != null && r.statusCode() == 200;
  }

  private static boolean everyInstanceReady() {
    for (String service : ClusteredStack.SERVICES) {
      for (ClusteredStack.Instance i : stack.instances(service)) {
        HttpResponse<String> ready = get("http://127.0.0.1:" + i.managementPort + "/health/ready", Map.of());
        if (ready == null || ready.statusCode() != 200) {
          return false;
        }
      }
    }
    return true;
  }

  private static void everyInstanceReadyWithin(Duration timeout) throws InterruptedException {
    if (secondsUntil(System.nanoTime(), timeout, ChaosHarness::everyInstanceReady) < 0) {
      throw new AssertionError("not every instance is ready again; logs in " + stack.logs());
    }
  }

  private static void deleteRecursively(Path path) throws IOException {
    if (Files.exists(path)) {
      try (var walk = Files.walk(path)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
  }

  private static HttpResponse<String> get(String url, Map<String, String> headers) {
    try {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET();
      headers.forEach(b::header);
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  private static void sleepUntil(LoadRun load, double second) throws InterruptedException {
    long millis = Math.round((second - load.elapsedSeconds()) * 1000);
    if (millis > 0) {
      Thread.sleep(millis);
    }
  }

  /** Asks for an uncached view (cache bypassed with the admin token) twice a second; records status and time. */
  private static final class UncachedProbe {
    private record Sample(long at, int status, long millis) {
    }

    private final String gateway;
    private final List<Sample> samples = new CopyOnWriteArrayList<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private Thread thread;

    UncachedProbe(String gateway) {
      this.gateway = gateway;
    }

    void start() {
      thread = new Thread(() -> {
        int n = 0;
        while (running.get()) {
          long at = System.nanoTime();
          int day = 1 + (n++ % 27);
          HttpResponse<String> r = get(gateway + "/api/v1/stores/S00" + (1 + n % 9) + "/trend?from=2026-09-01&to=2026-09-"
            + String.format("%02d", day + 1), Map.of("Authorization", "Bearer " + TOKEN, "X-Cache-Bypass", "1"));
          samples.add(new Sample(at, r == null ? -1 : r.statusCode(), (System.nanoTime() - at) / 1_000_000));
          try {
            Thread.sleep(Math.max(0, 500 - (System.nanoTime() - at) / 1_000_000));
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "uncached-probe");
      thread.start();
    }

    void stop() throws InterruptedException {
      running.set(false);
      thread.join(15_000);
    }

    String summary(long from, long to) {
      List<Sample> in = samples.stream().filter(s -> s.at >= from && s.at < to).toList();
      long ok = in.stream().filter(s -> s.status == 200).count();
      Map<Integer, Long> statuses = new java.util.TreeMap<>();
      in.forEach(s -> statuses.merge(s.status, 1L, Long::sum));
      long slowest = in.stream().mapToLong(Sample::millis).max().orElse(0);
      return String.format(Locale.ROOT, "%d/%d ok %s, slowest %d ms", ok, in.size(), statuses, slowest);
    }

    long slowestFailureMillis(long from, long to) {
      return samples.stream().filter(s -> s.at >= from && s.at < to && s.status != 200).mapToLong(Sample::millis)
        .max().orElse(0);
    }
  }

  /** Cuts one loopback address off from everything, with nftables (root only): a network partition of one node. */
  static final class Partition {
    private static final String TABLE = "storedash_chaos";

    static void isolate(String address) throws IOException, InterruptedException {
      nft("add table inet " + TABLE);
      nft("add chain inet " + TABLE + " input { type filter hook input priority 0 ; policy accept ; }");
      nft("add rule inet " + TABLE + " input ip saddr " + address + " drop");
      nft("add rule inet " + TABLE + " input ip daddr " + address + " drop");
    }

    static void heal() throws IOException, InterruptedException {
      Process p = new ProcessBuilder("nft", "delete", "table", "inet", TABLE).redirectErrorStream(true).start();
      p.waitFor(10, TimeUnit.SECONDS);
    }

    private static void nft(String command) throws IOException, InterruptedException {
      List<String> args = new ArrayList<>(List.of("nft"));
      args.addAll(List.of(command.split(" ")));
      Process p = new ProcessBuilder(args).redirectErrorStream(true).start();
      if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException("nft " + command + " failed: " + new String(p.getInputStream().readAllBytes()));
      }
    }
  }
}
