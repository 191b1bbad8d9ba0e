package io.storedash.cache;

import io.storedash.common.Addresses;
import io.storedash.common.DashboardQuery;
import io.storedash.common.QueryKind;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.Eventually;
import io.storedash.common.testing.TestCertificates;
import io.storedash.common.testing.TestStorage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/** Two cache-service instances in one Hazelcast cluster, as two nodes of this JVM. */
class ClusteredCacheTest {

  private final List<Node> nodes = new ArrayList<>();

  @AfterEach
  void close() {
    for (Node node : nodes) {
      node.vertx().close().await();
    }
  }

  private Map<String, JsonObject> statsOfEveryInstance(Node node) {
    Map<String, JsonObject> byNode = new HashMap<>();
    JsonObject command = new JsonObject().put("action", "stats");
    for (int i = 0; i < 20 && byNode.size() < 2; i++) {
      JsonObject stats = node.vertx().eventBus().<JsonObject>request(Addresses.CACHE_ADMIN, command,
        node.signatures().sign(Addresses.CACHE_ADMIN, command)).await().body();
      byNode.put(stats.getString("node"), stats);
    }
    return byNode;
  }

  /**
   * Waits until both instances answer stats that meet the condition: a node sees the other's consumers, and receives
   * what the other publishes, some time after it joined (Hazelcast propagates them).
   */
  private void awaitEveryInstance(Node node, Predicate<JsonObject> condition) {
    Map<String, JsonObject> byNode = Eventually.poll(Duration.ofSeconds(15), () -> statsOfEveryInstance(node),
      stats -> stats.size() == 2 && stats.values().stream().allMatch(condition));
    assertThat(byNode.values()).as("stats of both instances").hasSize(2).allMatch(condition);
  }

  private static long hotspotEntries(JsonObject stats) {
    return stats.getJsonObject("tiers").getJsonObject("L4").getLong("entries");
  }

  @Test
  void eachInstanceComputesAColdKeyAtMostOnceAndDataChangedEmptiesEveryHotspot() throws Exception {
    // Members prove they belong (CLUSTER_SECRET, event-bus certificates), as every clustered node must.
    StoreDashConfig config = TestStorage.config(TestCertificates.shared().environment(Map.of(
      "WARM_ON_START", "false",
      "CLUSTER_PORT", String.valueOf(30000 + (int) (ProcessHandle.current().pid() % 20000)),
      "CLUSTER_NAME", "cache-it-" + System.nanoTime())));
    Node a = Node.clustered(config).await();
    nodes.add(a);
    Node b = Node.clustered(config).await();
    nodes.add(b);
    FakeQueryService query = new FakeQueryService(a.vertx());
    query.version = System.nanoTime();
    query.delayMillis = 300;
    query.refuseDefaultRange = true;
    a.deploy(CacheService.DESCRIPTOR, 1).await();
    b.deploy(CacheService.DESCRIPTOR, 1).await();
    Vertx client = a.vertx();
    // Both instances must take a share of the requests below.
    awaitEveryInstance(a, s -> s.getBoolean("versions_known"));

    DashboardQuery overview = DashboardQuery.of(QueryKind.OVERVIEW, "S001", LocalDate.of(2026, 6, 1), LocalDate.of(2026, 6, 30));
    List<Future<Message<Buffer>>> replies = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      replies.add(client.eventBus().request(Addresses.DASHBOARD_QUERY, overview.toJson(), new DeliveryOptions().setSendTimeout(5000)));
    }
    Future.all(replies).await();
    assertThat(query.computationsOf(overview)).isBetween(1, 2);

    Map<String, JsonObject> before = statsOfEveryInstance(a);
    assertThat(before).hasSize(2);
    assertThat(before.values()).allSatisfy(s -> assertThat(hotspotEntries(s)).isPositive());

    int computedBefore = query.computations.get();
    // Signed by node a, verified on node b too: both share the cluster's secret.
    query.version = System.nanoTime();
    JsonObject changed = new JsonObject().put("stores", new JsonArray().add("S001")).put("version", query.version);
    client.eventBus().publish(Addresses.DATA_CHANGED, changed, a.signatures().sign(Addresses.DATA_CHANGED, changed));
    // Both hotspots are emptied (the warm-up that data changed starts computes nothing here: default ranges are refused).
    awaitEveryInstance(a, s -> hotspotEntries(s) == 0);
    // And every instance answers from a new computation, never the old bytes.
    for (int i = 0; i < 10; i++) {
      Message<Buffer> reply = client.eventBus().<Buffer>request(Addresses.DASHBOARD_QUERY, overview.toJson(),
        new DeliveryOptions().setSendTimeout(5000)).await();
      int n = new JsonObject(Buffer.buffer(io.storedash.common.Gzip.decompress(reply.body().getBytes()))).getInteger("n");
      assertThat(n).isGreaterThan(computedBefore);
    }
    assertThat(query.computationsOf(overview)).isBetween(2, 4);
  }
}
