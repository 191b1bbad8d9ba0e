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
    "GRAFANA_PORT", "COMPOSE_PROFILES", "COMPOSE_FILE", "COMPOSE_PROJECT_NAME");

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

  /** Runs docker-compose in {@code dir}; for {@code config} without -q, returns the rendered file. */
  private static Map<String, Object> compose(Path dir, List<String> options, String... command) {
    ExternalCommand.requireOnPath("docker-compose", INSTALL);
    List<String> line = new ArrayList<>(List.of("docker-compose", "-p", "storedash"));
    line.addAll(options);
    line.addAll(List.of(command));
    Map<String, String> env = new HashMap<>();
    SUBSTITUTED.forEach(name -> env.put(name, null));
    String out = ExternalCommand.run(line, dir, env, Duration.ofSeconds(120)).stdoutOrFail();
    if (List.of(command).contains("-q")) {
      assertThat(out).as("docker-compose config -q prints nothing for a valid file").isBlank();
      return Map.of();
    }
    Map<String, Object> rendered = new Yaml(new SafeConstructor(new LoaderOptions())).load(out);
    assertThat(rendered).as("docker-compose config output").isNotNull().containsKey("services");
    return rendered;
  }
}
