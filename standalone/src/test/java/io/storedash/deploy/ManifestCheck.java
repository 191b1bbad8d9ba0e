package io.storedash.deploy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapEnvSource;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.LocalObjectReference;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretEnvSource;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeProjection;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.MetricSpec;
import io.fabric8.kubernetes.api.model.batch.v1.CronJob;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.storedash.common.config.StoreDashConfig;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The semantic checks on a rendered set of Kubernetes manifests: what the API server would accept but would not
 * work, or would work against this project's rules. Every problem names the resource (kind namespace/name), the
 * container where there is one, and what to change.
 * <ul>
 *   <li>controllers select their own pods; Services select pods and target ports those pods declare; HPAs and
 *       PodDisruptionBudgets reach existing workloads, and a budget never blocks every eviction;</li>
 *   <li>every container has cpu and memory requests and limits, a pinned image, probes on declared ports, and the
 *       restricted security baseline; every ConfigMap, Secret and key it refers to exists in the render (or, for a
 *       Secret that operators create, in a {@code <name>.env.example} beside the overlay);</li>
 *   <li>secrets (ADMIN_TOKEN, PG_PASSWORD, anything named like a password or token) come from Secrets only, and no
 *       ConfigMap holds one, not even inside a URL;</li>
 *   <li>each StoreDash container: the environment it would get passes {@code ConfigLoader}, with no misspelt
 *       variable; probes hit its management port on /health/live and /health/ready; it finds the other members
 *       through a headless Service that publishes not-ready pods; it advertises the pod IP; its grace period covers
 *       the drain; it runs with a read-only root and an emptyDir on /tmp;</li>
 *   <li>each StoreDash member is locked (docs/DESIGN.md §11): the cluster secret and a Redis password from the
 *       Secret, the event bus's TLS files from a mounted Secret whose keys exist, on a fixed, declared port, the
 *       management server on the pod's IP; a NetworkPolicy selects its pods and lets only StoreDash members reach
 *       Hazelcast and the event bus, and nobody reach the management port from everywhere.</li>
 * </ul>
 */
final class ManifestCheck {

  /** Each service's default MANAGEMENT_PORT (the images set the same). */
  static final Map<String, Integer> MANAGEMENT_PORTS = Map.of(
    "gateway", 9051, "cache-service", 9052, "query-service", 9053, "monitor-service", 9054);

  /** What a fieldRef to status.podIP stands for when the configuration is loaded. */
  static final String SAMPLE_POD_IP = "10.244.1.23";

  private static final Pattern STOREDASH_IMAGE =
    Pattern.compile("(?:.*/)?storedash/(gateway|cache-service|query-service|monitor-service)(?::[^/@]+)?(?:@.+)?");
  private static final Pattern SECRET_LIKE = Pattern.compile(".*(PASSWORD|PASSWD|TOKEN|SECRET|CREDENTIAL|PRIVATE_KEY).*",
    Pattern.CASE_INSENSITIVE);
  private static final Pattern PASSWORD_IN_URL = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://[^/@\\s]*:[^/@\\s]+@.*");
  private static final Pattern SLEEP = Pattern.compile("(?:.*\\s)?sleep\\s+(\\d+)\\s*");
  private static final Set<String> CLUSTER_SCOPED = Set.of("Namespace", "ClusterRole", "ClusterRoleBinding",
    "PersistentVolume", "StorageClass", "PriorityClass", "CustomResourceDefinition", "IngressClass");
  /** Kubernetes' default terminationGracePeriodSeconds. */
  private static final long DEFAULT_GRACE_SECONDS = 30;
  /** Time to leave the Hazelcast cluster and close Vert.x after the drain. */
  private static final long LEAVE_MARGIN_SECONDS = 5;

  /** A pod template and what owns it. */
  private record Workload(HasMetadata owner, PodTemplateSpec template, boolean longRunning) {

    String namespace() {
      return owner.getMetadata().getNamespace();
    }

    String name() {
      return owner.getMetadata().getName();
    }

    Map<String, String> labels() {
      return template.getMetadata() == null || template.getMetadata().getLabels() == null
        ? Map.of() : template.getMetadata().getLabels();
    }

    PodSpec spec() {
      return template.getSpec();
    }

    List<Container> containers() {
      PodSpec spec = spec();
      if (spec == null) {
        return List.of();
      }
      return Stream.concat(nullSafe(spec.getInitContainers()).stream(), nullSafe(spec.getContainers()).stream()).toList();
    }
  }

  /** The problems, and one line per StoreDash container on the configuration it would run with. */
  record Report(List<String> problems, List<String> notes) {
  }

  private final List<HasMetadata> resources;
  private final Map<String, Map<String, String>> externalSecrets;
  private final List<Workload> workloads = new ArrayList<>();
  private final List<String> problems = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();
  private final List<Member> members = new ArrayList<>();

  /** A long-running StoreDash container, with the configuration it would run with and its management port. */
  private record Member(Workload workload, Container container, StoreDashConfig config, int management) {
  }

  private ManifestCheck(List<HasMetadata> resources, Map<String, Map<String, String>> externalSecrets) {
    this.resources = resources;
    this.externalSecrets = externalSecrets;
  }

  /**
   * @param externalSecrets Secrets that the render refers to but operators create, by name: their keys with sample
   *                        values (from {@code <name>.env.example})
   */
  static Report check(List<HasMetadata> resources, Map<String, Map<String, String>> externalSecrets) {
    ManifestCheck check = new ManifestCheck(resources, externalSecrets);
    check.run();
    return new Report(List.copyOf(check.problems), List.copyOf(check.notes));
  }

  private void run() {
    collectWorkloads();
    checkNamespaces();
    resources.stream().filter(ConfigMap.class::isInstance).map(ConfigMap.class::cast).forEach(this::checkConfigMap);
    resources.stream().filter(Secret.class::isInstance).map(Secret.class::cast).forEach(this::checkSecret);
    workloads.forEach(this::checkWorkload);
    resources.stream().filter(Service.class::isInstance).map(Service.class::cast).forEach(this::checkService);
    resources.stream().filter(HorizontalPodAutoscaler.class::isInstance).map(HorizontalPodAutoscaler.class::cast)
      .forEach(this::checkAutoscaler);
    resources.stream().filter(PodDisruptionBudget.class::isInstance).map(PodDisruptionBudget.class::cast)
      .forEach(this::checkDisruptionBudget);
    checkEveryServiceDeployed();
    checkNetworkPolicies();
  }

