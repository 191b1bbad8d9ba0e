package io.storedash.deploy;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * deploy/k8s/examples/cert-manager, rendered by the kubectl on the PATH: the cert-manager objects form the chain a
 * self-signed ClusterIssuer → the cluster's CA Certificate → a CA Issuer → the members' Certificate with a PKCS#8 key,
 * whose Secret is the one every Deployment mounts for the event bus; and the rest (the production overlay) passes
 * the schema and every check of {@link ManifestCheck} with that Secret's keys (tls.crt, tls.key, ca.crt).
 * cert-manager's kinds are not in the Kubernetes schema the other documents are checked against, so they are
 * checked here by field.
 */
class CertManagerExampleTest {

  private static final Path ROOT = ExternalCommand.repositoryRoot();
  private static final Path EXAMPLE = ROOT.resolve("deploy/k8s/examples/cert-manager");
  /** What cert-manager writes into a Certificate's Secret. */
  private static final List<String> CERTIFICATE_KEYS = List.of("tls.crt", "tls.key", "ca.crt");

  @Test
  void theChainIssuesTheSecretTheMembersMount() {
    String yaml = KubernetesManifestsTest.render(EXAMPLE);
    List<Map<String, Object>> certManager = new ArrayList<>();
    StringBuilder kubernetes = new StringBuilder();
    for (String document : yaml.split("(?m)^---\\s*$")) {
      Map<String, Object> parsed = new Yaml(new SafeConstructor(new LoaderOptions())).load(document);
      if (parsed == null) {
        continue;
      }
      if (String.valueOf(parsed.get("apiVersion")).startsWith("cert-manager.io/")) {
        certManager.add(parsed);
      } else {
        kubernetes.append("---\n").append(document.strip()).append('\n');
      }
    }

    Map<String, Object> selfSigned = only(certManager, "ClusterIssuer", null);
    assertThat(metadata(selfSigned)).doesNotContainKey("namespace");
    assertThat(spec(selfSigned)).containsKey("selfSigned");

    Map<String, Object> ca = certificates(certManager).stream().filter(c -> Boolean.TRUE.equals(spec(c).get("isCA"))).findFirst()
      .orElseThrow(() -> new AssertionError("no Certificate with isCA: true"));
    assertThat(issuerRef(ca)).containsEntry("kind", "ClusterIssuer").containsEntry("name", metadata(selfSigned).get("name"));
    String namespace = String.valueOf(metadata(ca).get("namespace"));

    Map<String, Object> caIssuer = only(certManager, "Issuer", namespace);
    assertThat(map(spec(caIssuer).get("ca"))).containsEntry("secretName", spec(ca).get("secretName"));

    Map<String, Object> member = certificates(certManager).stream().filter(c -> !Boolean.TRUE.equals(spec(c).get("isCA")))
      .findFirst().orElseThrow(() -> new AssertionError("no member Certificate"));
    assertThat(metadata(member)).containsEntry("namespace", namespace);
    assertThat(issuerRef(member)).containsEntry("kind", "Issuer").containsEntry("name", metadata(caIssuer).get("name"));
    assertThat(map(spec(member).get("privateKey"))).as("the member key as the event bus reads it").containsEntry("encoding", "PKCS8");
    assertThat(list(spec(member).get("usages"))).contains("server auth", "client auth");
    String memberSecret = String.valueOf(spec(member).get("secretName"));

    StrictManifests.Parsed parsed = StrictManifests.parse(kubernetes.toString());
    assertThat(parsed.problems()).as("schema problems of the example's Kubernetes objects").isEmpty();
    Map<String, Map<String, String>> external = new HashMap<>(KubernetesManifestsTest.externalSecrets(ROOT.resolve("deploy/k8s/overlays/production")));
    Map<String, String> issued = new LinkedHashMap<>();
    CERTIFICATE_KEYS.forEach(key -> issued.put(key, "(written by cert-manager)"));
    external.put(memberSecret, issued);
    ManifestCheck.Report report = ManifestCheck.check(parsed.resources(), external);
    assertThat(report.problems()).as("checks of the example with the Secret cert-manager issues").isEmpty();

    // Every StoreDash Deployment mounts that very Secret, items tls.crt, tls.key, ca.crt.
    long mounting = parsed.resources().stream().filter(io.fabric8.kubernetes.api.model.apps.Deployment.class::isInstance)
      .map(io.fabric8.kubernetes.api.model.apps.Deployment.class::cast)
      .filter(d -> d.getSpec().getTemplate().getSpec().getVolumes().stream()
        .anyMatch(v -> v.getSecret() != null && memberSecret.equals(v.getSecret().getSecretName())
          && v.getSecret().getItems().stream().map(i -> i.getKey()).toList().containsAll(CERTIFICATE_KEYS)))
      .count();
    assertThat(mounting).as("Deployments that mount " + memberSecret).isEqualTo(4);
    System.out.printf("cert-manager example (kubectl %s): %s -> Certificate %s -> Issuer %s -> Certificate %s -> Secret %s,"
        + " mounted by %d Deployments; %d other documents, 0 problems%n", KubernetesManifestsTest.kubectlVersion(),
      metadata(selfSigned).get("name"), metadata(ca).get("name"), metadata(caIssuer).get("name"), metadata(member).get("name"),
      memberSecret, mounting, parsed.resources().size());
  }

  private static Map<String, Object> only(List<Map<String, Object>> objects, String kind, String namespace) {
    List<Map<String, Object>> found = objects.stream().filter(o -> kind.equals(o.get("kind"))
      && (namespace == null || Objects.equals(namespace, metadata(o).get("namespace")))).toList();
    assertThat(found).as(kind + " objects").hasSize(1);
    return found.get(0);
  }

  private static List<Map<String, Object>> certificates(List<Map<String, Object>> objects) {
    return objects.stream().filter(o -> "Certificate".equals(o.get("kind"))).toList();
  }

  private static Map<String, Object> metadata(Map<String, Object> object) {
    return map(object.get("metadata"));
  }

  private static Map<String, Object> spec(Map<String, Object> object) {
    return map(object.get("spec"));
  }

  private static Map<String, Object> issuerRef(Map<String, Object> certificate) {
    return map(spec(certificate).get("issuerRef"));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return Optional.ofNullable(value).filter(Map.class::isInstance).map(v -> (Map<String, Object>) v).orElse(Map.of());
  }

  private static List<Object> list(Object value) {
    return value instanceof List<?> l ? l.stream().map(o -> (Object) o).toList() : List.of();
  }
}
