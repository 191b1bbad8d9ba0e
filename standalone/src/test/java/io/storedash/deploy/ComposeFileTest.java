package io.storedash.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docker-compose.yml as {@code docker-compose config} renders it, for the default services and each profile:
 * valid for compose, safe for {@code --scale}, and each StoreDash container's environment accepted by ConfigLoader
 * ({@link ComposeCheck}). There is no Docker engine to start it here; what {@code --scale query-service=3} needs
 * of the file (no container names, no fixed host ports, discovery by the shared alias) is what is checked.
 */
class ComposeFileTest {

  private static final Path ROOT = ExternalCommand.repositoryRoot();
  private static final String INSTALL = "Install docker-compose (Debian: apt-get install docker-compose)";
  /** Checked with the file's own defaults, whatever this shell has set. */
  private static final List<String> SUBSTITUTED = List.of("ADMIN_TOKEN", "PG_PASSWORD", "GATEWAY_PORT", "PROMETHEUS_PORT",
    "GRAFANA_PORT", "GRAFANA_ADMIN_USER", "GRAFANA_ADMIN_PASSWORD", "EVENTBUS_TLS_DIR", "COMPOSE_PROFILES", "COMPOSE_FILE",
    "COMPOSE_PROJECT_NAME");
  /** The values the file requires from .env (scripts/compose-secrets.sh writes them), as samples. */
  private static final Map<String, String> REQUIRED = Map.of(
    "CLUSTER_SECRET", "a-sample-cluster-secret-of-40-characters-",
    "REDIS_PASSWORD", "a-sample-redis-password");

  @ParameterizedTest(name = "profile {0}")
  @ValueSource(strings = {"(default)", "demo", "observability"})
  void composeFileIsValidAndScaleSafe(String profile) {
    List<String> options = profile.equals("(default)") ? List.of() : List.of("--profile", profile);
    compose(ROOT, options, "config", "-q");
    Map<String, Object> rendered = compose(ROOT, options, "config");
    ComposeCheck.Report report = ComposeCheck.check(rendered);
    System.out.printf("docker-compose config, profile %s: valid, services %s; %d problem(s)%n", profile,
      ((Map<?, ?>) rendered.get("services")).keySet(), report.problems().size());
    report.notes().forEach(note -> System.out.println("  " + note));
    report.problems().forEach(problem -> System.out.println("  PROBLEM " + problem));
    assertThat(report.problems()).as("problems of docker-compose.yml, profile " + profile).isEmpty();
  }

  @Test
  void theClusterSecretAndRedisPasswordAreRequired() {
    for (String name : REQUIRED.keySet()) {
      Map<String, String> env = new HashMap<>(REQUIRED);
      env.put(name, null);
      ExternalCommand.Result result = composeResult(ROOT, List.of(), env, "config", "-q");
      assertThat(result.exitCode()).as("docker-compose config without " + name).isNotZero();
      assertThat(result.stderr()).contains("set " + name);
    }
  }

  @Test
  void grafanaTakesItsAdminPasswordFromTheEnvironmentAndPrometheusAndGrafanaBindLoopbackOnly() {
    Map<String, String> env = new HashMap<>(REQUIRED);
    env.put("GRAFANA_ADMIN_PASSWORD", "a-sample-grafana-password");
    Map<String, Object> services = map(compose(ROOT, List.of("--profile", "observability"), env, "config").get("services"));
    assertThat(map(map(services.get("grafana")).get("environment")).get("GF_SECURITY_ADMIN_PASSWORD"))
      .isEqualTo("a-sample-grafana-password");
    for (String name : List.of("prometheus", "grafana")) {
      assertThat(list(map(services.get(name)).get("ports"))).as(name + "'s ports")
        .isNotEmpty().allSatisfy(port -> assertThat(String.valueOf(port)).startsWith("127.0.0.1:"));
    }
    // Without it, Grafana's entrypoint refuses to start rather than fall back to admin/admin.
    assertThat(String.join(" ", list(map(services.get("grafana")).get("entrypoint")).stream().map(String::valueOf).toList()))
      .contains("GF_SECURITY_ADMIN_PASSWORD").contains("exit 1").contains("exec /run.sh");
  }

