package io.storedash.common.bootstrap;

import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.storedash.common.config.ConfigException;
import io.storedash.common.config.ConfigLoader;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.Eventually;
import io.storedash.common.testing.TestCertificates;
import io.storedash.common.testing.TestStorage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A clustered node proves its membership or does not start (docs/DESIGN.md §11.2), reports a lost membership as
 * not ready, and ends its Hazelcast member when it shuts down.
 */
class ClusteredNodeTest {

  private final List<Node> nodes = new ArrayList<>();
  private final String clusterName = "node-" + UUID.randomUUID().toString().substring(0, 8);
  private final String port = String.valueOf(TestStorage.freePort());
  private Vertx clientVertx;

  @AfterEach
  void leave() {
    for (Node node : nodes) {
      node.vertx().close().await();
    }
    if (clientVertx != null) {
      clientVertx.close().await();
    }
  }

  private Map<String, String> cluster() {
    return Map.of("CLUSTER_NAME", clusterName, "CLUSTER_PORT", port, "CLUSTER_HOST", "127.0.0.1",
      "CLUSTER_MEMBERS", "127.0.0.1");
  }

  private Node start(Map<String, String> env) throws TimeoutException {
    Node node = Node.clustered(ConfigLoader.load(env)).await(60, TimeUnit.SECONDS);
    nodes.add(node);
    return node;
  }

  private List<HazelcastInstance> membersOfThisCluster() {
    return Hazelcast.getAllHazelcastInstances().stream()
      .filter(h -> h.getConfig().getClusterName().equals(clusterName)).toList();
  }

  @Test
  void aClusteredNodeWithoutTheSecretOrItsCertificatesDoesNotStart() {
    Map<String, String> noSecret = new HashMap<>(TestCertificates.shared().environment(cluster()));
    noSecret.remove("CLUSTER_SECRET");
    Future<Node> withoutSecret = Node.clustered(ConfigLoader.load(noSecret));
    assertThat(withoutSecret.failed()).isTrue();
    assertThat(withoutSecret.cause()).isInstanceOf(ConfigException.class).hasMessageContaining("CLUSTER_SECRET")
      .hasMessageContaining("scripts/make-certs.sh").hasMessageContaining("docs/OPERATIONS.md");

    Map<String, String> noCertificates = new HashMap<>(cluster());
    noCertificates.put("CLUSTER_SECRET", TestCertificates.randomSecret());
    Future<Node> withoutCertificates = Node.clustered(ConfigLoader.load(noCertificates));
    assertThat(withoutCertificates.failed()).isTrue();
    assertThat(withoutCertificates.cause()).hasMessageContaining("EVENTBUS_TLS_CERT, EVENTBUS_TLS_KEY, EVENTBUS_TLS_CA")
      .hasMessageNotContaining("CLUSTER_SECRET and");
    // Nothing was started on the way: no Hazelcast member of this cluster exists.
    assertThat(membersOfThisCluster()).isEmpty();
  }

  @Test
  void readinessTurnsDownWhenHazelcastIsShutDownUnderARunningNode() throws TimeoutException {
    Node node = start(TestCertificates.shared().environment(cluster()));
    int management = node.startManagement(0).await();
    clientVertx = Vertx.vertx();
    WebClient client = WebClient.create(clientVertx);

    HttpResponse<Buffer> ready = client.get(management, "127.0.0.1", "/health/ready").send().await();
    assertThat(ready.statusCode()).isEqualTo(200);
    assertThat(check(ready.bodyAsJsonObject(), "cluster-membership").getString("status")).isEqualTo("UP");
    // Refusals are counted on both sides, from 0, so that an alert on their rate works before the first one.
    String metrics = client.get(management, "127.0.0.1", "/metrics").send().await().bodyAsString();
    assertThat(metrics).containsPattern("storedash_cluster_handshake_refused_total\\{[^}]*side=\"accept\"[^}]*} 0.0")
      .containsPattern("storedash_cluster_handshake_refused_total\\{[^}]*side=\"connect\"[^}]*} 0.0");

    // What a foreign member did to every JVM in the attack of issue 17, here from inside.
    membersOfThisCluster().forEach(h -> h.getLifecycleService().shutdown());

    HttpResponse<Buffer> down = Eventually.poll(Duration.ofSeconds(10),
      () -> client.get(management, "127.0.0.1", "/health/ready").send().await(), r -> r.statusCode() == 503);
    assertThat(down.statusCode()).isEqualTo(503);
    JsonObject membership = check(down.bodyAsJsonObject(), "cluster-membership");
    assertThat(membership.getString("status")).isEqualTo("DOWN");
    assertThat(membership.getJsonObject("data").getString("reason")).contains("Hazelcast is not running");
  }

