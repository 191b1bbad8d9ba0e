package io.storedash.monitor.redis;

import io.storedash.common.redis.RedisEndpoints;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.time.Duration;

/** The health of the Redis that {@code REDIS_URL} names, as the {@code redis} part of the monitor snapshot. */
public interface RedisHealth {

  /**
   * One server or the Sentinels' master ({@link RedisHealthMonitor}), or every master of a Redis Cluster
   * ({@link RedisClusterMonitor}).
   */
  static RedisHealth watch(Vertx vertx, String redisUrl, Duration fullInterval) {
    RedisEndpoints endpoints = RedisEndpoints.parse(redisUrl);
    return endpoints.mode() == RedisEndpoints.Mode.CLUSTER
      ? new RedisClusterMonitor(vertx, endpoints, fullInterval)
      : new RedisHealthMonitor(vertx, redisUrl, fullInterval);
  }

  /** Runs the first check and starts the periodic ones; never fails: an unreachable Redis is reported, not fatal. */
  Future<Void> start();

  Future<Void> close();

  RedisHealthMonitor.State state();

  boolean connected();

  /** Counters for this service's heartbeat. */
  JsonObject stats();

  /** The {@code redis} part of the monitor snapshot, assembled without I/O. */
  JsonObject snapshot();
}
