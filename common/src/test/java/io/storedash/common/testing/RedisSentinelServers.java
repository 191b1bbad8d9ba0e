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
 * A real Sentinel set from the embedded redis-server binary on free ports of 127.0.0.1: a master, one replica of it,
 * and Sentinels ({@code redis-server sentinel.conf --sentinel}) that watch them, each in a temporary directory of its
 * own, no persistence. {@link #start(String, int)} returns once the replica is in sync and every Sentinel knows it, so
 * a failover can be asked for at once. {@link #close()} stops every process by its PID and deletes the directories.
 */
public final class RedisSentinelServers implements AutoCloseable {

  /** Short, so that a killed master is failed over within seconds. */
  public static final int DOWN_AFTER_MS = 1000;

  private final Path root;
  private final String masterName;
  private final List<RedisProcess> servers = new ArrayList<>();
  private final List<RedisProcess> sentinels = new ArrayList<>();
  private final Thread shutdownHook = new Thread(this::killAll, "test-redis-sentinel-stop");

  /** The password of every server and Sentinel ({@code requirepass}); null for none. */
  private final String password;

  private RedisSentinelServers(Path root, String masterName, String password) {
    this.root = root;
    this.masterName = masterName;
    this.password = password;
  }

  /** A master, a replica and {@code sentinelCount} Sentinels (quorum: a majority of them). */
  public static RedisSentinelServers start(String masterName, int sentinelCount) {
    return start(masterName, sentinelCount, null);
  }

  /**
   * As {@link #start(String, int)}, every server and Sentinel requiring {@code password}: the replica and the
   * Sentinels authenticate with it to the master ({@code masterauth}, {@code sentinel auth-pass}) and the Sentinels to
   * each other ({@code sentinel sentinel-pass}). The {@link #url()} names no password.
   */
  public static RedisSentinelServers start(String masterName, int sentinelCount, String password) {
    Path root;
    try {
      root = Files.createTempDirectory("storedash-redis-sentinel");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    RedisSentinelServers set = new RedisSentinelServers(root, masterName, password);
    Runtime.getRuntime().addShutdownHook(set.shutdownHook);
    try {
      set.form(sentinelCount);
      return set;
    } catch (RuntimeException e) {
      set.close();
      throw e;
    }
  }

  private void form(int sentinelCount) {
    // No 5 s wait for more replicas before a (diskless) full sync.
    List<String> server = new ArrayList<>(List.of("save \"\"", "appendonly no", "maxmemory 64mb",
      "maxmemory-policy allkeys-lru", "repl-diskless-sync-delay 0"));
    if (password != null) {
      server.addAll(List.of("requirepass " + password, "masterauth " + password));
    }
    RedisProcess master = startServer(server);
    List<String> replica = new ArrayList<>(server);
    replica.add("replicaof 127.0.0.1 " + master.port());
    RedisProcess copy = startServer(replica);
    await("the replica in sync with the master", () ->
      "up".equals(Resp.field(Resp.text(copy.port(), "INFO", "replication"), "master_link_status")));
    int quorum = sentinelCount / 2 + 1;
    for (int i = 0; i < sentinelCount; i++) {
      int port = TestStorage.freePort();
      List<String> config = new ArrayList<>(List.of(
        "sentinel monitor " + masterName + " 127.0.0.1 " + master.port() + " " + quorum,
        "sentinel down-after-milliseconds " + masterName + " " + DOWN_AFTER_MS,
        "sentinel failover-timeout " + masterName + " 10000",
        "sentinel parallel-syncs " + masterName + " 1"));
      if (password != null) {
        config.addAll(List.of("sentinel auth-pass " + masterName + " " + password, "requirepass " + password,
          "sentinel sentinel-pass " + password));
        Resp.authenticate(port, password);
      }
      sentinels.add(RedisProcess.start(root.resolve("sentinel-" + port), port, config, true));
    }
    await("every Sentinel knowing the replica", () -> sentinels.stream().allMatch(s ->
      "1".equals(masterField(s.port(), "num-slaves"))));
  }

  private RedisProcess startServer(List<String> config) {
    int port = TestStorage.freePort();
    if (password != null) {
      Resp.authenticate(port, password);
    }
    RedisProcess process = RedisProcess.start(root.resolve("redis-" + port), port, config, false);
    servers.add(process);
    return process;
  }

  /** A field of {@code SENTINEL MASTER <name>} as a Sentinel on {@code port} sees it. */
  private String masterField(int port, String field) {
    List<?> reply = (List<?>) Resp.command(port, "SENTINEL", "MASTER", masterName);
    for (int i = 0; i + 1 < reply.size(); i += 2) {
      if (field.equals(reply.get(i))) {
        return String.valueOf(reply.get(i + 1));
      }
    }
    return null;
  }

  /** {@code redis-sentinel://} URL naming every Sentinel and the master name. */
  public String url() {
    return "redis-sentinel://" + sentinels.stream().map(s -> "127.0.0.1:" + s.port()).collect(Collectors.joining(","))
      + "/" + masterName;
  }

  public String masterName() {
    return masterName;
  }

  /** The port of the master as the first running Sentinel names it. */
  public int masterPort() {
    for (RedisProcess sentinel : sentinels) {
      if (sentinel.alive()) {
        List<?> address = (List<?>) Resp.command(sentinel.port(), "SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName);
        return Integer.parseInt((String) address.get(1));
      }
    }
    throw new IllegalStateException("no Sentinel runs");
  }

  /** The data servers (master and replica, whichever is which now). */
  public List<RedisProcess> servers() {
    return List.copyOf(servers);
  }

  public List<RedisProcess> sentinels() {
    return List.copyOf(sentinels);
  }

  /**
   * {@code SENTINEL FAILOVER}: the replica is promoted and the old master becomes its replica. Returns the new
   * master's port once every Sentinel names it and it says {@code role:master}.
   */
  public int failover() {
    int old = masterPort();
    Resp.command(sentinels.get(0).port(), "SENTINEL", "FAILOVER", masterName);
    int[] promoted = new int[1];
    await("the failover away from port " + old, () -> {
      int now = masterPort();
      boolean agreed = sentinels.stream().filter(RedisProcess::alive).allMatch(s ->
        String.valueOf(now).equals(((List<?>) Resp.command(s.port(), "SENTINEL", "GET-MASTER-ADDR-BY-NAME", masterName)).get(1)));
      promoted[0] = now;
      return now != old && agreed && "master".equals(Resp.field(Resp.text(now, "INFO", "replication"), "role"));
    });
    return promoted[0];
  }

  private static void await(String what, java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    RuntimeException last = null;
    while (System.nanoTime() < deadline) {
      try {
        if (condition.getAsBoolean()) {
          return;
        }
      } catch (RuntimeException e) {
        last = e;
      }
      RedisProcess.sleep(50);
    }
    throw new IllegalStateException("timed out waiting for " + what + (last == null ? "" : ": " + last.getMessage()));
  }

  private void killAll() {
    sentinels.forEach(RedisProcess::kill);
    servers.forEach(RedisProcess::kill);
  }

  @Override
  public void close() {
    sentinels.forEach(RedisProcess::stop);
    servers.forEach(RedisProcess::stop);
    RedisProcess.delete(root);
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down and runs the hook itself.
    }
  }
}