  @Test
  void shutdownLeavesTheClusterAndEndsTheHazelcastMember() throws TimeoutException {
    Node first = start(TestCertificates.shared().environment(cluster()));
    Node second = start(TestCertificates.shared().environment(cluster()));
    List<HazelcastInstance> members = membersOfThisCluster();
    assertThat(members).hasSize(2);
    assertThat(members).allSatisfy(h -> assertThat(h.getCluster().getMembers()).hasSize(2));
    // Node's heartbeat and merge timings still reach the member Node builds itself.
    assertThat(members.get(0).getConfig().getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("10");
    assertThat(members.get(0).getConfig().getProperty("hazelcast.merge.first.run.delay.seconds")).isEqualTo("10");

    second.shutdown().await(30, TimeUnit.SECONDS);
    nodes.remove(second);

    assertThat(membersOfThisCluster()).as("the second node's member is shut down, not left running").hasSize(1);
    HazelcastInstance remaining = membersOfThisCluster().get(0);
    // A graceful leave: the first member sees it within moments, not after the 10 s heartbeat timeout.
    assertThat(Eventually.until(Duration.ofSeconds(5), () -> remaining.getCluster().getMembers().size() == 1))
      .as("the first member sees the second leave").isTrue();
    assertThat(first.vertx().isClustered()).isTrue();
  }

  @Test
  void certificatesMadeByMakeCertsShStartAClusteredNode() throws Exception {
    Path script = Path.of(System.getProperty("storedash.root", "..")).resolve("scripts/make-certs.sh").toAbsolutePath();
    Assumptions.assumeTrue(Files.isExecutable(script), "scripts/make-certs.sh is not here");
    Assumptions.assumeTrue(new ProcessBuilder("openssl", "version").start().waitFor() == 0, "no openssl");
    Path dir = Files.createTempDirectory("make-certs");
    try {
      Process make = new ProcessBuilder(script.toString(), dir.toString(), "service-a").redirectErrorStream(true).start();
      String output = new String(make.getInputStream().readAllBytes());
      assertThat(make.waitFor()).as(output).isZero();
      assertThat(Files.getPosixFilePermissions(dir.resolve("service-a.key")))
        .containsExactlyInAnyOrder(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE);
      assertThat(Files.readString(dir.resolve("service-a.key"))).startsWith("-----BEGIN PRIVATE KEY-----");

      Map<String, String> env = new HashMap<>(cluster());
      env.putAll(Map.of("CLUSTER_SECRET", TestCertificates.randomSecret(),
        "EVENTBUS_TLS_CERT", dir.resolve("service-a.crt").toString(),
        "EVENTBUS_TLS_KEY", dir.resolve("service-a.key").toString(),
        "EVENTBUS_TLS_CA", dir.resolve("ca.crt").toString()));
      Node first = start(env);
      Node second = start(env);
      first.vertx().eventBus().consumer("test.echo", msg -> msg.reply(msg.body())).completion().await();
      // From one node to the other over the TLS event bus.
      assertThat(requestUntilAnswered(second, "test.echo")).isEqualTo("hello");
    } finally {
      try (var files = Files.list(dir)) {
        for (Path file : files.toList()) {
          Files.delete(file);
        }
      }
      Files.delete(dir);
    }
  }

  /**
   * The middle of a CA rotation (docs/OPERATIONS.md): every member trusts a bundle of the old and the new CA, one
   * member still has its certificate from the old CA, another already one from the new: they talk both ways.
   */
  @Test
  void membersWithCertificatesOfTheOldAndTheNewCaTalkWhileBothTrustTheBundle() throws Exception {
    TestCertificates certificates = TestCertificates.shared();
    Path bundle = Files.createTempFile("ca-bundle", ".crt");
    try {
      Files.writeString(bundle, Files.readString(certificates.member().ca())
        + Files.readString(certificates.foreignMember().ca()));
      Map<String, String> env = new HashMap<>(cluster());
      env.put("CLUSTER_SECRET", certificates.secret());
      env.put("EVENTBUS_TLS_CA", bundle.toString());
      Map<String, String> oldCa = new HashMap<>(env);
      oldCa.put("EVENTBUS_TLS_CERT", certificates.member().cert().toString());
      oldCa.put("EVENTBUS_TLS_KEY", certificates.member().key().toString());
      Map<String, String> newCa = new HashMap<>(env);
      newCa.put("EVENTBUS_TLS_CERT", certificates.foreignMember().cert().toString());
      newCa.put("EVENTBUS_TLS_KEY", certificates.foreignMember().key().toString());
      Node old = start(oldCa);
      Node renewed = start(newCa);
      old.vertx().eventBus().consumer("test.old", msg -> msg.reply("old")).completion().await();
      renewed.vertx().eventBus().consumer("test.new", msg -> msg.reply("new")).completion().await();

      assertThat(requestUntilAnswered(renewed, "test.old")).isEqualTo("old");
      assertThat(requestUntilAnswered(old, "test.new")).isEqualTo("new");
    } finally {
      Files.delete(bundle);
    }
  }

  /** Asks until the answer comes (a consumer's registration reaches the other node a moment after it is made). */
  private static Object requestUntilAnswered(Node from, String address) {
    return Eventually.poll(Duration.ofSeconds(15), () -> {
      try {
        return from.vertx().eventBus().request(address, "hello").await(5, TimeUnit.SECONDS).body();
      } catch (Exception e) {
        return "failed: " + e.getMessage();
      }
    }, answer -> !String.valueOf(answer).startsWith("failed"));
  }

  private static JsonObject check(JsonObject health, String id) {
    return health.getJsonArray("checks").stream().map(JsonObject.class::cast)
      .filter(c -> c.getString("id").equals(id)).findFirst()
      .orElseThrow(() -> new AssertionError("no check " + id + " in " + health.encode()));
  }
}