  private void collectWorkloads() {
    for (HasMetadata resource : resources) {
      if (resource instanceof Deployment d && d.getSpec() != null) {
        workloads.add(new Workload(d, d.getSpec().getTemplate(), true));
        checkSelector(d, d.getSpec().getSelector(), d.getSpec().getTemplate());
      } else if (resource instanceof StatefulSet s && s.getSpec() != null) {
        workloads.add(new Workload(s, s.getSpec().getTemplate(), true));
        checkSelector(s, s.getSpec().getSelector(), s.getSpec().getTemplate());
      } else if (resource instanceof DaemonSet s && s.getSpec() != null) {
        workloads.add(new Workload(s, s.getSpec().getTemplate(), true));
        checkSelector(s, s.getSpec().getSelector(), s.getSpec().getTemplate());
      } else if (resource instanceof ReplicaSet s && s.getSpec() != null) {
        workloads.add(new Workload(s, s.getSpec().getTemplate(), true));
        checkSelector(s, s.getSpec().getSelector(), s.getSpec().getTemplate());
      } else if (resource instanceof Job j && j.getSpec() != null) {
        workloads.add(new Workload(j, j.getSpec().getTemplate(), false));
      } else if (resource instanceof CronJob c && c.getSpec() != null && c.getSpec().getJobTemplate() != null
        && c.getSpec().getJobTemplate().getSpec() != null) {
        workloads.add(new Workload(c, c.getSpec().getJobTemplate().getSpec().getTemplate(), false));
      }
    }
    workloads.removeIf(w -> {
      if (w.template() == null || w.spec() == null) {
        problems.add(where(w.owner()) + ": no pod template");
        return true;
      }
      return false;
    });
  }

  private void checkSelector(HasMetadata owner, LabelSelector selector, PodTemplateSpec template) {
    if (selector == null || (nullSafe(selector.getMatchLabels()).isEmpty() && nullSafe(selector.getMatchExpressions()).isEmpty())) {
      problems.add(where(owner) + ": spec.selector is missing or empty");
      return;
    }
    Map<String, String> labels = template == null || template.getMetadata() == null ? Map.of()
      : nullSafe(template.getMetadata().getLabels());
    if (!matches(selector, labels)) {
      problems.add(where(owner) + ": spec.selector " + describe(selector) + " does not match its own pod template's labels "
        + new TreeMap<>(labels) + ", so it would never own its pods");
    }
  }

  private void checkNamespaces() {
    Set<String> declared = new TreeSet<>();
    resources.stream().filter(r -> r.getKind().equals("Namespace")).forEach(r -> declared.add(r.getMetadata().getName()));
    for (HasMetadata resource : resources) {
      if (CLUSTER_SCOPED.contains(resource.getKind())) {
        continue;
      }
      String namespace = resource.getMetadata().getNamespace();
      if (namespace == null || namespace.isBlank()) {
        problems.add(where(resource) + ": no namespace; an overlay must set one (kustomization `namespace:`)");
      } else if (!declared.isEmpty() && !declared.contains(namespace)) {
        problems.add(where(resource) + ": namespace " + namespace + " is not one of the render's Namespaces " + declared);
      }
    }
  }

  private void checkConfigMap(ConfigMap map) {
    nullSafe(map.getData()).forEach((key, value) -> {
      if (SECRET_LIKE.matcher(key).matches()) {
        problems.add(where(map) + ": holds " + key + ", a secret: it belongs in a Secret, never in a ConfigMap");
      }
      if (value != null && PASSWORD_IN_URL.matcher(value.trim()).matches()) {
        problems.add(where(map) + ": " + key + " carries a password inside its URL; keep the password in a Secret"
          + " (PG_PASSWORD for PG_URL, a REDIS_URL with a password in the Secret)");
      }
    });
  }

  private void checkSecret(Secret secret) {
    nullSafe(secret.getData()).forEach((key, value) -> {
      try {
        Base64.getDecoder().decode(value == null ? "" : value);
      } catch (IllegalArgumentException e) {
        problems.add(where(secret) + ": data." + key + " is not base64");
      }
    });
  }

  private void checkWorkload(Workload w) {
    PodSpec spec = w.spec();
    for (LocalObjectReference pull : nullSafe(spec.getImagePullSecrets())) {
      requireSecret(w.namespace(), pull.getName(), null, false, where(w.owner()) + " imagePullSecrets");
    }
    for (Volume volume : nullSafe(spec.getVolumes())) {
      String site = where(w.owner()) + " volume " + volume.getName();
      if (volume.getConfigMap() != null) {
        requireConfigMap(w.namespace(), volume.getConfigMap().getName(), null, isTrue(volume.getConfigMap().getOptional()), site);
      }
      if (volume.getSecret() != null) {
        requireSecret(w.namespace(), volume.getSecret().getSecretName(), null, isTrue(volume.getSecret().getOptional()), site);
        for (var item : nullSafe(volume.getSecret().getItems())) {
          requireSecret(w.namespace(), volume.getSecret().getSecretName(), item.getKey(), isTrue(volume.getSecret().getOptional()), site);
        }
      }
      if (volume.getProjected() != null) {
        for (VolumeProjection source : nullSafe(volume.getProjected().getSources())) {
          if (source.getConfigMap() != null) {
            requireConfigMap(w.namespace(), source.getConfigMap().getName(), null, isTrue(source.getConfigMap().getOptional()), site);
          }
          if (source.getSecret() != null) {
            requireSecret(w.namespace(), source.getSecret().getName(), null, isTrue(source.getSecret().getOptional()), site);
          }
        }
      }
    }
    for (Container container : w.containers()) {
      String site = where(w.owner()) + " container " + container.getName();
      checkImage(container, site);
      checkResources(container, site);
      checkProbePorts(container, site);
      checkSecurity(spec, container, site);
      checkEnvironmentSources(w, container, site);
      storeDashService(container).ifPresent(service -> checkStoreDash(w, container, service, site));
    }
  }

