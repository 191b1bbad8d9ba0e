package io.storedash.common.redis;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The masters of a Redis Cluster as {@code CLUSTER SLOTS} reports them, and a small client per master for the
 * commands that must run on every master: a SCAN cursor belongs to one node, and INFO describes one node. Commands
 * on keys go through the cluster client instead, which routes them by hash slot and follows MOVED/ASK.
 */
public final class RedisClusterNodes {

  /** A master and the number of hash slots it serves. */
  public record Master(String hostPort, int slots) {
  }

  private static final Logger LOG = LoggerFactory.getLogger(RedisClusterNodes.class);

  private final Vertx vertx;
  private final RedisEndpoints endpoints;
  private final int poolSize;
  private final long timeoutMillis;
  private final Map<String, Redis> clients = new ConcurrentHashMap<>();
  private volatile List<Master> masters = List.of();

  /**
   * @param poolSize connections per master
   * @param timeout  for each CLUSTER SLOTS attempt and each connection
   */
  public RedisClusterNodes(Vertx vertx, RedisEndpoints endpoints, int poolSize, Duration timeout) {
    if (endpoints.mode() != RedisEndpoints.Mode.CLUSTER) {
      throw new IllegalArgumentException("not a Redis Cluster: " + endpoints.describe());
    }
    this.vertx = vertx;
    this.endpoints = endpoints;
    this.poolSize = poolSize;
    this.timeoutMillis = timeout.toMillis();
  }

  /** The masters found by the latest {@link #discover()}, sorted by address. */
  public List<Master> known() {
    return masters;
  }

  /**
   * Asks the known masters, then the seed nodes of the URL, in turn, for {@code CLUSTER SLOTS}; the first answer
   * wins. A master that is down but still owns slots is listed: its slots are not served, and callers must see that.
   */
  public Future<List<Master>> discover() {
    Set<String> candidates = new LinkedHashSet<>();
    masters.forEach(m -> candidates.add(m.hostPort()));
    candidates.addAll(endpoints.hostPorts());
    return ask(new ArrayList<>(candidates), 0, new ArrayList<>());
  }

  private Future<List<Master>> ask(List<String> candidates, int index, List<String> failures) {
    if (index >= candidates.size()) {
      return Future.failedFuture("no node of " + endpoints.describe() + " answered CLUSTER SLOTS: " + String.join("; ", failures));
    }
    String node = candidates.get(index);
    return client(node).send(Request.cmd(Command.CLUSTER).arg("SLOTS"))
      .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
      .map(reply -> parse(reply, node))
      .compose(found -> {
        if (found.isEmpty()) {
          return Future.failedFuture(node + " serves no slots");
        }
        retire(found);
        masters = found;
        return Future.succeededFuture(found);
      })
      .recover(e -> {
        failures.add(node + ": " + e.getMessage());
        return ask(candidates, index + 1, failures);
      });
  }

  /** {@code [[start, end, [host, port, id, ...], replicas...], ...]}, masters sorted by address. */
  static List<Master> parse(Response reply, String answeredBy) {
    Map<String, Integer> slots = new TreeMap<>();
    String answeringHost = answeredBy.substring(0, answeredBy.lastIndexOf(':'));
    for (int i = 0; i < reply.size(); i++) {
      Response range = reply.get(i);
      int count = range.get(1).toInteger() - range.get(0).toInteger() + 1;
      Response master = range.get(2);
      String host = master.get(0) == null ? "" : master.get(0).toString();
      // Redis answers "" or "?" for an address it does not know: the node that answered is reachable at its own.
      if (host.isEmpty() || host.equals("?")) {
        host = answeringHost;
      }
      slots.merge(host + ":" + master.get(1).toInteger(), count, Integer::sum);
    }
    return slots.entrySet().stream().map(e -> new Master(e.getKey(), e.getValue())).toList();
  }

  /** The client of one node ({@code host:port}), opened on first use. */
  public Redis client(String hostPort) {
    return clients.computeIfAbsent(hostPort, hp -> {
      RedisOptions options = RedisClients.nodeOptions(endpoints, hp).setMaxPoolSize(poolSize).setMaxPoolWaiting(poolSize * 64);
      options.getNetClientOptions().setConnectTimeout((int) timeoutMillis);
      return Redis.createClient(vertx, options);
    });
  }

  /** Closes the clients of nodes that are neither masters any more nor seeds. */
  private void retire(List<Master> found) {
    Set<String> keep = new LinkedHashSet<>(endpoints.hostPorts());
    found.forEach(m -> keep.add(m.hostPort()));
    clients.keySet().removeIf(node -> {
      if (keep.contains(node)) {
        return false;
      }
      LOG.info("Redis Cluster node {} is no longer a master: its client is closed", node);
      Redis gone = clients.get(node);
      if (gone != null) {
        gone.close();
      }
      return true;
    });
  }

  public Future<Void> close() {
    List<Future<Void>> closing = clients.values().stream().map(Redis::close).toList();
    clients.clear();
    return Future.join(closing).mapEmpty();
  }
}
