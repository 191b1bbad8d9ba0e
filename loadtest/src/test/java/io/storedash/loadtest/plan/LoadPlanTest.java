package io.storedash.loadtest.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class LoadPlanTest {

  private static LoadPlan plan(String... args) throws PlanException {
    LoadTestOptions options = new LoadTestOptions();
    new CommandLine(options).parseArgs(args);
    return LoadPlan.from(options);
  }

  private static List<String> problems(String... args) {
    try {
      plan(args);
    } catch (PlanException e) {
      return e.problems();
    }
    throw new AssertionError("expected the arguments to be refused: " + List.of(args));
  }

  @Test
  void defaultsAreAClosedDashboardRunAgainstTheLocalGateway() throws PlanException {
    LoadPlan p = plan();
    assertThat(p.target()).isEqualTo(URI.create("http://127.0.0.1:8051"));
    assertThat(p.model()).isEqualTo(LoadPlan.Model.CLOSED);
    assertThat(p.users(0)).isEqualTo(30);
    assertThat(p.warmup()).isEqualTo(Duration.ofSeconds(10));
    assertThat(p.duration()).isEqualTo(Duration.ofSeconds(60));
    assertThat(p.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(p.mix().size()).isEqualTo(11);
    assertThat(p.ranges().all()).hasSize(1);
    assertThat(p.slo().isEmpty()).isTrue();
  }

  @Test
  void readsEveryOption() throws PlanException {
    LoadPlan p = plan("--target", "http://localhost:9000/", "--users", "30, 50,100", "--think", "500ms",
      "--zipf", "0.8", "--end-date", "2026-10-30", "--ranges", "7,30", "--ramp", "5s", "--warmup", "5s",
      "--duration", "1m", "--timeout", "2s", "--endpoints", "overview,trend", "-H", "Authorization: Bearer x",
      "--header", "X-Trace:1", "--accept-gzip", "--max-p99", "50ms", "--min-success", "99.9", "--min-hit-rate",
      "95", "--json", "out.json", "--seed", "7", "--event-loops", "3", "--stores", "S001,S002");
    assertThat(p.target()).isEqualTo(URI.create("http://localhost:9000"));
    assertThat(p.levels()).containsExactly(30.0, 50.0, 100.0);
    assertThat(p.label(2)).isEqualTo("100 users");
    assertThat(p.think()).isEqualTo(Duration.ofMillis(500));
    assertThat(p.ranges().all()).hasSize(2);
    assertThat(p.duration()).isEqualTo(Duration.ofMinutes(1));
    assertThat(p.mix().names()).containsExactly("overview", "trend");
    assertThat(p.headers()).containsExactly(Map.entry("Authorization", "Bearer x"), Map.entry("X-Trace", "1"));
    assertThat(p.acceptGzip()).isTrue();
    assertThat(p.slo().maxP99()).isEqualTo(Duration.ofMillis(50));
    assertThat(p.slo().minSuccessPercent()).isEqualTo(99.9);
    assertThat(p.slo().minHitRatePercent()).isEqualTo(95.0);
    assertThat(p.stores()).containsExactly("S001", "S002");
    assertThat(p.eventLoops()).isEqualTo(3);
    assertThat(p.hardDeadlinePerRun()).isEqualTo(Duration.ofSeconds(72));
  }

  @Test
  void theOpenModelTakesRates() throws PlanException {
    LoadPlan p = plan("--rate", "500/s,30000/min", "--max-outstanding", "64");
    assertThat(p.model()).isEqualTo(LoadPlan.Model.OPEN);
    assertThat(p.levels()).containsExactly(500.0, 500.0);
    assertThat(p.label(0)).isEqualTo("500/s");
    assertThat(p.maxOutstanding()).isEqualTo(64);
  }

  @Test
  void everyMistakeIsReportedAtOnce() {
    List<String> problems = problems("--users", "0,x", "--duration", "10", "--warmup", "-1s", "--timeout", "0",
      "--zipf", "-2", "--end-date", "30/10/2026", "--header", "NoColon", "--min-success", "120");
    assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("--users: users must be from 1"))
      .anySatisfy(p -> assertThat(p).isEqualTo("--users: 'x' is not a whole number"))
      .anySatisfy(p -> assertThat(p).contains("--duration: '10' is not a duration"))
      .anySatisfy(p -> assertThat(p).contains("--warmup: '-1s' is not a duration"))
      .anySatisfy(p -> assertThat(p).isEqualTo("--timeout must be above 0"))
      .anySatisfy(p -> assertThat(p).contains("--zipf must be from 0"))
      .anySatisfy(p -> assertThat(p).contains("--end-date 30/10/2026 is not a date"))
      .anySatisfy(p -> assertThat(p).contains("--header 'NoColon' must look like 'Name: value'"))
      .anySatisfy(p -> assertThat(p).contains("--min-success is a percentage from 0 to 100"));
  }

  @Test
  void modelsAndTheirOptionsDoNotMix() {
    assertThat(problems("--users", "10", "--rate", "100/s")).singleElement().asString().contains("exclude each other");
    assertThat(problems("--rate", "100/s", "--think", "1s")).singleElement().asString()
      .contains("--think belongs to the closed model");
    assertThat(problems("--rate", "100/s", "--ramp", "1s")).singleElement().asString()
      .contains("--ramp belongs to the closed model");
    assertThat(problems("--rate", "0/s")).singleElement().asString().contains("must be above 0");
    assertThat(problems("--ramp", "2m", "--warmup", "10s", "--duration", "60s")).singleElement().asString()
      .contains("longer than the run");
    assertThat(problems("--url-only", "/ping", "--endpoints", "overview")).singleElement().asString()
      .contains("--url-only replaces the mix");
    assertThat(problems("--endpoints", "nope")).singleElement().asString().contains("unknown endpoint(s) [nope]");
  }

  @Test
  void aRampLongerThanTheWarmupIsAllowedWithAWarning() throws PlanException {
    LoadPlan p = plan("--ramp", "20s", "--warmup", "10s");
    assertThat(p.warnings()).singleElement().asString().contains("part of the ramp is measured");
  }

  @Test
  void remoteTargetsNeedAllowRemote() throws PlanException {
    assertThat(problems("--target", "http://10.0.0.5:8051")).singleElement().asString()
      .contains("not loopback").contains("--allow-remote");
    assertThat(problems("--target", "http://gateway.example.com")).singleElement().asString().contains("not loopback");
    assertThat(problems("--target", "ftp://127.0.0.1")).singleElement().asString().contains("http:// or https://");
    assertThat(plan("--target", "http://10.0.0.5:8051", "--allow-remote").target().getHost()).isEqualTo("10.0.0.5");
    assertThat(plan("--target", "http://[::1]:8051").target().getPort()).isEqualTo(8051);
  }

  @Test
  void urlOnlyAndMixFiles(@TempDir Path dir) throws Exception {
    assertThat(plan("--url-only", "/ping").mix().names()).containsExactly("url");
    Path mix = dir.resolve("mix.txt");
    Files.writeString(mix, "overview /api/v1/stores/{store}/overview 2\nmonitor /api/v1/monitor\n");
    assertThat(plan("--mix", mix.toString()).mix().names()).containsExactly("overview", "monitor");
    assertThat(problems("--mix", dir.resolve("missing.txt").toString())).singleElement().asString()
      .contains("cannot be read");
  }

  @Test
  void durationsAndRatesParse() {
    assertThat(Durations.parse("0")).isZero();
    assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("1.5s")).isEqualTo(Duration.ofMillis(1500));
    assertThat(Durations.parse("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(Durations.parse("1h")).isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> Durations.parse("10")).hasMessageContaining("with a unit");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1.5s");
    assertThat(Durations.format(Duration.ofMillis(250))).isEqualTo("250ms");
    assertThat(Rates.parse("500/s")).isEqualTo(500.0);
    assertThat(Rates.parse("500")).isEqualTo(500.0);
    assertThat(Rates.parse("600/min")).isEqualTo(10.0);
    assertThatThrownBy(() -> Rates.parse("fast")).hasMessageContaining("not a rate");
  }

  @Test
  void loopbackMeansLoopback() {
    assertThat(TargetPolicy.isLoopback("127.0.0.1")).isTrue();
    assertThat(TargetPolicy.isLoopback("127.8.9.10")).isTrue();
    assertThat(TargetPolicy.isLoopback("localhost")).isTrue();
    assertThat(TargetPolicy.isLoopback("::1")).isTrue();
    assertThat(TargetPolicy.isLoopback("[::1]")).isTrue();
    assertThat(TargetPolicy.isLoopback("128.0.0.1")).isFalse();
    assertThat(TargetPolicy.isLoopback("0.0.0.0")).isFalse();
    assertThat(TargetPolicy.isLoopback("127.0.0.999")).isFalse();
    assertThat(TargetPolicy.isLoopback("localhost.example.com")).isFalse();
    assertThat(TargetPolicy.isLoopback("::2")).isFalse();
  }
}
