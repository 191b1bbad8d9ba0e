package io.storedash.monitor;

import io.storedash.common.bootstrap.Node;
import io.storedash.common.testing.TestStorage;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A scrape of monitor-service's /metrics carries the monitor's findings as named series. */
class MonitorMetricsTest {

  private Node node;
  private int port;

  @BeforeEach
  void deploy() {
    node = Node.local(TestStorage.config(Map.of("HEARTBEAT_INTERVAL", "200ms")));
    node.deploy(MonitorService.DESCRIPTOR, 1).await();
    port = node.startManagement(0).await();
  }

  @AfterEach
  void close() {
    node.vertx().close().await();
  }

  @Test
  void theScrapeContainsRedisPostgresClusterAndStatusSeries() {
    // A snapshot is assembled on request (and every 5 s); the gauges read the latest one, so ask until one shows
    // the node's own heartbeat, which arrives on another event loop.
    Snapshots.when(node.vertx(), "monitor-service's own heartbeat", Duration.ofSeconds(5),
      s -> Snapshots.live(s, "monitor-service", node.nodeId())).await();
    HttpResponse<Buffer> scrape = WebClient.create(node.vertx()).get(port, "127.0.0.1", "/metrics").send().await();
    String text = scrape.bodyAsString();
    assertThat(text)
      .containsPattern("storedash_redis_up 1\\.0")
      .containsPattern("storedash_postgres_up 1\\.0")
      .containsPattern("storedash_redis_memory_max_mb 256\\.0")
      .containsPattern("storedash_redis_masters_down 0\\.0")
      .containsPattern("storedash_cluster_instances\\{service=\"monitor-service\"} 1\\.0")
      .containsPattern("storedash_cluster_instances\\{service=\"query-service\"} 0\\.0")
      // No query-service, cache-service or gateway in this node: red.
      .containsPattern("storedash_status 2\\.0")
      .containsPattern("storedash_cluster_unknown_members 0\\.0")
      .containsPattern("storedash_redis_latency_ms \\d")
      .containsPattern("storedash_postgres_latency_ms \\d")
      // Prometheus adds instance (the scraped address) and job; a label of the process's own would clash with it.
      .doesNotContain("instance=\"");
  }
}