  private void checkImage(Container container, String site) {
    String image = container.getImage();
    if (image == null || image.isBlank()) {
      problems.add(site + ": no image");
      return;
    }
    if (image.contains("@sha256:")) {
      return;
    }
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    if (colon <= slash) {
      problems.add(site + ": image " + image + " has no tag; pin a version (in the manifest, or with the kustomization's images:)");
    } else if (image.substring(colon + 1).equals("latest")) {
      problems.add(site + ": image " + image + " is not pinned (:latest); use a version tag or a digest");
    }
  }

  private void checkResources(Container container, String site) {
    var resources = container.getResources();
    Map<String, Quantity> requests = resources == null ? Map.of() : nullSafe(resources.getRequests());
    Map<String, Quantity> limits = resources == null ? Map.of() : nullSafe(resources.getLimits());
    for (String resource : List.of("cpu", "memory")) {
      Optional<BigDecimal> request = amount(requests.get(resource), site + ": requests." + resource);
      Optional<BigDecimal> limit = amount(limits.get(resource), site + ": limits." + resource);
      if (requests.get(resource) == null) {
        problems.add(site + ": no " + resource + " request");
      }
      if (limits.get(resource) == null) {
        problems.add(site + ": no " + resource + " limit");
      }
      if (request.isPresent() && limit.isPresent() && request.get().compareTo(limit.get()) > 0) {
        problems.add(site + ": " + resource + " request " + requests.get(resource) + " exceeds its limit " + limits.get(resource));
      }
    }
  }

  private Optional<BigDecimal> amount(Quantity quantity, String site) {
    if (quantity == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(Quantity.getAmountInBytes(quantity));
    } catch (RuntimeException e) {
      problems.add(site + " '" + quantity + "' is not a quantity");
      return Optional.empty();
    }
  }

  private void checkProbePorts(Container container, String site) {
    probes(container).forEach((kind, probe) -> {
      if (probe.getHttpGet() != null) {
        requireDeclaredPort(container, probe.getHttpGet().getPort(), site + " " + kind + " httpGet");
      }
      if (probe.getTcpSocket() != null) {
        requireDeclaredPort(container, probe.getTcpSocket().getPort(), site + " " + kind + " tcpSocket");
      }
      if (probe.getGrpc() != null) {
        requireDeclaredPort(container, new IntOrString(probe.getGrpc().getPort()), site + " " + kind + " grpc");
      }
    });
  }

  private void requireDeclaredPort(Container container, IntOrString port, String site) {
    if (port == null) {
      problems.add(site + ": no port");
    } else if (declaredPort(container, port).isEmpty()) {
      problems.add(site + ": port " + port.getValue() + " is not a port the container declares " + portList(container));
    }
  }

  private void checkSecurity(PodSpec pod, Container container, String site) {
    PodSecurityContext podContext = pod.getSecurityContext();
    SecurityContext context = container.getSecurityContext();
    Boolean nonRoot = context != null && context.getRunAsNonRoot() != null ? context.getRunAsNonRoot()
      : podContext == null ? null : podContext.getRunAsNonRoot();
    if (!isTrue(nonRoot)) {
      problems.add(site + ": runAsNonRoot is not true (pod or container securityContext)");
    }
    Long user = context != null && context.getRunAsUser() != null ? context.getRunAsUser()
      : podContext == null ? null : podContext.getRunAsUser();
    if (user != null && user == 0) {
      problems.add(site + ": runs as user 0");
    }
    if (context == null || !Boolean.FALSE.equals(context.getAllowPrivilegeEscalation())) {
      problems.add(site + ": allowPrivilegeEscalation is not false");
    }
    if (context == null || context.getCapabilities() == null || !nullSafe(context.getCapabilities().getDrop()).contains("ALL")) {
      problems.add(site + ": capabilities do not drop ALL");
    }
    String seccomp = context != null && context.getSeccompProfile() != null ? context.getSeccompProfile().getType()
      : podContext != null && podContext.getSeccompProfile() != null ? podContext.getSeccompProfile().getType() : null;
    if (!"RuntimeDefault".equals(seccomp) && !"Localhost".equals(seccomp)) {
      problems.add(site + ": no seccompProfile RuntimeDefault (pod or container securityContext)");
    }
  }

  private void checkEnvironmentSources(Workload w, Container container, String site) {
    for (EnvFromSource source : nullSafe(container.getEnvFrom())) {
      ConfigMapEnvSource map = source.getConfigMapRef();
      if (map != null) {
        requireConfigMap(w.namespace(), map.getName(), null, isTrue(map.getOptional()), site + " envFrom");
      }
      SecretEnvSource secret = source.getSecretRef();
      if (secret != null) {
        requireSecret(w.namespace(), secret.getName(), null, isTrue(secret.getOptional()), site + " envFrom");
      }
    }
    for (EnvVar variable : nullSafe(container.getEnv())) {
      String name = variable.getName();
      EnvVarSource from = variable.getValueFrom();
      boolean secretLike = SECRET_LIKE.matcher(name).matches();
      if (secretLike && (from == null || from.getSecretKeyRef() == null)) {
        problems.add(site + ": " + name + " is a secret and must come from a Secret (valueFrom.secretKeyRef), not "
          + (from == null ? "a literal value" : from.getConfigMapKeyRef() != null ? "a ConfigMap" : "another source"));
      }
      if (from == null) {
        continue;
      }
      if (from.getConfigMapKeyRef() != null) {
        requireConfigMap(w.namespace(), from.getConfigMapKeyRef().getName(), from.getConfigMapKeyRef().getKey(),
          isTrue(from.getConfigMapKeyRef().getOptional()), site + " env " + name);
      }
      if (from.getSecretKeyRef() != null) {
        requireSecret(w.namespace(), from.getSecretKeyRef().getName(), from.getSecretKeyRef().getKey(),
          isTrue(from.getSecretKeyRef().getOptional()), site + " env " + name);
      }
    }
  }

  private void requireConfigMap(String namespace, String name, String key, boolean optional, String site) {
    Optional<Map<String, String>> data = configMapData(namespace, name);
    if (optional) {
      return;
    }
    if (data.isEmpty()) {
      problems.add(site + ": ConfigMap " + name + " is not in the render");
    } else if (key != null && !data.get().containsKey(key)) {
      problems.add(site + ": ConfigMap " + name + " has no key " + key);
    }
  }

