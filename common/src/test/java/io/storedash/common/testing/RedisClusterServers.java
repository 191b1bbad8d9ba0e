package io.storedash.common.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A real Redis Cluster of masters without replicas, started from the embedded redis-server binary on free ports of
 * 127.0.0.1, each node in a temporary directory of its own with its own {@code nodes.conf}, no persistence. The
 * hash slots are split evenly (node i serves {@link #firstSlot(int)}..{@link #lastSlot(int)}), the nodes meet, and
 * {@link #start(int)} returns once every node reports {@code cluster_state:ok}. {@link #close()} stops every process
 * by its PID and deletes the directories.
 *
 * <p>Nodes run with {@code cluster-require-full-coverage no}, as a cache cluster should: a master that is lost takes
 * only its own slots with it, and the other masters keep serving theirs.
 */
public final class RedisClusterServers implements AutoCloseable {

  public static final int SLOTS = 16384;
  /** Short, so that tests of a lost master see it marked failed within seconds. */
  public static final int NODE_TIMEOUT_MS = 1000;

  private final Path root;
  private final List<RedisProcess> nodes = new ArrayList<>();
  private final List<Integer> busPorts = new ArrayList<>();
  private final Thread shutdownHook = new Thread(this::stopAll, "test-redis-cluster-stop");

  /** The password every node requires ({@code requirepass}); null for none. */
  private final String password;

  private RedisClusterServers(Path root, String password) {
    this.root = root;
    this.password = password;
  }

  /** Starts a cluster of {@code masters} nodes and waits until it is formed and every slot is served. */
  public static RedisClusterServers start(int masters) {
    return start(masters, null);
  }

  /**
   * As {@link #start(int)}, every node requiring {@code password} ({@code requirepass}) from its first client on; the
   * {@link #url()} names no password (a test gives it as REDIS_PASSWORD or in the URL).
   */
  public static RedisClusterServers start(int masters, String password) {
    Path root;
    try {
      root = Files.createTempDirectory("storedash-redis-cluster");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    RedisClusterServers cluster = new RedisClusterServers(root, password);
    Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
    try {
      cluster.form(masters);
      return cluster;
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private void form(int masters) {
    for (int i = 0; i < masters; i++) {
      int port = TestStorage.freePort();
      int busPort = TestStorage.freePort();
      busPorts.add(busPort);
      List<String> config = new ArrayList<>(List.of(
        "cluster-enabled yes",
        "cluster-config-file nodes.conf",
        "cluster-port " + busPort,
        "cluster-node-timeout " + NODE_TIMEOUT_MS,
        "cluster-require-full-coverage no",
        "save \"\"",
        "appendonly no",
        "maxmemory 64mb",
        "maxmemory-policy allkeys-lru"));
      if (password != null) {
        config.add("requirepass " + password);
        Resp.authenticate(port, password);
      }
      nodes.add(RedisProcess.start(root.resolve("node-" + port), port, config, false));
    }
    for (int i = 0; i < masters; i++) {
      int port = nodes.get(i).port();
      // Distinct epochs, as redis-cli --cluster create sets them: no collision to resolve, the cluster forms faster.
      Resp.command(port, "CLUSTER", "SET-CONFIG-EPOCH", String.valueOf(i + 1));
      Resp.command(port, "CLUSTER", "ADDSLOTSRANGE", String.valueOf(firstSlot(i)), String.valueOf(lastSlot(i)));
    }
    for (int i = 1; i < masters; i++) {
      Resp.command(nodes.get(0).port(), "CLUSTER", "MEET", "127.0.0.1", String.valueOf(nodes.get(i).port()),
        String.valueOf(busPorts.get(i)));
    }
    awaitOk(TimeUnit.SECONDS.toMillis(20));
  }

  /** Waits until every running node says {@code cluster_state:ok} and knows every other node. */
  public void awaitOk(long timeoutMillis) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    String last = "";
    while (System.nanoTime() < deadline) {
      boolean ok = true;
      for (RedisProcess node : nodes) {
        if (!node.alive()) {
          continue;
        }
        try {
          String info = Resp.text(node.port(), "CLUSTER", "INFO");
          last = node.port() + ": " + info.replace("\r\n", " ");
          ok &= "ok".equals(Resp.field(info, "cluster_state"))
            && String.valueOf(nodes.size()).equals(Resp.field(info, "cluster_known_nodes"))
            && String.valueOf(SLOTS).equals(Resp.field(info, "cluster_slots_assigned"));
        } catch (RuntimeException e) {
          ok = false;
          last = node.port() + ": " + e.getMessage();
        }
      }
      if (ok) {
        return;
      }
      RedisProcess.sleep(50);
    }
    throw new IllegalStateException("the Redis Cluster did not form within " + timeoutMillis + " ms; last: " + last);
  }

  /** The first hash slot of node {@code i}. */
  public int firstSlot(int i) {
    return (int) ((long) SLOTS * i / slotsDivisor());
  }

  public int lastSlot(int i) {
    return (int) ((long) SLOTS * (i + 1) / slotsDivisor()) - 1;
  }

  private int slotsDivisor() {
    return Math.max(1, nodes.size());
  }

  /** {@code redis-cluster://} URL naming every node as a seed. */
  public String url() {
    return "redis-cluster://" + nodes.stream().map(n -> "127.0.0.1:" + n.port()).collect(Collectors.joining(","));
  }

  public int size() {
    return nodes.size();
  }

  public int port(int i) {
    return nodes.get(i).port();
  }

  public RedisProcess node(int i) {
    return nodes.get(i);
  }

  /** The index of the node that serves a key's slot, asked of the cluster itself ({@code CLUSTER KEYSLOT}). */
  public int nodeOf(String key) {
    return nodeOfSlot(slotOf(key));
  }

  public int slotOf(String key) {
    for (RedisProcess node : nodes) {
      if (node.alive()) {
        return (int) Resp.number(node.port(), "CLUSTER", "KEYSLOT", key);
      }
    }
    throw new IllegalStateException("no node of the cluster runs");
  }

  public int nodeOfSlot(int slot) {
    for (int i = 0; i < nodes.size(); i++) {
      if (slot >= firstSlot(i) && slot <= lastSlot(i)) {
        return i;
      }
    }
    throw new IllegalArgumentException("slot " + slot);
  }

  /** DBSIZE of node {@code i}. */
  public long dbsize(int i) {
    return Resp.number(port(i), "DBSIZE");
  }

  /** The sum of DBSIZE over the running nodes. */
  public long dbsize() {
    long keys = 0;
    for (int i = 0; i < nodes.size(); i++) {
      if (nodes.get(i).alive()) {
        keys += dbsize(i);
      }
    }
    return keys;
  }

  /** Waits until the running nodes hold {@code keys} keys together (writes that a test did not wait for land). */
  public void awaitKeys(long keys) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (dbsize() != keys) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the cluster holds " + dbsize() + " keys, not " + keys);
      }
      RedisProcess.sleep(20);
    }
  }

  /** FLUSHALL on every running node: a test starts from an empty cluster. */
  public void flushAll() {
    for (RedisProcess node : nodes) {
      if (node.alive()) {
        Resp.command(node.port(), "FLUSHALL");
      }
    }
  }

  /** Every key on node {@code i}, by SCAN. */
  public List<String> keys(int i) {
    List<String> keys = new ArrayList<>();
    String cursor = "0";
    do {
      @SuppressWarnings("unchecked")
      List<Object> reply = (List<Object>) Resp.command(port(i), "SCAN", cursor, "COUNT", "1000");
      cursor = (String) reply.get(0);
      ((List<?>) reply.get(1)).forEach(k -> keys.add((String) k));
    } while (!"0".equals(cursor));
    return keys;
  }

  /** SIGKILL node {@code i}: a crashed master, its slots unserved (there are no replicas). */
  public void kill(int i) {
    nodes.get(i).kill();
  }

  /** Starts node {@code i} again: it reads its nodes.conf, so it rejoins with its slots (and no data). */
  public void restart(int i) {
    nodes.get(i).start();
    awaitOk(TimeUnit.SECONDS.toMillis(20));
  }

  private void stopAll() {
    nodes.forEach(RedisProcess::kill);
  }

  @Override
  public void close() {
    nodes.forEach(RedisProcess::stop);
    RedisProcess.delete(root);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down and runs the hook itself.
    }
  }
}
