package io.storedash.common.redis;

import io.storedash.common.testing.RedisClusterServers;
import io.storedash.common.testing.Resp;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The cluster client options and the discovery of masters, against a real three-master Redis Cluster. */
class RedisClusterNodesTest {

  private static RedisClusterServers cluster;
  private Vertx vertx;
  private Redis client;
  private RedisClusterNodes nodes;

  @BeforeAll
  static void startCluster() {
    cluster = RedisClusterServers.start(3);
  }

  @AfterAll
  static void stopCluster() {
    cluster.close();
  }

  @BeforeEach
  void connect() {
    vertx = Vertx.vertx();
    RedisEndpoints endpoints = RedisEndpoints.parse(cluster.url());
    client = Redis.createClient(vertx, RedisClients.options(endpoints));
    nodes = new RedisClusterNodes(vertx, endpoints, 1, Duration.ofSeconds(1));
  }

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void findsEveryMasterWithItsSlots() {
    List<RedisClusterNodes.Master> masters = nodes.discover().await();
    assertThat(masters).extracting(RedisClusterNodes.Master::hostPort)
      .containsExactlyInAnyOrder("127.0.0.1:" + cluster.port(0), "127.0.0.1:" + cluster.port(1), "127.0.0.1:" + cluster.port(2));
    assertThat(masters).extracting(RedisClusterNodes.Master::slots).containsExactlyInAnyOrder(5461, 5461, 5462);
    assertThat(masters.stream().mapToInt(RedisClusterNodes.Master::slots).sum()).isEqualTo(RedisClusterServers.SLOTS);
  }

  @Test
  void theClusterClientPutsEveryKeyOnTheMasterOfItsSlot() {
    for (int i = 0; i < 30; i++) {
      String key = "t:{store" + i + "}:x";
      client.send(Request.cmd(Command.SET).arg(key).arg("v" + i)).await();
      int owner = cluster.nodeOf(key);
      assertThat(Resp.command(cluster.port(owner), "GET", key)).isEqualTo("v" + i);
      assertThat(client.send(Request.cmd(Command.GET).arg(key)).await().toString()).isEqualTo("v" + i);
    }
    for (int i = 0; i < 3; i++) {
      assertThat(cluster.dbsize(i)).as("keys on master %d", i).isPositive();
    }
  }
}