  private void requireSecret(String namespace, String name, String key, boolean optional, String site) {
    Optional<Map<String, String>> data = secretData(namespace, name);
    if (optional) {
      return;
    }
    if (data.isEmpty()) {
      problems.add(site + ": Secret " + name + " is neither in the render nor described by a " + name
        + ".env.example (or, for a Secret of files, " + name + ".files.example) beside the overlay (for a Secret that operators create)");
    } else if (key != null && !data.get().containsKey(key)) {
      problems.add(site + ": Secret " + name + " has no key " + key);
    }
  }

  // ---- StoreDash containers ----

  private static Optional<String> storeDashService(Container container) {
    Matcher m = STOREDASH_IMAGE.matcher(container.getImage() == null ? "" : container.getImage());
    return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
  }

  private void checkStoreDash(Workload w, Container container, String service, String site) {
    SecurityContext context = container.getSecurityContext();
    if (context == null || !isTrue(context.getReadOnlyRootFilesystem())) {
      problems.add(site + ": readOnlyRootFilesystem is not true");
    }
    checkTmp(w, container, site);

    Map<String, String> env = StoreDashVariables.withSampleFiles(environment(w, container), path -> mountedFile(w, container, path),
      mountDescription(w, container), site, problems);
    StoreDashVariables.Verdict verdict = StoreDashVariables.check(env, site);
    problems.addAll(verdict.problems());
    if (verdict.config().isEmpty()) {
      return;
    }
    StoreDashConfig config = verdict.config().get();
    if (!w.longRunning()) {
      notes.add(site + ": configuration loads (a one-off task of the " + service + " image)");
      return;
    }
    int management = config.managementPortOr(MANAGEMENT_PORTS.get(service));
    if (declaredPort(container, new IntOrString(management)).isEmpty()) {
      problems.add(site + ": the management port " + management + " (MANAGEMENT_PORT) is not a declared container port " + portList(container));
    }
    checkStoreDashProbes(container, management, site);
    if (service.equals("gateway") && declaredPort(container, new IntOrString(config.httpPort())).isEmpty()) {
      problems.add(site + ": the gateway's HTTP_PORT " + config.httpPort() + " is not a declared container port " + portList(container));
    }
    checkClusterHost(container, site);
    checkMembership(w, container, config, site);
    problems.addAll(StoreDashVariables.memberProblems(config, site));
    if (!fromPodIp(container, "MANAGEMENT_HOST")) {
      problems.add(site + ": MANAGEMENT_HOST should be the pod's IP (valueFrom.fieldRef.fieldPath: status.podIP): the kubelet's probes"
        + " and Prometheus reach the management server there, and 127.0.0.1 (the default) would fail every probe");
    }
    int eventBus = config.security().eventBusPort();
    if (eventBus != 0 && declaredPort(container, new IntOrString(eventBus)).isEmpty()) {
      problems.add(site + ": the event bus's port " + eventBus + " (EVENTBUS_PORT) is not a declared container port " + portList(container)
        + "; declare it (named eventbus) so NetworkPolicies can name it");
    }
    members.add(new Member(w, container, config, management));
    checkGracePeriod(w, container, config, site);
    notes.add(site + ": configuration loads; management port " + management + ", cluster "
      + config.clusterServiceDns().map(dns -> dns + ":" + config.clusterPort()).orElse("(none)") + ", PG_URL "
      + config.pgUrl().map(u -> u.replaceAll("//([^:/@]*):[^@]*@", "//$1:***@")).orElse("(default)") + ", REDIS_URL "
      + config.redisUrl().orElse("(default)") + ", admin routes " + (config.adminToken().isPresent() ? "on" : "off"));
  }

  private void checkTmp(Workload w, Container container, String site) {
    Optional<VolumeMount> tmp = nullSafe(container.getVolumeMounts()).stream()
      .filter(m -> "/tmp".equals(m.getMountPath())).findFirst();
    boolean emptyDir = tmp.flatMap(m -> nullSafe(w.spec().getVolumes()).stream()
      .filter(v -> v.getName().equals(m.getName())).findFirst()).map(v -> v.getEmptyDir() != null).orElse(false);
    if (!emptyDir) {
      problems.add(site + ": no emptyDir mounted on /tmp (the JVM and Vert.x's file cache write there; the root is read-only)");
    }
  }

  private void checkStoreDashProbes(Container container, int management, String site) {
    Map<String, Set<String>> expectedPaths = Map.of(
      "livenessProbe", Set.of("/health/live"),
      "readinessProbe", Set.of("/health/ready"),
      "startupProbe", Set.of("/health/live", "/health/ready"));
    Map<String, Probe> probes = probes(container);
    expectedPaths.forEach((kind, paths) -> {
      Probe probe = probes.get(kind);
      if (probe == null) {
        problems.add(site + ": no " + kind);
      } else if (probe.getHttpGet() == null) {
        problems.add(site + ": " + kind + " is not an httpGet on the management port");
      } else {
        if (!paths.contains(probe.getHttpGet().getPath())) {
          problems.add(site + ": " + kind + " asks " + probe.getHttpGet().getPath() + ", expected " + String.join(" or ", new TreeSet<>(paths)));
        }
        Optional<ContainerPort> port = declaredPort(container, probe.getHttpGet().getPort());
        if (port.isPresent() && port.get().getContainerPort() != management) {
          problems.add(site + ": " + kind + " asks port " + port.get().getContainerPort() + ", not the management port " + management);
        }
      }
    });
    Probe readiness = probes.get("readinessProbe");
    if (readiness != null && readiness.getTimeoutSeconds() != null && readiness.getTimeoutSeconds() < 6) {
      problems.add(site + ": readinessProbe timeoutSeconds " + readiness.getTimeoutSeconds()
        + " is shorter than /health/ready may take (REQUEST_TIMEOUT, 5 s, for a slow dependency)");
    }
  }

