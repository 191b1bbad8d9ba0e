package io.storedash.common.bootstrap;

import io.storedash.common.config.ConfigLoader;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestCertificates;
import io.storedash.common.testing.TestStorage;
import io.vertx.core.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Members found by DNS (CLUSTER_SERVICE_DNS), as in Kubernetes and compose: Hazelcast's Kubernetes discovery in
 * DNS-lookup mode with a name that resolves to this machine. The second node knows no member list; it finds the
 * first by resolving the name, and the event bus then spans both. Hazelcast takes a discovered address equal to its
 * own host for itself (one pod, one address), so the two nodes bind 127.0.0.1 and 127.0.0.2.
 */
class ClusterDiscoveryTest {

  private final List<Node> nodes = new ArrayList<>();

  @AfterEach
  void leave() {
    for (Node node : nodes) {
      node.vertx().close().await();
    }
  }

  @Test
  void nodesFindEachOtherThroughTheServiceDnsName() throws Exception {
    String port = String.valueOf(TestStorage.freePort());
    String name = "dns-" + UUID.randomUUID().toString().substring(0, 8);
    // As in Kubernetes, every member has its own address and the same port; "localhost" resolves to the first.
    for (String host : List.of("127.0.0.1", "127.0.0.2")) {
      StoreDashConfig config = ConfigLoader.load(TestCertificates.shared().environment(Map.of(
        "CLUSTER_SERVICE_DNS", "localhost", "CLUSTER_HOST", host, "CLUSTER_PORT", port, "CLUSTER_NAME", name)));
      nodes.add(Node.clustered(config).await(60, TimeUnit.SECONDS));
    }

    nodes.get(0).vertx().eventBus().consumer("test.dns", msg -> msg.reply("answered by the first node"));
    Future<Object> answer = retry(() -> nodes.get(1).vertx().eventBus().request("test.dns", "hello").map(m -> m.body()));
    assertThat(answer.await(20, TimeUnit.SECONDS)).isEqualTo("answered by the first node");
  }

  /** The consumer's registration reaches the other node's view of the cluster a moment later. */
  private static Future<Object> retry(java.util.function.Supplier<Future<Object>> request) throws InterruptedException {
    for (int attempt = 0; ; attempt++) {
      Future<Object> f = request.get();
      try {
        f.await(5, TimeUnit.SECONDS);
        return f;
      } catch (Exception e) {
        if (attempt == 20) {
          return f;
        }
        Thread.sleep(250);
      }
    }
  }
}
