package io.storedash.monitor;

import io.micrometer.core.instrument.Gauge;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestCertificates;
import io.storedash.common.testing.TestStorage;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A member of the Hazelcast cluster that never sends a signed heartbeat (docs/DESIGN.md §11.3) turns the monitor red,
 * named with its node id and address, until it leaves. Here it is a node that joined and runs no service: it gets past
 * whatever guards membership (it has the secret), and shows exactly what the monitor sees of a process that got in
 * without it — a member, and no heartbeat it could sign.
 */
class UnknownMemberTest {

  private final List<Node> nodes = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (Node node : nodes) {
      node.vertx().close().await(30, TimeUnit.SECONDS);
    }
  }

  private static JsonArray unknown(JsonObject snapshot) {
    return snapshot.getJsonObject("cluster").getJsonArray("unknown_members");
  }

  @Test
  void aMemberThatSendsNoSignedHeartbeatTurnsTheMonitorRedUntilItLeaves() throws Exception {
    // Both members hold the cluster's secret and certificates: the silent one got past every door (§11.2) and is
    // seen only because it never signs a heartbeat.
    StoreDashConfig config = TestStorage.config(TestCertificates.shared().environment(Map.of(
      "HEARTBEAT_INTERVAL", "300ms",
      "CLUSTER_PORT", String.valueOf(TestStorage.freePort()),
      "CLUSTER_NAME", "unknown-member-" + System.nanoTime())));
    Node monitor = Node.clustered(config).await(60, TimeUnit.SECONDS);
    nodes.add(monitor);
    monitor.deploy(MonitorService.DESCRIPTOR, 1).await();
    Node silent = Node.clustered(config).await(60, TimeUnit.SECONDS);
    nodes.add(silent);
    assertThat(monitor.clusterMembers()).containsOnlyKeys(monitor.nodeId(), silent.nodeId());
    assertThat(monitor.clusterMembers().get(silent.nodeId())).startsWith("127.0.0.1:");

    JsonObject red = Snapshots.when(monitor.vertx(), "the silent member as unknown", Duration.ofSeconds(15),
      s -> unknown(s).size() == 1).await();
    assertThat(red.getString("status")).isEqualTo("red");
    JsonObject stranger = unknown(red).getJsonObject(0);
    assertThat(stranger.getString("node")).isEqualTo(silent.nodeId());
    assertThat(stranger.getString("address")).isEqualTo(monitor.clusterMembers().get(silent.nodeId()));
    assertThat(stranger.getLong("member_for_ms")).isGreaterThan(900);
    assertThat(red.getJsonArray("reasons").getList()).anySatisfy(reason -> assertThat((String) reason)
      .startsWith("unknown cluster member " + silent.nodeId() + " at " + stranger.getString("address")));
    assertThat(red.getJsonObject("cluster").getInteger("members")).isEqualTo(2);
    assertThat(monitor.meterRegistry().find("storedash_cluster_unknown_members").gauge()).isNotNull()
      .extracting(Gauge::value).isEqualTo(1.0);
    assertThat(unknown(red).getList()).as("the monitor's own node beats, signed").hasSize(1);

    silent.vertx().close().await(30, TimeUnit.SECONDS);
    nodes.remove(silent);
    JsonObject after = Snapshots.when(monitor.vertx(), "the member gone and the alert with it", Duration.ofSeconds(15),
      s -> unknown(s).isEmpty()).await();
    assertThat(after.getJsonArray("reasons").getList()).noneSatisfy(reason -> assertThat((String) reason)
      .startsWith("unknown cluster member"));
  }
}