  private void checkClusterHost(Container container, String site) {
    if (!fromPodIp(container, "CLUSTER_HOST")) {
      problems.add(site + ": CLUSTER_HOST should be the pod's IP (valueFrom.fieldRef.fieldPath: status.podIP), the address other pods reach");
    }
  }

  private static boolean fromPodIp(Container container, String variable) {
    Optional<EnvVar> host = nullSafe(container.getEnv()).stream().filter(v -> v.getName().equals(variable)).findFirst();
    return host.map(EnvVar::getValueFrom).map(EnvVarSource::getFieldRef)
      .map(f -> "status.podIP".equals(f.getFieldPath())).orElse(false);
  }

  /** Whether the container gets a file at {@code path} from a mounted Secret or ConfigMap volume. */
  private static boolean mountedFile(Workload w, Container container, String path) {
    for (VolumeMount mount : nullSafe(container.getVolumeMounts())) {
      String prefix = mount.getMountPath().endsWith("/") ? mount.getMountPath() : mount.getMountPath() + "/";
      if (!path.startsWith(prefix)) {
        continue;
      }
      String file = path.substring(prefix.length());
      Optional<Volume> volume = nullSafe(w.spec().getVolumes()).stream().filter(v -> v.getName().equals(mount.getName())).findFirst();
      if (volume.isEmpty()) {
        continue;
      }
      List<String> files = filesOf(volume.get());
      if (files == null ? !file.contains("/") : files.contains(file)) {
        return true;
      }
    }
    return false;
  }

  /** The files a Secret or ConfigMap volume holds when it lists its items; {@code null} for all keys; empty for other volumes. */
  private static List<String> filesOf(Volume volume) {
    if (volume.getSecret() != null) {
      List<String> items = nullSafe(volume.getSecret().getItems()).stream().map(i -> i.getPath()).toList();
      return items.isEmpty() ? null : items;
    }
    if (volume.getConfigMap() != null) {
      List<String> items = nullSafe(volume.getConfigMap().getItems()).stream().map(i -> i.getPath()).toList();
      return items.isEmpty() ? null : items;
    }
    return List.of();
  }

  private static String mountDescription(Workload w, Container container) {
    List<String> mounts = new ArrayList<>();
    for (VolumeMount mount : nullSafe(container.getVolumeMounts())) {
      nullSafe(w.spec().getVolumes()).stream().filter(v -> v.getName().equals(mount.getName())).findFirst().ifPresent(v -> {
        List<String> files = filesOf(v);
        if (files == null || !files.isEmpty()) {
          mounts.add(mount.getMountPath() + "/" + (files == null ? "*" : files));
        }
      });
    }
    return mounts.isEmpty() ? "no Secret or ConfigMap files" : String.join(", ", mounts);
  }

  private void checkMembership(Workload w, Container container, StoreDashConfig config, String site) {
    if (config.clusterServiceDns().isEmpty()) {
      problems.add(site + ": CLUSTER_SERVICE_DNS is not set, so new pods would not find the cluster (set it to the headless Service)");
      return;
    }
    String dns = config.clusterServiceDns().get();
    String[] labels = dns.split("\\.");
    if (labels.length > 1 && !labels[1].equals(w.namespace())) {
      problems.add(site + ": CLUSTER_SERVICE_DNS " + dns + " points into namespace " + labels[1] + ", not the pod's " + w.namespace());
    }
    Optional<Service> headless = find(Service.class, w.namespace(), labels[0]);
    if (headless.isEmpty()) {
      problems.add(site + ": CLUSTER_SERVICE_DNS " + dns + " names no Service in namespace " + w.namespace());
      return;
    }
    Service service = headless.get();
    String serviceSite = where(service);
    if (service.getSpec() == null || !"None".equals(service.getSpec().getClusterIP())) {
      problems.add(serviceSite + ": must be headless (clusterIP: None) so its DNS name has one address per pod (CLUSTER_SERVICE_DNS of " + site + ")");
    }
    if (service.getSpec() == null || !isTrue(service.getSpec().getPublishNotReadyAddresses())) {
      problems.add(serviceSite + ": must publish not-ready pods (publishNotReadyAddresses: true): a pod joins the cluster before it is ready");
    }
    if (service.getSpec() == null || !matchesLabels(service.getSpec().getSelector(), w.labels())) {
      problems.add(serviceSite + ": does not select the pods of " + where(w.owner()) + ", so they would not find each other");
    }
    if (service.getSpec() == null || nullSafe(service.getSpec().getPorts()).stream().noneMatch(p -> p.getPort() == config.clusterPort())) {
      problems.add(serviceSite + ": has no port " + config.clusterPort() + " (CLUSTER_PORT)");
    }
    if (declaredPort(container, new IntOrString(config.clusterPort())).isEmpty()) {
      problems.add(site + ": the Hazelcast port " + config.clusterPort() + " (CLUSTER_PORT) is not a declared container port " + portList(container));
    }
  }

  private void checkGracePeriod(Workload w, Container container, StoreDashConfig config, String site) {
    long grace = w.spec().getTerminationGracePeriodSeconds() == null ? DEFAULT_GRACE_SECONDS : w.spec().getTerminationGracePeriodSeconds();
    long preStop = 0;
    if (container.getLifecycle() != null && container.getLifecycle().getPreStop() != null
      && container.getLifecycle().getPreStop().getExec() != null) {
      Matcher sleep = SLEEP.matcher(String.join(" ", nullSafe(container.getLifecycle().getPreStop().getExec().getCommand())));
      if (sleep.matches()) {
        preStop = Long.parseLong(sleep.group(1));
      }
    }
    // The drain waits at most REQUEST_TIMEOUT + 1 s (Node.shutdownGrace), after the preStop hook.
    Duration needed = config.requestTimeout().plusSeconds(1 + preStop + LEAVE_MARGIN_SECONDS);
    if (Duration.ofSeconds(grace).compareTo(needed) < 0) {
      problems.add(site + ": terminationGracePeriodSeconds " + grace + " is shorter than preStop (" + preStop + " s) + REQUEST_TIMEOUT ("
        + config.requestTimeout().toMillis() / 1000.0 + " s) + 1 s drain + " + LEAVE_MARGIN_SECONDS + " s to leave the cluster");
    }
  }

