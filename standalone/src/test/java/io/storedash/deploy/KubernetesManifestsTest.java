package io.storedash.deploy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The offline validation of deploy/k8s: every overlay is rendered by the kubectl on the PATH ({@code kubectl
 * kustomize}), each rendered document must fit the Kubernetes API schema exactly ({@link StrictManifests}), and
 * the whole must pass {@link ManifestCheck}. The negative tests show each kind of check failing on a small
 * manifest or on a one-line edit of the real render.
 */
class KubernetesManifestsTest {

  private static final Path ROOT = ExternalCommand.repositoryRoot();
  private static final Path OVERLAYS = ROOT.resolve("deploy/k8s/overlays");
  private static final String KUBECTL_INSTALL = "Install kubectl (Debian: apt-get install kubernetes-client)";
  /**
   * The one thing a render may print on stderr: kubectl 1.21 and later call `bases` deprecated, but kubectl 1.20's
   * kustomize (Debian bookworm's kubernetes-client) accepts a directory nowhere else.
   */
  private static final Pattern BASES_DEPRECATED = Pattern.compile("# Warning: 'bases' is deprecated\\..*");
  private static final Pattern VERSION = Pattern.compile("v\\d+\\.\\d+\\.\\d+[^\\s\",]*");

  static Stream<String> overlays() {
    try (Stream<Path> dirs = Files.list(OVERLAYS)) {
      return dirs.filter(d -> Files.isRegularFile(d.resolve("kustomization.yaml"))).map(d -> d.getFileName().toString())
        .sorted().toList().stream();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void thereIsADevelopmentAndAProductionOverlay() {
    assertThat(overlays()).contains("dev", "production");
  }

  @ParameterizedTest(name = "overlay {0}")
  @MethodSource("overlays")
  void overlayRendersFitsTheSchemaAndPassesEveryCheck(String overlay) {
    long started = System.nanoTime();
    Path dir = OVERLAYS.resolve(overlay);
    String yaml = render(dir);
    StrictManifests.Parsed parsed = StrictManifests.parse(yaml);
    Map<String, Map<String, String>> external = externalSecrets(dir);
    ManifestCheck.Report report = ManifestCheck.check(parsed.resources(), external);
    List<String> problems = new ArrayList<>(parsed.problems());
    problems.addAll(report.problems());

    Map<String, Long> kinds = parsed.resources().stream()
      .collect(Collectors.groupingBy(r -> r.getKind(), TreeMap::new, Collectors.counting()));
    System.out.printf("overlay %s, rendered by kubectl %s: %d documents %s; Secrets created by operators: %s%n",
      overlay, kubectlVersion(), parsed.resources().size(), kinds, external.isEmpty() ? "none" : external.keySet());
    report.notes().forEach(note -> System.out.println("  " + note));
    System.out.printf("  schema: %d problem(s); semantic checks: %d problem(s); %d ms%n",
      parsed.problems().size(), report.problems().size(), (System.nanoTime() - started) / 1_000_000);
    problems.forEach(problem -> System.out.println("  PROBLEM " + problem));

    assertThat(problems).as("problems in overlay " + overlay).isEmpty();
    assertThat(parsed.resources()).as("resources of overlay " + overlay).isNotEmpty();
  }

  // ---- the schema check ----

  @Test
  void aMisspeltFieldIsReportedWithItsPath() {
    List<String> problems = StrictManifests.parse(deployment("""
              readinesProbe:
                httpGet: {path: /health/ready, port: management}
      """)).problems();
    assertThat(problems).anySatisfy(p -> assertThat(p)
      .contains("Deployment query-service").contains("unknown field spec.template.spec.containers[0].readinesProbe"));
  }

  @Test
  void aValueOfTheWrongTypeIsReported() {
    String yaml = deployment("").replace("revisionHistoryLimit: 5", "revisionHistoryLimit: five");
    assertThat(StrictManifests.parse(yaml).problems()).anySatisfy(p -> assertThat(p)
      .contains("Deployment query-service").contains("does not fit the apps/v1 Deployment schema"));
  }

  @Test
  void aKindTheApiDoesNotHaveIsReported() {
    String yaml = deployment("").replace("kind: Deployment", "kind: Deploymnet");
    assertThat(StrictManifests.parse(yaml).problems()).anySatisfy(p -> assertThat(p)
      .contains("apps/v1 Deploymnet is not a Kubernetes API type"));
  }

  @Test
  void theSmallDeploymentOfTheseTestsFitsTheSchema() {
    assertThat(StrictManifests.parse(deployment("")).problems()).isEmpty();
  }

  // ---- the semantic checks, on small manifests ----

  @Test
  void aProbeOnAnUndeclaredPortIsReported() {
    List<String> problems = check(deployment("""
              livenessProbe:
                httpGet: {path: /health/live, port: metrics}
      """));
    assertThat(problems).anySatisfy(p -> assertThat(p)
      .contains("container query-service livenessProbe httpGet: port metrics is not a port the container declares"));
  }

  @Test
  void aSelectorThatMissesItsOwnPodsIsReported() {
    String yaml = deployment("").replaceFirst("app.kubernetes.io/name: query-service", "app.kubernetes.io/name: query");
    assertThat(check(yaml)).anySatisfy(p -> assertThat(p)
      .contains("Deployment storedash/query-service: spec.selector").contains("does not match its own pod template's labels"));
  }

  @Test
  void aServiceMustSelectPodsThatDeclareItsTargetPort() {
    String yaml = deployment("") + """
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: query-service, namespace: storedash}
      spec:
        selector: {app.kubernetes.io/name: query-service}
        ports:
        - {name: management, port: 9053, targetPort: metrics}
      ---
      apiVersion: v1
      kind: Service
      metadata: {name: nobody, namespace: storedash}
      spec:
        selector: {app.kubernetes.io/name: nobody}
        ports:
        - {port: 80}
      """;
    assertThat(check(yaml))
      .anySatisfy(p -> assertThat(p).contains("Service storedash/query-service: port 9053 targets metrics, which no container"))
      .anySatisfy(p -> assertThat(p).contains("Service storedash/nobody: selector {app.kubernetes.io/name=nobody} matches no pod template"));
  }

  @Test
  void aContainerWithoutRequestsAndLimitsIsReported() {
    String yaml = deployment("").replaceAll("(?s)\n *resources:.*?limits:.*?memory: 768Mi\n", "\n");
    assertThat(check(yaml))
      .anySatisfy(p -> assertThat(p).endsWith("container query-service: no cpu request"))
      .anySatisfy(p -> assertThat(p).endsWith("container query-service: no memory limit"));
  }

  @Test
  void anAutoscalerMustScaleAnExistingDeploymentThatRequestsCpu() {
    String missingTarget = deployment("") + autoscaler("query-servic");
    assertThat(check(missingTarget)).anySatisfy(p -> assertThat(p)
      .contains("HorizontalPodAutoscaler storedash/query-servic: scales Deployment query-servic, which is not in namespace storedash"));
    String noCpuRequest = deployment("").replaceFirst("\n *cpu: 500m", "") + autoscaler("query-service");
    assertThat(check(noCpuRequest)).anySatisfy(p -> assertThat(p)
      .contains("scales on cpu utilization, but container query-service of Deployment storedash/query-service requests no cpu"));
  }

  @Test
  void secretsComeFromSecretsOnly() {
    String yaml = deployment("""
              env:
              - {name: ADMIN_TOKEN, value: a-literal-admin-token}
      """) + """
      ---
      apiVersion: v1
      kind: ConfigMap
      metadata: {name: leaky, namespace: storedash}
      data:
        PG_PASSWORD: storedash
        REDIS_URL: redis://:hunter2@redis:6379
      """;
    assertThat(check(yaml))
      .anySatisfy(p -> assertThat(p).contains("ADMIN_TOKEN is a secret and must come from a Secret (valueFrom.secretKeyRef), not a literal value"))
      .anySatisfy(p -> assertThat(p).contains("ConfigMap storedash/leaky: holds PG_PASSWORD, a secret"))
      .anySatisfy(p -> assertThat(p).contains("ConfigMap storedash/leaky: REDIS_URL carries a password inside its URL"));
  }

  @Test
  void aReferenceToAMissingSecretOrKeyIsReported() {
    String yaml = deployment("""
              env:
              - name: PG_PASSWORD
                valueFrom: {secretKeyRef: {name: storedash-secrets, key: PG_PASSWORD}}
      """);
    assertThat(check(yaml)).anySatisfy(p -> assertThat(p)
      .contains("env PG_PASSWORD: Secret storedash-secrets is neither in the render nor described by a storedash-secrets.env.example"));
    assertThat(ManifestCheck.check(StrictManifests.parse(yaml).resources(), Map.of("storedash-secrets", Map.of("ADMIN_TOKEN", "x"))).problems())
      .anySatisfy(p -> assertThat(p).contains("env PG_PASSWORD: Secret storedash-secrets has no key PG_PASSWORD"));
  }

  @Test
  void anUnpinnedImageIsReported() {
    assertThat(check(deployment("").replace("storedash/query-service:0.1.0", "storedash/query-service:latest")))
      .anySatisfy(p -> assertThat(p).contains("image storedash/query-service:latest is not pinned"));
    assertThat(check(deployment("").replace("storedash/query-service:0.1.0", "storedash/query-service")))
      .anySatisfy(p -> assertThat(p).contains("image storedash/query-service has no tag"));
  }

  // ---- the semantic checks, on a one-line edit of the real development render ----

  @Test
  void aBadConfigurationValueFailsTheCheckAsItWouldFailStartUp() {
    assertThat(checkDevAfter("REQUEST_TIMEOUT: 5s", "REQUEST_TIMEOUT: five seconds")).anySatisfy(p -> assertThat(p)
      .contains("the service would not start: bad configuration: REQUEST_TIMEOUT: expected a duration"));
  }

  @Test
  void aMisspeltVariableNameIsReported() {
    assertThat(checkDevAfter("TIMEZONE: Asia/Shanghai", "TIMEZON: Asia/Shanghai")).anySatisfy(p -> assertThat(p)
      .contains("TIMEZON looks like a StoreDash variable but is none"));
  }

  @Test
  void theClusterServiceMustPublishPodsBeforeTheyAreReady() {
    assertThat(checkDevAfter("publishNotReadyAddresses: true", "publishNotReadyAddresses: false")).anySatisfy(p -> assertThat(p)
      .contains("Service storedash-dev/storedash-cluster: must publish not-ready pods"));
  }

  @Test
  void aReadinessProbeOffTheManagementPathIsReported() {
    assertThat(checkDevAfter("path: /health/ready", "path: /health/live")).anySatisfy(p -> assertThat(p)
      .contains("readinessProbe asks /health/live, expected /health/ready"));
  }

  @Test
  void anAutoscaledDeploymentMustNotFixItsReplicas() {
    assertThat(checkDevAfter("  revisionHistoryLimit: 5", "  replicas: 3\n  revisionHistoryLimit: 5")).anySatisfy(p -> assertThat(p)
      .contains(": sets spec.replicas although HorizontalPodAutoscaler storedash-dev/"));
  }

  // ---- locking the cluster (issue 17) ----

  @Test
  void anUnlockedMemberIsReported() {
    List<String> problems = check(deployment(""));
    assertThat(problems)
      .anySatisfy(p -> assertThat(p).contains("Deployment storedash/query-service: no NetworkPolicy selects its pods"))
      .anySatisfy(p -> assertThat(p).contains("container query-service: no CLUSTER_SECRET"))
      .anySatisfy(p -> assertThat(p).contains("container query-service: no EVENTBUS_TLS_CERT, EVENTBUS_TLS_KEY, EVENTBUS_TLS_CA"))
      .anySatisfy(p -> assertThat(p).contains("container query-service: EVENTBUS_PORT is 0"))
      .anySatisfy(p -> assertThat(p).contains("container query-service: REDIS_URL has no password"))
      .anySatisfy(p -> assertThat(p).contains("container query-service: MANAGEMENT_HOST should be the pod's IP"));
  }

  @Test
  void hazelcastAndTheEventBusOpenToPodsThatAreNotMembersAreReported() {
    String members = "    - podSelector:\n        matchLabels:\n          storedash.io/cluster-member: \"true\"\n    ports:\n    - port: hazelcast";
    assertThat(checkDevAfter(members, members.replace("storedash.io/cluster-member: \"true\"", "app.kubernetes.io/part-of: storedash")))
      .anySatisfy(p -> assertThat(p).contains("Hazelcast (5701) is open to the pods of Deployment storedash-dev/postgres, which is not a StoreDash member"))
      .anySatisfy(p -> assertThat(p).contains("the event bus (5801) is open to the pods of Deployment storedash-dev/redis, which is not a StoreDash member"));
    assertThat(checkDevAfter("  - from:\n" + members, "  - ports:\n    - port: hazelcast"))
      .anySatisfy(p -> assertThat(p).contains("Hazelcast (5701) is open to every source (NetworkPolicy storedash-dev/storedash-cluster-members)"));
  }

  @Test
  void aManagementPortOpenToEveryoneIsReported() {
    assertThat(checkDevAfter("    - namespaceSelector:\n        matchLabels:\n          kubernetes.io/metadata.name: monitoring",
      "    - ipBlock:\n        cidr: 0.0.0.0/0"))
      .anySatisfy(p -> assertThat(p).contains("the management port 9052 (probes, metrics) is open to every source"));
  }

  @Test
  void anEventBusPortThatIsNotDeclaredIsReported() {
    assertThat(checkDevAfter("- containerPort: 5801", "- containerPort: 5802"))
      .anySatisfy(p -> assertThat(p).contains("the event bus's port 5801 (EVENTBUS_PORT) is not a declared container port"))
      .anySatisfy(p -> assertThat(p).contains("no NetworkPolicy lets the other members reach the event bus (5801)"));
  }

  @Test
  void certificateFilesMustComeFromTheMountedSecretsKeys() {
    assertThat(checkDevAfter("path: tls.key", "path: key.pem")).anySatisfy(p -> assertThat(p)
      .contains("EVENTBUS_TLS_KEY is /etc/storedash/eventbus/tls.key, which is not a file the container gets (it gets /etc/storedash/eventbus/[tls.crt, key.pem, ca.crt])"));
    assertThat(checkDevAfter("- key: tls.key", "- key: tls.pem")).anySatisfy(p -> assertThat(p)
      .contains("volume eventbus-tls: Secret storedash-eventbus-tls has no key tls.pem"));
  }

  @Test
  void everyOverlayHasTheClusterPolicy() {
    for (String overlay : overlays().toList()) {
      StrictManifests.Parsed parsed = StrictManifests.parse(render(OVERLAYS.resolve(overlay)));
      List<io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy> policies = parsed.resources().stream()
        .filter(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class::isInstance)
        .map(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class::cast).toList();
      assertThat(policies).as("NetworkPolicies of overlay " + overlay).anySatisfy(policy -> {
        assertThat(policy.getSpec().getPodSelector().getMatchLabels()).containsEntry("storedash.io/cluster-member", "true");
        assertThat(policy.getSpec().getIngress()).singleElement().satisfies(rule ->
          assertThat(rule.getPorts()).extracting(port -> port.getPort().getStrVal()).containsExactly("hazelcast", "eventbus"));
      });
    }
  }

  // ---- helpers ----

  private static List<String> check(String yaml) {
    StrictManifests.Parsed parsed = StrictManifests.parse(yaml);
    assertThat(parsed.problems()).as("the test's own YAML fits the schema").isEmpty();
    return ManifestCheck.check(parsed.resources(), Map.of()).problems();
  }

  private static List<String> checkDevAfter(String from, String to) {
    String yaml = render(OVERLAYS.resolve("dev"));
    assertThat(yaml).as("the development render has " + from).contains(from);
    assertThat(checkDev(yaml)).as("the development render before the edit").isEmpty();
    return checkDev(yaml.replaceFirst(Pattern.quote(from), Matcher.quoteReplacement(to)));
  }

  /** The development render's checks, with the Secret the developer creates (storedash-eventbus-tls). */
  private static List<String> checkDev(String yaml) {
    StrictManifests.Parsed parsed = StrictManifests.parse(yaml);
    assertThat(parsed.problems()).as("the render fits the schema").isEmpty();
    return ManifestCheck.check(parsed.resources(), externalSecrets(OVERLAYS.resolve("dev"))).problems();
  }

  /** A StoreDash Deployment that passes the per-container checks; {@code containerExtra} goes into its container. */
  private static String deployment(String containerExtra) {
    return """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: query-service, namespace: storedash}
      spec:
        revisionHistoryLimit: 5
        selector:
          matchLabels: {app.kubernetes.io/name: query-service}
        template:
          metadata:
            labels: {app.kubernetes.io/name: query-service}
          spec:
            securityContext:
              runAsNonRoot: true
              seccompProfile: {type: RuntimeDefault}
            containers:
            - name: query-service
              image: storedash/query-service:0.1.0
              ports:
              - {name: management, containerPort: 9053}
              resources:
                requests:
                  cpu: 500m
                  memory: 768Mi
                limits:
                  cpu: "2"
                  memory: 768Mi
              securityContext:
                allowPrivilegeEscalation: false
                readOnlyRootFilesystem: true
                capabilities: {drop: [ALL]}
      """ + containerExtra;
  }

  private static String autoscaler(String target) {
    return """
      ---
      apiVersion: autoscaling/v2
      kind: HorizontalPodAutoscaler
      metadata: {name: %s, namespace: storedash}
      spec:
        scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: %s}
        minReplicas: 2
        maxReplicas: 4
        metrics:
        - type: Resource
          resource: {name: cpu, target: {type: Utilization, averageUtilization: 70}}
      """.formatted(target, target);
  }

  /** {@code kubectl kustomize dir}; fails on any error and on any warning but the one about `bases`. */
  static String render(Path dir) {
    ExternalCommand.requireOnPath("kubectl", KUBECTL_INSTALL);
    ExternalCommand.Result result = ExternalCommand.run(List.of("kubectl", "kustomize", dir.toString()), ROOT, Map.of(),
      Duration.ofSeconds(120));
    String yaml = result.stdoutOrFail();
    List<String> warnings = result.stderr().lines().filter(line -> !line.isBlank())
      .filter(line -> !BASES_DEPRECATED.matcher(line).matches()).toList();
    assertThat(warnings).as("what kubectl kustomize " + ROOT.relativize(dir) + " printed on stderr").isEmpty();
    return yaml;
  }

  static String kubectlVersion() {
    ExternalCommand.Result result = ExternalCommand.run(List.of("kubectl", "version", "--client"), ROOT, Map.of(), Duration.ofSeconds(30));
    Matcher m = VERSION.matcher(result.stdout());
    return m.find() ? m.group() : result.stdout().trim();
  }

  /**
   * The Secrets an overlay expects operators to create: {@code <name>.env.example} beside its kustomization, in
   * the format of {@code kubectl create secret generic <name> --from-env-file=...}, and {@code <name>.files.example}
   * for a Secret of files (one key per line, {@code --from-file=key=...}).
   */
  static Map<String, Map<String, String>> externalSecrets(Path overlay) {
    Map<String, Map<String, String>> secrets = new TreeMap<>();
    try (Stream<Path> files = Files.list(overlay)) {
      for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".env.example")).toList()) {
        String name = file.getFileName().toString().replace(".env.example", "");
        Map<String, String> keys = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
          String trimmed = line.strip();
          if (trimmed.isEmpty() || trimmed.startsWith("#")) {
            continue;
          }
          int equals = trimmed.indexOf('=');
          assertThat(equals).as("a KEY=value line in " + file + ": " + line).isPositive();
          keys.put(trimmed.substring(0, equals), trimmed.substring(equals + 1));
        }
        secrets.put(name, keys);
      }
      // A Secret of files (certificates): one key per line.
      for (Path file : Files.list(overlay).filter(f -> f.getFileName().toString().endsWith(".files.example")).toList()) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file)) {
          String trimmed = line.strip();
          if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
            keys.put(trimmed, "(a file)");
          }
        }
        secrets.put(file.getFileName().toString().replace(".files.example", ""), keys);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return secrets;
  }
}