  @Test
  void aComposeFileThatCannotScaleIsReported(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("docker-compose.yml"), """
      services:
        query-service:
          image: storedash/query-service:0.1.0
          container_name: query
          ports: ["9053:9053"]
          environment:
            CLUSTER_MEMBERS: gateway,query-service
            CLUSTER_HOST: auto
        cache-service:
          image: storedash/cache-service:0.1.0
          environment:
            CLUSTER_SERVICE_DNS: storedash-cluster
        monitor-service:
          image: storedash/monitor-service:0.1.0
          networks:
            default:
              aliases: [storedash-cluster]
          environment:
            CLUSTER_SERVICE_DNS: storedash-cluster
            CACHE_TTL_L1: 30 minutes
            TIMEZON: UTC
      """);
    List<String> problems = ComposeCheck.check(compose(dir, List.of(), "config")).problems();
    assertThat(problems)
      .anySatisfy(p -> assertThat(p).contains("service query-service: container_name query stops --scale"))
      .anySatisfy(p -> assertThat(p).contains("service query-service: publishes host port 9053"))
      .anySatisfy(p -> assertThat(p).contains("service query-service: CLUSTER_MEMBERS is a fixed list"))
      .anySatisfy(p -> assertThat(p).contains("service cache-service: CLUSTER_SERVICE_DNS is storedash-cluster but the service has no network alias"))
      .anySatisfy(p -> assertThat(p).contains("service monitor-service: the service would not start: bad configuration: CACHE_TTL_L1"))
      .anySatisfy(p -> assertThat(p).contains("service monitor-service: TIMEZON looks like a StoreDash variable"))
      .anySatisfy(p -> assertThat(p).contains("StoreDash services missing: [gateway]"));
  }

  @Test
  void exposedPortsMissingLimitsAndAnUnlockedClusterAreReported(@TempDir Path dir) throws IOException {
    Files.writeString(dir.resolve("docker-compose.yml"), """
      services:
        postgres:
          image: postgres:16-alpine
          mem_limit: 512m
          ports: ["5432:5432"]
        redis:
          image: redis:7-alpine
          command: ["redis-server", "--maxmemory", "1gb"]
        query-service:
          image: storedash/query-service:0.1.0
          mem_limit: 384m
          networks:
            default:
              aliases: [storedash-cluster]
          environment:
            CLUSTER_SERVICE_DNS: storedash-cluster
            EVENTBUS_TLS_CERT: /run/secrets/eventbus.crt
            EVENTBUS_TLS_KEY: /run/secrets/eventbus.key
            EVENTBUS_TLS_CA: /run/secrets/eventbus-ca.crt
        prometheus:
          profiles: ["observability"]
          image: prom/prometheus:v2.53.0
          mem_limit: 512m
          ports: ["9090:9090"]
        grafana:
          profiles: ["observability"]
          image: grafana/grafana:11.1.0
          mem_limit: 256m
          ports: ["127.0.0.1:3000:3000"]
      """);
    List<String> problems = ComposeCheck.check(compose(dir, List.of("--profile", "observability"), Map.of(), "config")).problems();
    problems.forEach(problem -> System.out.println("  expected: " + problem));
    assertThat(problems)
      .anySatisfy(p -> assertThat(p).contains("service postgres: publishes host port 5432; only the gateway is published"))
      .anySatisfy(p -> assertThat(p).contains("service prometheus: publishes host port 9090 on every interface; bind it to 127.0.0.1"))
      .anySatisfy(p -> assertThat(p).contains("service redis: no memory limit"))
      .anySatisfy(p -> assertThat(p).contains("service redis: Redis without --requirepass"))
      .anySatisfy(p -> assertThat(p).contains("service grafana: Grafana's admin password is the default (admin/admin)"))
      .anySatisfy(p -> assertThat(p).contains("service query-service: memory limit 384 MiB leaves 134 MiB beside a heap of 250 MiB"))
      .anySatisfy(p -> assertThat(p).contains("service query-service: EVENTBUS_TLS_CERT is /run/secrets/eventbus.crt, which is not a file the container gets"))
      .anySatisfy(p -> assertThat(p).contains("service query-service: no CLUSTER_SECRET"))
      .anySatisfy(p -> assertThat(p).contains("service query-service: EVENTBUS_PORT is 0"))
      .anySatisfy(p -> assertThat(p).contains("service query-service: REDIS_URL has no password"))
      .anySatisfy(p -> assertThat(p).contains("service query-service: MANAGEMENT_HOST is 127.0.0.1"));
    assertThat(problems).noneSatisfy(p -> assertThat(p).contains("service grafana: publishes"));
  }

  @Test
  void aMemoryLimitIsReadInAnyOfComposesForms() {
    assertThat(ComposeCheck.memoryLimitMib(Map.of("mem_limit", "640m"))).contains(640L);
    assertThat(ComposeCheck.memoryLimitMib(Map.of("mem_limit", "1g"))).contains(1024L);
    assertThat(ComposeCheck.memoryLimitMib(Map.of("mem_limit", 671088640))).contains(640L);
    assertThat(ComposeCheck.memoryLimitMib(Map.of("deploy", Map.of("resources", Map.of("limits", Map.of("memory", "512M"))))))
      .contains(512L);
    assertThat(ComposeCheck.memoryLimitMib(Map.of())).isEmpty();
    assertThat(ComposeCheck.maxRamPercentage("gateway")).isEqualTo(65.0);
  }

  /** Runs docker-compose in {@code dir} with the required values; for {@code config} without -q, returns the rendered file. */
  private static Map<String, Object> compose(Path dir, List<String> options, String... command) {
    return compose(dir, options, REQUIRED, command);
  }

  private static ExternalCommand.Result composeResult(Path dir, List<String> options, Map<String, String> values, String... command) {
    ExternalCommand.requireOnPath("docker-compose", INSTALL);
    List<String> line = new ArrayList<>(List.of("docker-compose", "-p", "storedash"));
    line.addAll(options);
    line.addAll(List.of(command));
    Map<String, String> env = new HashMap<>();
    SUBSTITUTED.forEach(name -> env.put(name, null));
    REQUIRED.keySet().forEach(name -> env.put(name, null));
    env.putAll(values);
    return ExternalCommand.run(line, dir, env, Duration.ofSeconds(120));
  }

  /** @param values variables for the file's substitutions ({@code null}: unset) */
  private static Map<String, Object> compose(Path dir, List<String> options, Map<String, String> values, String... command) {
    String out = composeResult(dir, options, values, command).stdoutOrFail();
    if (List.of(command).contains("-q")) {
      assertThat(out).as("docker-compose config -q prints nothing for a valid file").isBlank();
      return Map.of();
    }
    Map<String, Object> rendered = new Yaml(new SafeConstructor(new LoaderOptions())).load(out);
    assertThat(rendered).as("docker-compose config output").isNotNull().containsKey("services");
    return rendered;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static List<Object> list(Object value) {
    return value instanceof List<?> l ? l.stream().map(o -> (Object) o).toList() : List.of();
  }
}