  /** The environment the container's process would see, with downward-API values replaced by samples. */
  private Map<String, String> environment(Workload w, Container container) {
    Map<String, String> env = new LinkedHashMap<>();
    for (EnvFromSource source : nullSafe(container.getEnvFrom())) {
      String prefix = source.getPrefix() == null ? "" : source.getPrefix();
      Optional<Map<String, String>> values = source.getConfigMapRef() != null
        ? configMapData(w.namespace(), source.getConfigMapRef().getName())
        : source.getSecretRef() != null ? secretData(w.namespace(), source.getSecretRef().getName()) : Optional.empty();
      values.ifPresent(v -> v.forEach((name, value) -> env.put(prefix + name, value)));
    }
    for (EnvVar variable : nullSafe(container.getEnv())) {
      EnvVarSource from = variable.getValueFrom();
      Optional<String> value;
      if (from == null) {
        value = Optional.of(expand(Objects.requireNonNullElse(variable.getValue(), ""), env));
      } else if (from.getFieldRef() != null) {
        value = Optional.of(sampleField(w, from.getFieldRef().getFieldPath()));
      } else if (from.getResourceFieldRef() != null) {
        value = Optional.of("1");
      } else if (from.getConfigMapKeyRef() != null) {
        value = configMapData(w.namespace(), from.getConfigMapKeyRef().getName())
          .map(m -> m.get(from.getConfigMapKeyRef().getKey()));
      } else if (from.getSecretKeyRef() != null) {
        value = secretData(w.namespace(), from.getSecretKeyRef().getName()).map(m -> m.get(from.getSecretKeyRef().getKey()));
      } else {
        value = Optional.empty();
      }
      value.ifPresent(v -> env.put(variable.getName(), v));
    }
    return env;
  }

