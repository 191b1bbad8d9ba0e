package io.storedash.common.cluster;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import io.storedash.common.Addresses;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.ConfigLoader;
import io.storedash.common.testing.TestCertificates;
import io.storedash.common.testing.TestStorage;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.eventbus.impl.clustered.ClusteredMessage;
import io.vertx.core.eventbus.impl.codecs.JsonObjectMessageCodec;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The attacks of issue 17 on a locked cluster (docs/DESIGN.md §11.2): two StoreDash nodes with the cluster's secret and
 * member certificates, a consumer on {@code storedash.cache.admin} standing for cache-service, and outsiders on the
 * same machine who know the cluster name, the member list and every port. Each attack would have worked on the
 * cluster before issue 17 (see docs/RESILIENCE.md); here each is refused and the consumer receives nothing. The
 * raw-frame attack carries its own control: the same bytes through a TLS connection with a member certificate are
 * delivered, so the frame is well-formed and TLS is what stops the others.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ClusterAttackTest {

  private final String clusterName = "attack-" + UUID.randomUUID().toString().substring(0, 8);
  private final int clusterPort = TestStorage.freePort();
  private final int eventBusPort = TestStorage.freePort();
  private final TestCertificates certificates = TestCertificates.shared();
  private final List<JsonObject> flushes = new CopyOnWriteArrayList<>();
  private Node first;
  private Node second;
  private Vertx outsider;

  @BeforeAll
  void startTheCluster() throws Exception {
    first = Node.clustered(ConfigLoader.load(certificates.environment(cluster(Map.of(
      "EVENTBUS_PORT", String.valueOf(eventBusPort)))))).await(60, TimeUnit.SECONDS);
    second = Node.clustered(ConfigLoader.load(certificates.environment(cluster(Map.of()))))
      .await(60, TimeUnit.SECONDS);
    first.vertx().eventBus().<JsonObject>consumer(Addresses.CACHE_ADMIN, msg -> {
      flushes.add(msg.body());
      msg.reply(new JsonObject().put("flushed", true));
    }).completion().await(10, TimeUnit.SECONDS);
    outsider = Vertx.vertx();
  }

  @AfterAll
  void stopTheCluster() throws Exception {
    for (Node node : new Node[] {second, first}) {
      if (node != null) {
        node.shutdown().await(30, TimeUnit.SECONDS);
      }
    }
    if (outsider != null) {
      outsider.close().await();
    }
  }

  private Map<String, String> cluster(Map<String, String> more) {
    Map<String, String> env = new java.util.HashMap<>(Map.of("CLUSTER_NAME", clusterName,
      "CLUSTER_PORT", String.valueOf(clusterPort), "CLUSTER_HOST", "127.0.0.1", "CLUSTER_MEMBERS", "127.0.0.1"));
    env.putAll(more);
    return env;
  }

  private static int members(Node node) {
    return ((VertxInternal) node.vertx()).clusterManager().getNodes().size();
  }

  private double refusals(Node node) {
    return node.meterRegistry().find("storedash.cluster.handshake.refused").counters().stream()
      .mapToDouble(c -> c.count()).sum();
  }

  @Test
  void aForeignJvmWithOurClusterNameAndMemberListNeverBecomesAMemberNorReachesAnAddress() throws Exception {
    double refusedBefore = refusals(first) + refusals(second);
    Path log = Files.createTempFile("foreign-member", ".log");
    String java = ProcessHandle.current().info().command().orElse("java");
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process foreign = new ProcessBuilder(java, "-Xmx256m", "-cp", classpath, ForeignMember.class.getName(),
      clusterName, String.valueOf(clusterPort)).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      boolean exited = foreign.waitFor(120, TimeUnit.SECONDS);
      String output = Files.readString(log);
      List<String> verdict = output.lines()
        .filter(l -> l.startsWith("JOIN") || l.startsWith("MEMBERS") || l.startsWith("SEND")).toList();
      System.out.println("foreign JVM: " + verdict);
      assertThat(exited).as("the foreign JVM gives up and exits; its output:%n%s", output).isTrue();
      // Nobody let it in: either Hazelcast gave up joining, or it formed a cluster of its own where no consumer
      // of ours exists.
      boolean gaveUp = verdict.stream().anyMatch(l -> l.startsWith("JOIN failed"));
      boolean alone = verdict.contains("MEMBERS 1") && verdict.stream().anyMatch(l -> l.startsWith("SEND failed"));
      assertThat(gaveUp || alone).as("the foreign JVM never joined; its output:%n%s", output).isTrue();
    } finally {
      foreign.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      Files.deleteIfExists(log);
    }
    assertThat(members(first)).isEqualTo(2);
    assertThat(members(second)).isEqualTo(2);
    assertThat(flushes).isEmpty();
    // Our members refused its connections (and it theirs), and counted them.
    assertThat(refusals(first) + refusals(second)).isGreaterThan(refusedBefore);
  }

  @Test
  void aHazelcastClientWithOurClusterNameIsRefused() {
    ClientConfig client = new ClientConfig();
    client.setClusterName(clusterName);
    client.setProperty("hazelcast.logging.type", "none");
    client.getNetworkConfig().addAddress("127.0.0.1:" + clusterPort);
    client.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(4000);
    assertThatThrownBy(() -> HazelcastClient.newHazelcastClient(client).shutdown())
      .isInstanceOf(IllegalStateException.class).hasMessageContaining("Unable to connect to any cluster");
    assertThat(members(first)).isEqualTo(2);
  }

  @Test
  void aRawEventBusFrameOrATlsClientWithoutAMemberCertificateDoesNothing() throws Exception {
    Buffer frame = flushFrame();

    // Plain TCP, as in the attack: the TLS server takes the frame for a broken handshake and closes.
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), eventBusPort)) {
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(frame.getBytes());
      assertThat(readToEnd(socket.getInputStream())).as("the event bus closes a connection that is not TLS").isTrue();
    }
    assertThat(flushes).isEmpty();

    // TLS, trusting our CA, with a member certificate from a foreign CA: refused.
    String foreign = sendOverTls(frame, certificates.foreignMember());
    assertThat(foreign).startsWith("refused");
    // TLS without any client certificate: refused.
    String anonymous = sendOverTls(frame, null);
    assertThat(anonymous).startsWith("refused");
    assertThat(flushes).isEmpty();

    // Control: the same bytes with a member certificate of our CA are a message like any other.
    String member = sendOverTls(frame, certificates.member("control"));
    assertThat(member).isEqualTo("open");
    assertThat(io.storedash.common.testing.Eventually.until(Duration.ofSeconds(5), () -> flushes.size() == 1))
      .as("the control frame is delivered").isTrue();
    assertThat(flushes.get(0).getString("action")).isEqualTo("flush");
    System.out.printf("raw frame of %d bytes: plain TCP closed, foreign CA %s, no certificate %s, member %s%n",
      frame.length(), foreign, anonymous, member);
    flushes.clear();
  }

  @Test
  void aMemberWithOurCertificatesButAnotherClusterSecretCannotJoin() throws Exception {
    double refusedBefore = refusals(first) + refusals(second);
    Node stranger = Node.clustered(ConfigLoader.load(cluster(Map.of(
      "CLUSTER_SECRET", TestCertificates.randomSecret(),
      "EVENTBUS_TLS_CERT", certificates.member().cert().toString(),
      "EVENTBUS_TLS_KEY", certificates.member().key().toString(),
      "EVENTBUS_TLS_CA", certificates.member().ca().toString())))).await(90, TimeUnit.SECONDS);
    try {
      assertThat(members(stranger)).as("it is alone in a cluster of its own").isEqualTo(1);
      assertThat(members(first)).isEqualTo(2);
      assertThat(members(second)).isEqualTo(2);
      Throwable send = catchThrowable(() -> stranger.vertx().eventBus().request(Addresses.CACHE_ADMIN,
        new JsonObject().put("action", "flush"), new DeliveryOptions().setSendTimeout(3000)).await(10, TimeUnit.SECONDS));
      assertThat(send).isInstanceOf(ReplyException.class);
      assertThat(((ReplyException) send).failureType()).isEqualTo(ReplyFailure.NO_HANDLERS);
      assertThat(flushes).isEmpty();
      assertThat(refusals(first) + refusals(second) + refusals(stranger)).isGreaterThan(refusedBefore);
    } finally {
      stranger.shutdown().await(30, TimeUnit.SECONDS);
    }
  }

  /** A well-formed clustered event-bus frame: send {"action":"flush"} to storedash.cache.admin. */
  private static Buffer flushFrame() {
    ClusteredMessage<JsonObject, JsonObject> message = new ClusteredMessage<>("attacker", Addresses.CACHE_ADMIN,
      MultiMap.caseInsensitiveMultiMap(), new JsonObject().put("action", "flush"), new JsonObjectMessageCodec(), true,
      null);
    return message.encodeToWire();
  }

  /**
   * Opens TLS to the event bus (trusting our CA) with {@code member}'s certificate, or none, and writes the frame.
   * "refused ..." when the handshake fails or the server closes the connection, "open" when it keeps it.
   */
  private String sendOverTls(Buffer frame, TestCertificates.Member member) throws Exception {
    NetClientOptions options = new NetClientOptions().setSsl(true).setHostnameVerificationAlgorithm("")
      .setConnectTimeout(5000).setTrustOptions(new PemTrustOptions().addCertPath(certificates.member().ca().toString()));
    if (member != null) {
      options.setKeyCertOptions(new PemKeyCertOptions().setCertPath(member.cert().toString())
        .setKeyPath(member.key().toString()));
    }
    NetClient client = outsider.createNetClient(options);
    try {
      NetSocket socket;
      try {
        socket = client.connect(eventBusPort, "127.0.0.1").await(10, TimeUnit.SECONDS);
      } catch (Exception e) {
        return "refused during the handshake (" + e.getMessage() + ")";
      }
      Promise<Void> closed = Promise.promise();
      socket.closeHandler(v -> closed.tryComplete());
      socket.write(frame);
      // TLS 1.3: the client finishes its side before the server has checked the client's certificate; a refusal
      // arrives as an alert and a close right after.
      try {
        closed.future().await(3, TimeUnit.SECONDS);
        return "refused after the handshake (the server closed the connection)";
      } catch (java.util.concurrent.TimeoutException stillOpen) {
        socket.close();
        return "open";
      }
    } finally {
      client.close().await();
    }
  }

  /** Reads until the server closes; true when it did so within the socket's timeout. */
  private static boolean readToEnd(InputStream in) throws IOException {
    try {
      while (in.read() >= 0) {
        // The TLS alert, if any.
      }
      return true;
    } catch (SocketException reset) {
      return true;
    } catch (java.net.SocketTimeoutException e) {
      return false;
    }
  }
}
