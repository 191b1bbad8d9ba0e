package io.storedash.loadtest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the command line in-process against a {@link FakeGateway} and checks its figures against what the server
 * really sent.
 */
@ExtendWith(VertxExtension.class)
class LoadTestCommandTest {

  @TempDir
  Path dir;

  record Outcome(int exit, String out, String err, JsonObject json) {
    JsonObject run(int i) {
      return json.getJsonArray("runs").getJsonObject(i);
    }

    long total(String field) {
      long sum = 0;
      for (Object r : json.getJsonArray("runs")) {
        sum += ((JsonObject) r).getJsonObject("overall").getLong(field);
      }
      return sum;
    }
  }

  private Outcome loadtest(String... args) throws IOException {
    return loadtest(Map.of(), args);
  }

  private Outcome loadtest(Map<String, String> environment, String... args) throws IOException {
    Path json = dir.resolve("result-" + System.nanoTime() + ".json");
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--json");
    all.add(json.toString());
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int exit = LoadTestCommand.commandLine(new LoadTestCommand(environment::get))
      .setOut(new PrintWriter(out, true))
      .setErr(new PrintWriter(err, true))
      .execute(all.toArray(String[]::new));
    JsonObject result = Files.exists(json) ? new JsonObject(Files.readString(json)) : null;
    return new Outcome(exit, out.toString(), err.toString(), result);
  }