  /** Kubernetes' $(NAME) references to variables defined before. */
  private static String expand(String value, Map<String, String> env) {
    Matcher m = Pattern.compile("\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)").matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(env.getOrDefault(m.group(1), m.group())));
    }
    m.appendTail(out);
    return out.toString();
  }

  private static String sampleField(Workload w, String path) {
    return switch (path) {
      case "status.podIP" -> SAMPLE_POD_IP;
      case "status.hostIP" -> "10.0.0.11";
      case "metadata.name" -> w.name() + "-5d8f7c9b6-x2k4q";
      case "metadata.namespace" -> w.namespace();
      case "spec.nodeName" -> "node-1";
      case "spec.serviceAccountName" -> "default";
      default -> "sample";
    };
  }

  // ---- NetworkPolicies ----

  /**
   * Every member's pods are selected by some ingress NetworkPolicy (else everything reaches every port), the other
   * members may reach Hazelcast and the event bus, nothing but StoreDash members may (no open rule, no namespace or
   * IP block, no pod selector that takes in other pods), and the management port is not open to every source.
   */
  private void checkNetworkPolicies() {
    List<NetworkPolicy> policies = resources.stream().filter(NetworkPolicy.class::isInstance).map(NetworkPolicy.class::cast).toList();
    Set<Workload> memberWorkloads = new java.util.HashSet<>(members.stream().map(Member::workload).toList());
    for (Member member : members) {
      Workload w = member.workload();
      String site = where(w.owner());
      List<NetworkPolicy> selecting = policies.stream()
        .filter(p -> Objects.equals(p.getMetadata().getNamespace(), w.namespace()) && p.getSpec() != null
          && matches(p.getSpec().getPodSelector(), w.labels()) && limitsIngress(p))
        .toList();
      if (selecting.isEmpty()) {
        problems.add(site + ": no NetworkPolicy selects its pods, so anything that reaches the pod network reaches Hazelcast ("
          + member.config().clusterPort() + ") and the event bus (" + member.config().security().eventBusPort() + ")");
        continue;
      }
      Map<String, Integer> memberPorts = new LinkedHashMap<>();
      memberPorts.put("Hazelcast", member.config().clusterPort());
      if (member.config().security().eventBusPort() != 0) {
        memberPorts.put("the event bus", member.config().security().eventBusPort());
      }
      memberPorts.forEach((what, port) -> {
        List<String> allowedBy = new ArrayList<>();
        for (NetworkPolicy policy : selecting) {
          for (NetworkPolicyIngressRule rule : nullSafe(policy.getSpec().getIngress())) {
            if (!allowsPort(rule, member.container(), port)) {
              continue;
            }
            allowedBy.add(where(policy));
            String open = site + ": " + what + " (" + port + ") is open to ";
            if (nullSafe(rule.getFrom()).isEmpty()) {
              problems.add(open + "every source (" + where(policy) + "); allow only StoreDash members (a podSelector)");
            }
            for (NetworkPolicyPeer peer : nullSafe(rule.getFrom())) {
              if (peer.getIpBlock() != null) {
                problems.add(open + "the addresses " + peer.getIpBlock().getCidr() + " (" + where(policy) + "); allow only StoreDash members");
              } else if (peer.getNamespaceSelector() != null) {
                problems.add(open + "pods of other namespaces (" + where(policy) + "); allow only StoreDash members of its own");
              } else if (peer.getPodSelector() == null || (nullSafe(peer.getPodSelector().getMatchLabels()).isEmpty()
                && nullSafe(peer.getPodSelector().getMatchExpressions()).isEmpty())) {
                problems.add(open + "every pod of namespace " + w.namespace() + " (" + where(policy) + "); select the members by label");
              } else {
                workloads.stream().filter(o -> Objects.equals(o.namespace(), w.namespace()) && !memberWorkloads.contains(o)
                    && matches(peer.getPodSelector(), o.labels()))
                  .forEach(o -> problems.add(open + "the pods of " + where(o.owner()) + ", which is not a StoreDash member (" + where(policy) + ")"));
              }
            }
          }
        }
        if (allowedBy.isEmpty()) {
          problems.add(site + ": no NetworkPolicy lets the other members reach " + what + " (" + port + "), so the cluster could not form");
        }
      });
      for (NetworkPolicy policy : selecting) {
        for (NetworkPolicyIngressRule rule : nullSafe(policy.getSpec().getIngress())) {
          boolean everyone = nullSafe(rule.getFrom()).isEmpty()
            || nullSafe(rule.getFrom()).stream().anyMatch(peer -> peer.getIpBlock() != null && peer.getIpBlock().getCidr().endsWith("/0"));
          if (everyone && allowsPort(rule, member.container(), member.management())) {
            problems.add(site + ": the management port " + member.management() + " (probes, metrics) is open to every source ("
              + where(policy) + "); allow the monitoring namespace only");
          }
        }
      }
      notes.add(site + ": NetworkPolicies " + selecting.stream().map(p -> p.getMetadata().getName()).toList() + " select its pods");
    }
  }

  private static boolean limitsIngress(NetworkPolicy policy) {
    List<String> types = nullSafe(policy.getSpec().getPolicyTypes());
    return types.isEmpty() || types.contains("Ingress");
  }

  /** Whether the rule lets TCP reach {@code port} of the container (a rule or port without ports means all). */
  private static boolean allowsPort(NetworkPolicyIngressRule rule, Container container, int port) {
    if (nullSafe(rule.getPorts()).isEmpty()) {
      return true;
    }
    for (NetworkPolicyPort allowed : rule.getPorts()) {
      if (allowed.getProtocol() != null && !allowed.getProtocol().equals("TCP")) {
        continue;
      }
      IntOrString p = allowed.getPort();
      if (p == null) {
        return true;
      }
      if (p.getStrVal() != null) {
        if (declaredPort(container, p).map(ContainerPort::getContainerPort).filter(n -> n == port).isPresent()) {
          return true;
        }
      } else if (p.getIntVal() != null) {
        int end = allowed.getEndPort() == null ? p.getIntVal() : allowed.getEndPort();
        if (p.getIntVal() <= port && port <= end) {
          return true;
        }
      }
    }
    return false;
  }

  // ---- Services, autoscalers, disruption budgets ----

  private void checkService(Service service) {
    String site = where(service);
    if (service.getSpec() == null || "ExternalName".equals(service.getSpec().getType())) {
      return;
    }
    Map<String, String> selector = nullSafe(service.getSpec().getSelector());
    if (selector.isEmpty()) {
      problems.add(site + ": no selector, so it selects no pods");
      return;
    }
    List<Workload> selected = workloads.stream()
      .filter(w -> Objects.equals(w.namespace(), service.getMetadata().getNamespace()) && matchesLabels(selector, w.labels()))
      .toList();
    if (selected.isEmpty()) {
      problems.add(site + ": selector " + new TreeMap<>(selector) + " matches no pod template in namespace " + service.getMetadata().getNamespace());
      return;
    }
    for (ServicePort port : nullSafe(service.getSpec().getPorts())) {
      IntOrString target = port.getTargetPort() == null ? new IntOrString(port.getPort()) : port.getTargetPort();
      for (Workload w : selected) {
        boolean declared = nullSafe(w.spec().getContainers()).stream().anyMatch(c -> declaredPort(c, target).isPresent());
        if (!declared) {
          problems.add(site + ": port " + port.getPort() + " targets " + target.getValue() + ", which no container of "
            + where(w.owner()) + " declares");
        }
      }
    }
  }

  private void checkAutoscaler(HorizontalPodAutoscaler hpa) {
    String site = where(hpa);
    var spec = hpa.getSpec();
    if (spec == null || spec.getScaleTargetRef() == null) {
      problems.add(site + ": no scaleTargetRef");
      return;
    }
    var ref = spec.getScaleTargetRef();
    Optional<Workload> target = workloads.stream()
      .filter(w -> w.owner().getKind().equals(ref.getKind()) && w.name().equals(ref.getName())
        && Objects.equals(w.namespace(), hpa.getMetadata().getNamespace()))
      .findFirst();
    if (target.isEmpty()) {
      problems.add(site + ": scales " + ref.getKind() + " " + ref.getName() + ", which is not in namespace " + hpa.getMetadata().getNamespace());
      return;
    }
    int min = spec.getMinReplicas() == null ? 1 : spec.getMinReplicas();
    if (min < 1 || spec.getMaxReplicas() == null || spec.getMaxReplicas() < min) {
      problems.add(site + ": needs 1 <= minReplicas (" + min + ") <= maxReplicas (" + spec.getMaxReplicas() + ")");
    }
    List<MetricSpec> metrics = nullSafe(spec.getMetrics());
    Set<String> resourcesUsed = new TreeSet<>();
    if (metrics.isEmpty()) {
      resourcesUsed.add("cpu");
    }
    metrics.stream().filter(m -> m.getResource() != null).forEach(m -> resourcesUsed.add(m.getResource().getName()));
    for (String resource : resourcesUsed) {
      for (Container container : nullSafe(target.get().spec().getContainers())) {
        boolean requested = container.getResources() != null && nullSafe(container.getResources().getRequests()).containsKey(resource);
        if (!requested) {
          problems.add(site + ": scales on " + resource + " utilization, but container " + container.getName() + " of "
            + where(target.get().owner()) + " requests no " + resource);
        }
      }
    }
    if (target.get().owner() instanceof Deployment d && d.getSpec().getReplicas() != null) {
      problems.add(where(d) + ": sets spec.replicas although " + site + " scales it; every apply would reset the count");
    }
  }

  private void checkDisruptionBudget(PodDisruptionBudget budget) {
    String site = where(budget);
    if (budget.getSpec() == null || budget.getSpec().getSelector() == null) {
      problems.add(site + ": no selector");
      return;
    }
    List<Workload> selected = workloads.stream()
      .filter(w -> w.longRunning() && Objects.equals(w.namespace(), budget.getMetadata().getNamespace())
        && matches(budget.getSpec().getSelector(), w.labels()))
      .toList();
    if (selected.isEmpty()) {
      problems.add(site + ": selector " + describe(budget.getSpec().getSelector()) + " matches no workload's pods");
      return;
    }
    for (Workload w : selected) {
      int replicas = minimumReplicas(w);
      IntOrString minAvailable = budget.getSpec().getMinAvailable();
      IntOrString maxUnavailable = budget.getSpec().getMaxUnavailable();
      boolean blocksEvictions = (minAvailable != null && minAvailable.getIntVal() != null && minAvailable.getIntVal() >= replicas)
        || (maxUnavailable != null && maxUnavailable.getIntVal() != null && maxUnavailable.getIntVal() == 0);
      if (blocksEvictions) {
        problems.add(site + ": with " + replicas + " pod(s) of " + where(w.owner()) + " it allows no eviction, so node drains would hang");
      }
    }
  }

  /** The fewest pods a workload runs: its autoscaler's minimum, else its replicas. */
  private int minimumReplicas(Workload w) {
    Optional<Integer> autoscaled = resources.stream().filter(HorizontalPodAutoscaler.class::isInstance)
      .map(HorizontalPodAutoscaler.class::cast)
      .filter(h -> h.getSpec() != null && h.getSpec().getScaleTargetRef() != null
        && w.name().equals(h.getSpec().getScaleTargetRef().getName())
        && w.owner().getKind().equals(h.getSpec().getScaleTargetRef().getKind())
        && Objects.equals(w.namespace(), h.getMetadata().getNamespace()))
      .map(h -> h.getSpec().getMinReplicas() == null ? 1 : h.getSpec().getMinReplicas())
      .findFirst();
    if (autoscaled.isPresent()) {
      return autoscaled.get();
    }
    if (w.owner() instanceof Deployment d && d.getSpec().getReplicas() != null) {
      return d.getSpec().getReplicas();
    }
    if (w.owner() instanceof StatefulSet s && s.getSpec().getReplicas() != null) {
      return s.getSpec().getReplicas();
    }
    return 1;
  }

  private void checkEveryServiceDeployed() {
    Set<String> deployed = new TreeSet<>();
    workloads.stream().filter(Workload::longRunning).flatMap(w -> w.containers().stream())
      .map(ManifestCheck::storeDashService).flatMap(Optional::stream).forEach(deployed::add);
    if (!deployed.isEmpty() && !deployed.containsAll(MANAGEMENT_PORTS.keySet())) {
      Set<String> missing = new TreeSet<>(MANAGEMENT_PORTS.keySet());
      missing.removeAll(deployed);
      problems.add("StoreDash services not deployed: " + missing + " (deployed: " + deployed + ")");
    }
  }

  // ---- lookups ----

  private <T extends HasMetadata> Optional<T> find(Class<T> type, String namespace, String name) {
    return resources.stream().filter(type::isInstance).map(type::cast)
      .filter(r -> Objects.equals(r.getMetadata().getNamespace(), namespace) && Objects.equals(r.getMetadata().getName(), name))
      .findFirst();
  }

  private Optional<Map<String, String>> configMapData(String namespace, String name) {
    return find(ConfigMap.class, namespace, name).map(m -> nullSafe(m.getData()));
  }

  private Optional<Map<String, String>> secretData(String namespace, String name) {
    Optional<Secret> secret = find(Secret.class, namespace, name);
    if (secret.isPresent()) {
      Map<String, String> values = new LinkedHashMap<>();
      nullSafe(secret.get().getData()).forEach((key, value) -> {
        try {
          values.put(key, new String(Base64.getDecoder().decode(value == null ? "" : value), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
          values.put(key, "");
        }
      });
      values.putAll(nullSafe(secret.get().getStringData()));
      return Optional.of(values);
    }
    return Optional.ofNullable(externalSecrets.get(name));
  }

  private static Optional<ContainerPort> declaredPort(Container container, IntOrString port) {
    return nullSafe(container.getPorts()).stream().filter(p -> port.getStrVal() != null
        ? port.getStrVal().equals(p.getName())
        : port.getIntVal() != null && port.getIntVal().equals(p.getContainerPort()))
      .findFirst();
  }

  private static String portList(Container container) {
    return nullSafe(container.getPorts()).stream()
      .map(p -> (p.getName() == null ? "" : p.getName() + "=") + p.getContainerPort()).toList().toString();
  }

  private static Map<String, Probe> probes(Container container) {
    Map<String, Probe> probes = new LinkedHashMap<>();
    if (container.getLivenessProbe() != null) {
      probes.put("livenessProbe", container.getLivenessProbe());
    }
    if (container.getReadinessProbe() != null) {
      probes.put("readinessProbe", container.getReadinessProbe());
    }
    if (container.getStartupProbe() != null) {
      probes.put("startupProbe", container.getStartupProbe());
    }
    return probes;
  }

  static boolean matches(LabelSelector selector, Map<String, String> labels) {
    if (selector == null) {
      return false;
    }
    if (!matchesLabels(selector.getMatchLabels(), labels) && !nullSafe(selector.getMatchLabels()).isEmpty()) {
      return false;
    }
    for (LabelSelectorRequirement requirement : nullSafe(selector.getMatchExpressions())) {
      String value = labels.get(requirement.getKey());
      List<String> values = nullSafe(requirement.getValues());
      boolean ok = switch (requirement.getOperator()) {
        case "In" -> value != null && values.contains(value);
        case "NotIn" -> value == null || !values.contains(value);
        case "Exists" -> value != null;
        case "DoesNotExist" -> value == null;
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean matchesLabels(Map<String, String> selector, Map<String, String> labels) {
    Map<String, String> wanted = nullSafe(selector);
    return !wanted.isEmpty() && wanted.entrySet().stream().allMatch(e -> e.getValue().equals(labels.get(e.getKey())));
  }

  private static String describe(LabelSelector selector) {
    List<String> parts = new ArrayList<>();
    new TreeMap<>(nullSafe(selector.getMatchLabels())).forEach((k, v) -> parts.add(k + "=" + v));
    nullSafe(selector.getMatchExpressions()).forEach(r -> parts.add(r.getKey() + " " + r.getOperator() + " " + nullSafe(r.getValues())));
    return parts.toString();
  }

  static String where(HasMetadata resource) {
    String namespace = resource.getMetadata().getNamespace();
    return resource.getKind() + " " + (namespace == null ? "" : namespace + "/") + resource.getMetadata().getName();
  }

  private static boolean isTrue(Boolean value) {
    return Boolean.TRUE.equals(value);
  }

  private static <T> List<T> nullSafe(List<T> list) {
    return list == null ? List.of() : list;
  }

  private static <K, V> Map<K, V> nullSafe(Map<K, V> map) {
    return map == null ? Map.of() : map;
  }
}
