package io.storedash.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/prometheus as Prometheus itself reads it, with Debian's promtool: the alert rules parse ({@code promtool
 * check rules}), every rule fires in its unit tests ({@code promtool test rules alerts-test.yml}: at least one test
 * expects it to fire, so a rule that can never fire fails here), both scrape configurations load ({@code promtool
 * check config} of the compose stack's), and no rule or dashboard reads the {@code instance} label a process set itself (it became
 * {@code exported_instance} and changed with every restart).
 */
class PrometheusRulesTest {

  private static final Path ROOT = ExternalCommand.repositoryRoot();
  private static final Path DIR = ROOT.resolve("deploy/prometheus");
  private static final String INSTALL = "Install promtool (Debian: apt-get install prometheus)";

  @Test
  void theRulesParse() {
    String out = promtool(DIR, "check", "rules", "alerts.yml").stdoutOrFail();
    System.out.print(out);
    assertThat(out).contains("SUCCESS: " + alertNames().size() + " rules found");
  }

  @Test
  void everyRulePassesItsUnitTests() {
    ExternalCommand.Result result = promtool(DIR, "test", "rules", "alerts-test.yml");
    System.out.print(result.stdout() + result.stderr());
    assertThat(result.exitCode()).as("promtool test rules alerts-test.yml:\n" + result.stdout() + result.stderr()).isZero();
    assertThat(result.stdout()).contains("SUCCESS");
  }

  @Test
  void everyRuleIsExpectedToFireInSomeTest() {
    Set<String> firing = new TreeSet<>();
    Set<String> tested = new TreeSet<>();
    for (Map<String, Object> test : maps(load(DIR.resolve("alerts-test.yml")).get("tests"))) {
      for (Map<String, Object> check : maps(test.get("alert_rule_test"))) {
        String name = String.valueOf(check.get("alertname"));
        tested.add(name);
        if (!maps(check.get("exp_alerts")).isEmpty()) {
          firing.add(name);
        }
      }
    }
    Set<String> rules = alertNames();
    System.out.printf("alerts.yml: %d rules; tests expect %d of them to fire%n", rules.size(), firing.size());
    assertThat(firing).as("alert rules that some test in alerts-test.yml expects to fire").containsAll(rules);
    assertThat(rules).as("alerts tested in alerts-test.yml that alerts.yml has").containsAll(tested);
  }

  @Test
  void aRuleThatCannotFireFailsItsTest(@TempDir Path dir) throws IOException {
    // The NaN that monitor-service exported for a Redis without maxmemory, compared with 0: never true.
    String neverFires = Files.readString(DIR.resolve("alerts.yml"))
      .replace("expr: storedash_redis_memory_max_mb == 0", "expr: storedash_redis_memory_max_mb == -1");
    Files.writeString(dir.resolve("alerts.yml"), neverFires);
    Files.copy(DIR.resolve("alerts-test.yml"), dir.resolve("alerts-test.yml"));
    ExternalCommand.Result result = promtool(dir, "test", "rules", "alerts-test.yml");
    assertThat(result.exitCode()).isNotZero();
    assertThat(result.stdout() + result.stderr()).contains("FAILED").contains("alertname: RedisNoMaxmemory");
  }

  /**
   * The compose stack's configuration. Not prometheus-kubernetes.yml: Debian builds Prometheus without Kubernetes
   * service discovery, so its promtool cannot read {@code kubernetes_sd_configs}.
   */
  @Test
  void theComposeScrapeConfigurationLoads(@TempDir Path dir) throws IOException {
    String file = "prometheus.yml";
    // rule_files names where the container mounts the rules; point it at this copy.
    String config = Files.readString(DIR.resolve(file)).replace("/etc/prometheus/alerts.yml", DIR.resolve("alerts.yml").toString());
    Files.writeString(dir.resolve(file), config);
    String out = promtool(dir, "check", "config", file).stdoutOrFail();
    System.out.print(out);
    assertThat(out).contains("SUCCESS");
  }

  @Test
  void noRuleOrDashboardReadsASelfSetInstanceLabel() throws IOException {
    List<String> sources = new ArrayList<>(List.of(Files.readString(DIR.resolve("alerts.yml"))));
    try (var dashboards = Files.list(ROOT.resolve("deploy/grafana/dashboards"))) {
      for (Path dashboard : dashboards.toList()) {
        sources.add(Files.readString(dashboard));
      }
    }
    assertThat(sources).noneSatisfy(text -> assertThat(text).contains("exported_instance"));
  }

  private static Set<String> alertNames() {
    Set<String> names = new TreeSet<>();
    for (Map<String, Object> group : maps(load(DIR.resolve("alerts.yml")).get("groups"))) {
      for (Map<String, Object> rule : maps(group.get("rules"))) {
        if (rule.get("alert") != null) {
          names.add(String.valueOf(rule.get("alert")));
        }
      }
    }
    return names;
  }

  private static ExternalCommand.Result promtool(Path dir, String... args) {
    ExternalCommand.requireOnPath("promtool", INSTALL);
    List<String> command = new ArrayList<>(List.of("promtool"));
    command.addAll(List.of(args));
    return ExternalCommand.run(command, dir, Map.of(), Duration.ofSeconds(120));
  }

  private static Map<String, Object> load(Path file) {
    try {
      Map<String, Object> yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(Files.readString(file));
      assertThat(yaml).as(file.toString()).isNotNull();
      return yaml;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> maps(Object value) {
    return value instanceof List<?> list
      ? list.stream().filter(Map.class::isInstance).map(m -> (Map<String, Object>) m).toList() : List.of();
  }
}