  private FakeGateway deploy(Vertx vertx, FakeGateway gateway) {
    VertxTestContext started = new VertxTestContext();
    vertx.deployVerticle(gateway).onComplete(started.succeedingThenComplete());
    try {
      assertThat(started.awaitCompletion(10, TimeUnit.SECONDS)).isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
    return gateway;
  }

  private static String target(FakeGateway gateway) {
    return "http://127.0.0.1:" + gateway.port();
  }

  @Test
  void closedModelCountsWhatTheServerSent(Vertx vertx) throws Exception {
    FakeGateway gateway = deploy(vertx, new FakeGateway());
    Outcome o = loadtest("--target", target(gateway), "--users", "4,6", "--warmup", "0", "--duration", "2s",
      "--timeout", "2s", "--end-date", "2026-10-30", "--event-loops", "2");

    assertThat(o.exit()).as(o.err()).isZero();
    assertThat(o.json().getJsonArray("runs")).hasSize(2);
    assertThat(o.run(0).getInteger("users")).isEqualTo(4);
    assertThat(o.run(1).getInteger("users")).isEqualTo(6);
    // Nothing is lost or invented: with no warm-up every request the server answered is in the figures, except the
    // one that fetched the store list before the runs.
    assertThat(o.total("requests")).isEqualTo(gateway.answered.get() - 1).isGreaterThan(100);
    assertThat(o.total("successes")).isEqualTo(gateway.count(gateway.byStatus, 200) - 1);

    JsonObject overall = o.run(0).getJsonObject("overall");
    Map<String, JsonObject> rows = rows(o.run(0));
    assertThat(rows.keySet()).containsExactly("page", "stores", "overview", "trend", "channels", "categories",
      "hours", "products", "diagnosis", "ranking", "monitor");
    // Every user walks the whole session, so endpoint counts differ by at most one per user.
    long pages = rows.get("page").getLong("requests");
    rows.values().forEach(r -> assertThat(r.getLong("requests")).isBetween(pages - 4, pages));
    // Errors by kind: the route that is not built yet answers 404, every 5th diagnosis 500.
    assertThat(rows.get("hours").getJsonObject("errors").getMap()).containsOnlyKeys("status_404");
    assertThat(rows.get("hours").getLong("successes")).isZero();
    assertThat(o.total("requests") - o.total("successes"))
      .isEqualTo(gateway.count(gateway.byStatus, 404) + gateway.count(gateway.byStatus, 500));
    assertThat(overall.getJsonObject("errors").getMap()).containsOnlyKeys("status_404", "status_500");
    // The cache figures match what the server stamped on its responses.
    long hits = o.total("requests") == 0 ? 0 : sumCache(o, "hits");
    assertThat(hits).isEqualTo(gateway.count(gateway.byCache, "L4") + gateway.count(gateway.byCache, "L3"));
    assertThat(sumCache(o, "misses")).isEqualTo(gateway.count(gateway.byCache, "MISS"));
    JsonObject cache = overall.getJsonObject("cache");
    assertThat(cache.getDouble("hit_rate_percent")).isCloseTo(
      100.0 * cache.getLong("hits") / (cache.getLong("hits") + cache.getLong("misses")), within(0.001));
    assertThat(cache.getDouble("hit_rate_percent")).isBetween(75.0, 85.0);
    // Latency: the 20 ms route is slow, the others are not. A loaded machine slows every route alike, so the
    // overview is compared with the trend, whose median must stay most of the server's delay above it.
    double trendP50 = rows.get("trend").getJsonObject("latency_ms").getDouble("p50");
    assertThat(trendP50).isGreaterThanOrEqualTo(FakeGateway.TREND_DELAY_MS);
    assertThat(rows.get("overview").getJsonObject("latency_ms").getDouble("p50"))
      .isLessThan(trendP50 - FakeGateway.TREND_DELAY_MS / 2.0);
    // Stores by Zipf popularity from the list the server gave; ranges are the last 7/30/90 days.
    assertThat(gateway.count(gateway.overviewByStore, "S001")).isGreaterThan(gateway.count(gateway.overviewByStore, "S005"));
    assertThat(gateway.fromDates.keySet()).containsExactlyInAnyOrder("2026-10-24", "2026-10-01", "2026-08-02");
    // Pools bounded by the users, and every connection closed at the end.
    for (int i = 0; i < 2; i++) {
      JsonObject tool = o.run(i).getJsonObject("tool");
      assertThat(tool.getLong("connections_opened")).isBetween(1L, i == 0 ? 4L : 6L);
      assertThat(tool.getLong("connections_closed")).isEqualTo(tool.getLong("connections_opened"));
      // The tool reports its own load: its event loops' CPU and the JVM's.
      assertThat(tool.getDouble("busiest_loop_percent")).isBetween(0.0, 110.0);
      assertThat(tool.getDouble("cpu_cores_avg")).isPositive();
      assertThat(o.run(i).getJsonObject("warmup").getLong("requests")).isZero();
    }
    assertConnectionsClosed(gateway);
    // Keep-alive: one connection per user (4 + 6), plus the one that fetched the store list.
    assertThat(gateway.connectionsSeen.get()).isLessThanOrEqualTo(11);
    // The progress line came every second and the table names every endpoint.
    assertThat(o.err()).contains("[4 users]").contains("req/s").contains("hit ");
    assertThat(o.out()).contains("== run 1: closed model, 4 users").contains("hours").contains("status_404")
      .contains("no SLO given");
  }

  @Test
  void openModelMeasuresFromTheIntendedSendTime(Vertx vertx) throws Exception {
    // The server holds every response for one second, once, about a second into the run. With only 4 requests
    // allowed in flight, a tool that measured from the actual send would see 4 slow requests; the ~200 that were
    // due during the stall waited too, and must show in the percentiles.
    FakeGateway gateway = deploy(vertx, new FakeGateway(1000, 1000));
    Outcome o = loadtest("--target", target(gateway), "--rate", "200/s", "--max-outstanding", "4", "--warmup", "0",
      "--duration", "4s", "--timeout", "3s", "--endpoints", "overview,channels", "--stores", "S001,S002");

    assertThat(o.exit()).as(o.err()).isZero();
    JsonObject overall = o.run(0).getJsonObject("overall");
    // The timetable is exact: 200/s for 4 s.
    assertThat(overall.getLong("requests")).isEqualTo(800);
    assertThat(overall.getLong("successes")).isEqualTo(800);
    JsonObject latency = overall.getJsonObject("latency_ms");
    JsonObject service = overall.getJsonObject("service_time_ms");
    // The stall is the only long wait: its second, plus catching up the backlog 4 at a time, which a loaded machine
    // can stretch by some hundreds of ms; nowhere near the 3 s timeout.
    assertThat(latency.getDouble("max")).isBetween(900.0, 2000.0);
    assertThat(latency.getDouble("p99_9")).isGreaterThan(900.0);
    assertThat(latency.getDouble("p99")).isGreaterThan(800.0);
    assertThat(latency.getDouble("p90")).as("about a quarter of the requests were due during the stall")
      .isGreaterThan(300.0);
    assertThat(service.getDouble("p90")).as("from the actual send the stall hides").isLessThan(100.0);
    assertThat(o.run(0).getJsonObject("tool").getJsonObject("send_lag_ms").getDouble("max")).isGreaterThan(800.0);
    assertThat(o.out()).contains("open model, 200/s, at most 4 outstanding")
      .contains("latency above counts from the intended send time");
    assertConnectionsClosed(gateway);
  }

  @Test
  void sloFlagsSetTheExitCodeAndSayWhatWasViolated(Vertx vertx) throws Exception {
    FakeGateway gateway = deploy(vertx, new FakeGateway());
    String[] base = {"--target", target(gateway), "--users", "3", "--warmup", "0", "--duration", "1s", "-q"};

    Outcome pass = loadtest(concat(base, "--max-p99", "2s", "--min-success", "50", "--min-hit-rate", "50"));
    assertThat(pass.exit()).as(pass.err()).isEqualTo(LoadTestCommand.EXIT_OK);
    assertThat(pass.out()).contains("SLO PASSED");
    assertThat(pass.json().getJsonObject("slo").getBoolean("passed")).isTrue();

    // The dashboard mix has a 404 route, every 5th diagnosis fails, a quarter of cached answers miss, and the
    // 20 ms trend call is 9 % of the requests: all three objectives are missed.
    Outcome fail = loadtest(concat(base, "--max-p99", "5ms", "--min-success", "99.9", "--min-hit-rate", "95"));
    assertThat(fail.exit()).isEqualTo(LoadTestCommand.EXIT_SLO_VIOLATED);
    assertThat(fail.out()).contains("SLO VIOLATED").contains("[max_p99] 3 users: p99")
      .contains("[min_success] 3 users: success rate").contains("[min_hit_rate] 3 users: cache hit rate");
    JsonArray violations = fail.json().getJsonObject("slo").getJsonArray("violations");
    assertThat(violations.stream().map(v -> ((JsonObject) v).getString("objective")))
      .containsExactly("max_p99", "min_success", "min_hit_rate");
    assertThat(fail.json().getInteger("exit_code")).isEqualTo(1);

    Outcome onlyHits = loadtest(concat(base, "--min-hit-rate", "95"));
    assertThat(onlyHits.exit()).isEqualTo(LoadTestCommand.EXIT_SLO_VIOLATED);
    assertThat(onlyHits.out()).contains("[min_hit_rate]").doesNotContain("[min_success]");
  }

  @Test
  void thinkTimePacesTheUsers(Vertx vertx) throws Exception {
    FakeGateway gateway = deploy(vertx, new FakeGateway());
    Outcome o = loadtest("--target", target(gateway), "--users", "2", "--think", "200ms", "--endpoints", "monitor",
      "--warmup", "0", "--duration", "1s", "-q");
    assertThat(o.exit()).as(o.err()).isZero();
    // Each user makes one request, then thinks 200 ms: at most 5 visits each in a second, not thousands. On a loaded
    // machine one event-loop stall can take half of that second (600 ms seen), so the floor only shows that the users
    // came back after thinking.
    assertThat(o.run(0).getJsonObject("overall").getLong("requests")).isBetween(4L, 12L);
  }

  @Test
  void refusesRemoteTargetsWithoutTouchingThem() throws Exception {
    long start = System.nanoTime();
    Outcome o = loadtest("--target", "http://10.255.255.1:8051", "--users", "5", "--duration", "30s");
    assertThat(o.exit()).isEqualTo(LoadTestCommand.EXIT_USAGE);
    assertThat(o.err()).contains("target host 10.255.255.1 is not loopback").contains("--allow-remote");
    assertThat(o.json()).isNull();
    assertThat((System.nanoTime() - start) / 1e9).isLessThan(2.0);

    Outcome bad = loadtest("--users", "0", "--think", "soon");
    assertThat(bad.exit()).isEqualTo(LoadTestCommand.EXIT_USAGE);
    assertThat(bad.err()).contains("--users: users must be from 1").contains("--think: 'soon' is not a duration");
  }

  @Test
  void timeoutsAndRefusedConnectionsAreErrorsByKind(Vertx vertx) throws Exception {
    FakeGateway gateway = deploy(vertx, new FakeGateway());
    Outcome slow = loadtest("--target", target(gateway), "--url-only", "/slow", "--users", "2", "--warmup", "0",
      "--duration", "1s", "--timeout", "200ms", "-q", "--min-success", "99");
    assertThat(slow.exit()).isEqualTo(LoadTestCommand.EXIT_SLO_VIOLATED);
    JsonObject overall = slow.run(0).getJsonObject("overall");
    assertThat(overall.getLong("successes")).isZero();
    assertThat(overall.getJsonObject("errors").getMap()).containsOnlyKeys("timeout");
    // 2 users, 1 s, 200 ms per timed-out request: about 10 requests, each recorded at ~200 ms. A stall of the tool's
    // event loop can take half of that second on a loaded machine; the floor shows that users go on after a timeout.
    assertThat(overall.getLong("requests")).isBetween(4L, 12L);
    // The sweep that expires them runs every 10 ms and a loaded machine can delay it, but a request is recorded at
    // the tool's timeout, well before the 600 ms the server would take to answer.
    assertThat(overall.getJsonObject("latency_ms").getDouble("p50")).isBetween(195.0, 500.0);
    assertConnectionsClosed(gateway);

    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Outcome refused = loadtest("--target", "http://127.0.0.1:" + closedPort, "--url-only", "/", "--users", "2",
      "--warmup", "0", "--duration", "1s", "-q");
    assertThat(refused.exit()).as(refused.err()).isZero();
    JsonObject r = refused.run(0).getJsonObject("overall");
    assertThat(r.getLong("requests")).isPositive().isLessThan(40L);
    assertThat(r.getJsonObject("errors").getMap()).containsOnlyKeys("connection_refused");
    assertThat(refused.out()).contains("errors by kind: connection_refused");
  }

  @Test
  void urlOnlyWithGzipHeadersAndTheStoreFallback(Vertx vertx) throws Exception {
    FakeGateway gateway = deploy(vertx, new FakeGateway());
    Outcome o = loadtest("--target", target(gateway), "--url-only", "/const", "--rate", "100/s", "--warmup", "0",
      "--duration", "1s", "--accept-gzip", "-H", "Authorization: Bearer x", "-q");
    assertThat(o.exit()).as(o.err()).isZero();
    JsonObject overall = o.run(0).getJsonObject("overall");
    assertThat(overall.getLong("requests")).isEqualTo(100);
    assertThat(overall.getLong("gzip_responses")).isEqualTo(100);
    assertThat(overall.getLong("bytes")).isEqualTo(100L * FakeGateway.CONSTANT_GZIP.length);
    assertThat(gateway.withBearer.get()).isEqualTo(100);
    assertThat(o.json().getJsonObject("settings").getJsonArray("headers")).containsExactly("Authorization");

    // A target without /api/v1/stores: the tool warns and visits 'all' instead of crashing.
    FakeGateway other = deploy(vertx, new FakeGateway());
    Path mix = dir.resolve("mix.txt");
    Files.writeString(mix, "const /const?store={store}\nmissing /api/v1/nothing/{store}\n");
    Outcome fallback = loadtest("--target", target(other) + "/base", "--mix", mix.toString(), "--users", "1",
      "--warmup", "0", "--duration", "500ms", "-q");
    assertThat(fallback.exit()).as(fallback.err()).isZero();
    assertThat(fallback.err()).contains("cannot list the stores").contains("visiting store 'all' only");
    // The base path is part of every request, so both endpoints answer 404 on this server.
    assertThat(fallback.run(0).getJsonObject("overall").getJsonObject("errors").getMap()).containsOnlyKeys("status_404");
  }

  /**
   * The server runs a connection's close handler on its own event loop, after the tool has closed its side and
   * returned: wait for it, up to 5 s.
   */
  private static void assertConnectionsClosed(FakeGateway gateway) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (gateway.openConnections.get() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(gateway.openConnections.get()).as("connections the server still has open").isZero();
  }

  private static long sumCache(Outcome o, String field) {
    long sum = 0;
    for (Object r : o.json().getJsonArray("runs")) {
      sum += ((JsonObject) r).getJsonObject("overall").getJsonObject("cache").getLong(field);
    }
    return sum;
  }

  private static Map<String, JsonObject> rows(JsonObject run) {
    Map<String, JsonObject> rows = new java.util.LinkedHashMap<>();
    for (Object e : run.getJsonArray("endpoints")) {
      rows.put(((JsonObject) e).getString("name"), (JsonObject) e);
    }
    return rows;
  }

  private static String[] concat(String[] base, String... more) {
    String[] all = new String[base.length + more.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(more, 0, all, base.length, more.length);
    return all;
  }

  @Test
  void severalTargetsAreUsedLikeALoadBalancerAndADeadOneIsFailedOver(Vertx vertx) throws Exception {
    FakeGateway first = deploy(vertx, new FakeGateway());
    FakeGateway second = new FakeGateway();
    String secondId = vertx.deployVerticle(second).await();
    // The second gateway dies early in a 3 s run, once it has answered 20 requests (not at a fixed time: the tool
    // may take a while to start on a slow machine): its connections close and new ones are refused.
    long killer = vertx.setPeriodic(10, t -> {
      if (second.answered.get() >= 20) {
        vertx.cancelTimer(t);
        vertx.undeploy(secondId);
      }
    });
    Outcome o = loadtest("--target", target(first) + "," + target(second), "--users", "6", "--warmup", "0",
      "--duration", "3s", "--timeout", "2s", "--endpoints", "overview", "--event-loops", "2");
    vertx.cancelTimer(killer);

    assertThat(o.exit()).as(o.err()).isZero();
    assertThat(o.json().getJsonArray("targets")).hasSize(2);
    JsonObject run = o.run(0);
    // Both took requests; after the death every request went to the first, and nothing failed.
    assertThat(first.answered.get()).isGreaterThan(50);
    assertThat(second.answered.get()).isGreaterThanOrEqualTo(20);
    assertThat(run.getJsonObject("overall").getLong("successes")).isEqualTo(run.getJsonObject("overall").getLong("requests"));
    assertThat(run.getLong("failovers")).isPositive();
    assertThat(o.out()).contains("failovers: ");
    // One point per second, with what ended in it; the measured seconds add up to the run's figures.
    JsonArray timeline = run.getJsonArray("timeline");
    assertThat(timeline.size()).isBetween(3, 7);
    long perSecond = 0;
    for (Object p : timeline) {
      if (!"warm-up".equals(((JsonObject) p).getString("phase"))) {
        perSecond += ((JsonObject) p).getLong("requests");
      }
    }
    assertThat(perSecond).isEqualTo(run.getJsonObject("overall").getLong("requests"));
  }

  @Test
  void withOneTargetAConnectionFailureIsAFailure(Vertx vertx) throws Exception {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    Outcome o = loadtest("--target", "http://127.0.0.1:" + closedPort, "--stores", "S001", "--users", "2",
      "--warmup", "0", "--duration", "1s", "--timeout", "1s", "--endpoints", "overview", "--event-loops", "1");
    JsonObject overall = o.run(0).getJsonObject("overall");
    assertThat(overall.getLong("successes")).isZero();
    assertThat(overall.getJsonObject("errors").getMap()).containsOnlyKeys("connection_refused");
    assertThat(o.run(0).getLong("failovers")).isZero();
  }

  @Test
  void signedInUsersEachCarryTheirOwnSession(Vertx vertx) throws Exception {
    FakeGateway gateway = deploy(vertx, new FakeGateway());
    Outcome o = loadtest(Map.of("STOREDASH_PASSWORD", FakeGateway.PASSWORD), "-t", target(gateway), "-u", "4",
      "--user", "hq1", "--warmup", "0s", "-d", "1s", "-q", "--endpoints", "overview");
    assertThat(o.exit()).as(o.err()).isZero();
    assertThat(gateway.bySession).as("one session per virtual user").hasSize(4);
    assertThat(gateway.bySession.values()).as("every session was used").allSatisfy(n -> assertThat(n.get()).isPositive());
    assertThat(gateway.withoutSession).as("every dashboard request, and the store list, carried a session").hasValue(0);
  }

  @Test
  void aRefusedSignInStopsTheToolWithTheGatewaysSentenceAndNoPasswordIsTakenFromTheCommandLine(Vertx vertx) throws Exception {
    FakeGateway gateway = deploy(vertx, new FakeGateway());
    Outcome wrong = loadtest(Map.of("STOREDASH_PASSWORD", "nope"), "-t", target(gateway), "-u", "2", "--user", "hq1",
      "--warmup", "0s", "-d", "1s", "-q");
    assertThat(wrong.exit()).isEqualTo(LoadTestCommand.EXIT_RUN_FAILED);
    assertThat(wrong.err()).contains("signing in as hq1 answered HTTP 401: wrong user name or password").doesNotContain("nope");
    Outcome unset = loadtest(Map.of(), "-t", target(gateway), "-u", "2", "--user", "hq1", "-d", "1s");
    assertThat(unset.exit()).isEqualTo(LoadTestCommand.EXIT_USAGE);
    assertThat(unset.err()).contains("the password environment variable STOREDASH_PASSWORD is not set");
    Outcome token = loadtest(Map.of("SD_TOKEN", "x"), "-t", target(gateway), "-u", "2", "--token-env", "SD_TOKEN",
      "--warmup", "0s", "-d", "1s", "-q", "--endpoints", "overview");
    assertThat(token.exit()).as(token.err()).isZero();
    assertThat(gateway.withBearer.get()).as("every request carried the token from the environment").isPositive();
  }
}
