package io.storedash.common.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import io.storedash.common.Addresses;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.util.concurrent.TimeUnit;

/**
 * The attacker of issue 17, as a separate JVM: a plain clustered Vert.x with a plain HazelcastClusterManager, our
 * cluster name and our member list, that asks cache-service to flush. It prints what it saw and exits:
 * {@code JOIN failed ...} when Hazelcast gives up joining, else {@code MEMBERS n} (the Hazelcast members it is
 * clustered with, itself included) and {@code SEND ok ...} or {@code SEND failed ...}. Arguments: cluster name, first cluster port.
 */
public final class ForeignMember {

  private ForeignMember() {
  }

  public static void main(String[] args) throws Exception {
    String clusterName = args[0];
    int port = Integer.parseInt(args[1]);
    Config hz = new Config();
    hz.setClusterName(clusterName);
    hz.setProperty("hazelcast.logging.type", "none");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    // An attacker gives up at some point; this one after 20 s of trying (Hazelcast's default is 300 s).
    hz.setProperty("hazelcast.max.join.seconds", "20");
    hz.getNetworkConfig().setPort(port).setPortAutoIncrement(true).setPortCount(20);
    hz.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    JoinConfig join = hz.getNetworkConfig().getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1");
    HazelcastClusterManager clusterManager = new HazelcastClusterManager(hz);
    Vertx vertx;
    try {
      vertx = Vertx.builder().withClusterManager(clusterManager).buildClustered().await(90, TimeUnit.SECONDS);
    } catch (Exception e) {
      System.out.println("JOIN failed " + e.getMessage());
      System.exit(0);
      return;
    }
    System.out.println("MEMBERS " + clusterManager.getHazelcastInstance().getCluster().getMembers().size());
    try {
      Object reply = vertx.eventBus().request(Addresses.CACHE_ADMIN, new JsonObject().put("action", "flush"),
        new DeliveryOptions().setSendTimeout(5000)).await(10, TimeUnit.SECONDS).body();
      System.out.println("SEND ok " + reply);
    } catch (Exception e) {
      System.out.println("SEND failed " + e.getMessage());
    }
    vertx.close().await(30, TimeUnit.SECONDS);
    System.exit(0);
  }
}
