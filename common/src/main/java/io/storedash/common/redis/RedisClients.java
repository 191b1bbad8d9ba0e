package io.storedash.common.redis;

import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.RedisReplicas;
import io.vertx.redis.client.RedisRole;

/**
 * Vert.x client options for what {@code REDIS_URL} names, shared by cache-service and monitor-service so that both
 * reach the same servers the same way. Pool sizes and timeouts are the caller's.
 */
public final class RedisClients {

  private RedisClients() {
  }

  /**
   * A standalone client for one server; a Sentinel client that always talks to the current master (never a replica,
   * whose copy may lag behind); a cluster client that routes every keyed command to the master of its slot.
   */
  public static RedisOptions options(RedisEndpoints endpoints) {
    RedisOptions options = new RedisOptions().setEndpoints(new java.util.ArrayList<>(endpoints.connectionStrings()));
    return switch (endpoints.mode()) {
      case STANDALONE -> options.setType(RedisClientType.STANDALONE);
      case SENTINEL -> options.setType(RedisClientType.SENTINEL)
        .setRole(RedisRole.MASTER)
        .setMasterName(endpoints.masterName());
      case CLUSTER -> options.setType(RedisClientType.CLUSTER)
        .setUseReplicas(RedisReplicas.NEVER);
    };
  }

  /** Options for a client of one node of the deployment ({@code host:port}), with the URL's credentials. */
  public static RedisOptions nodeOptions(RedisEndpoints endpoints, String hostPort) {
    return new RedisOptions().setType(RedisClientType.STANDALONE).setConnectionString(endpoints.nodeUrl(hostPort));
  }
}
