package io.storedash.common.testing;

import redis.embedded.RedisExecProvider;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One {@code redis-server} process of the binary that {@code org.signal:embedded-redis} ships (Redis 7.0), run with a
 * configuration file of its own in its own directory on 127.0.0.1, stopped by its PID. For tests of several
 * servers: clusters, replicas, Sentinels.
 */
public final class RedisProcess {

  private static File binary;

  private final Path dir;
  private final int port;
  private final List<String> config;
  private final boolean sentinel;
  private Process process;

  private RedisProcess(Path dir, int port, List<String> config, boolean sentinel) {
    this.dir = dir;
    this.port = port;
    this.config = config;
    this.sentinel = sentinel;
  }

  /** The redis-server binary, extracted from the embedded-redis jar once per JVM (it is deleted when the JVM exits). */
  static synchronized File binary() {
    if (binary == null) {
      try {
        binary = RedisExecProvider.defaultProvider().get();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot extract redis-server from the embedded-redis jar", e);
      }
    }
    return binary;
  }

  /**
   * Starts redis-server (or, with {@code sentinel}, {@code redis-server <conf> --sentinel}) in {@code dir} on
   * {@code port}, with these configuration lines after bind, port, dir and logfile; returns once it answers PING.
   */
  public static RedisProcess start(Path dir, int port, List<String> config, boolean sentinel) {
    RedisProcess redis = new RedisProcess(dir, port, List.copyOf(config), sentinel);
    redis.start();
    return redis;
  }

  /** Starts the process again (after {@link #kill()} or {@link #stop()}), with the files it left in its directory. */
  public synchronized void start() {
    if (process != null && process.isAlive()) {
      return;
    }
    try {
      Files.createDirectories(dir);
      Path conf = dir.resolve(sentinel ? "sentinel.conf" : "redis.conf");
      // A restarted Sentinel keeps the configuration it rewrote: the current master, the other Sentinels.
      if (!sentinel || !Files.exists(conf)) {
        List<String> lines = new ArrayList<>(List.of(
          "bind 127.0.0.1", "port " + port, "dir " + dir, "logfile " + dir.resolve("redis.log"), "daemonize no"));
        lines.addAll(config);
        Files.write(conf, lines);
      }
      List<String> command = new ArrayList<>(List.of(binary().getAbsolutePath(), conf.toString()));
      if (sentinel) {
        command.add("--sentinel");
      }
      process = new ProcessBuilder(command)
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("stdout.log").toFile())
        .start();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start redis-server on port " + port + " in " + dir, e);
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!Resp.answers(port)) {
      if (!process.isAlive() || System.nanoTime() > deadline) {
        String log = log();
        process.destroyForcibly();
        throw new IllegalStateException("redis-server on port " + port + " did not start: " + log);
      }
      sleep(20);
    }
  }

  /** SIGKILL, as a crashed server or a lost machine: no shutdown, no goodbye to clients. */
  public synchronized void kill() {
    if (process != null) {
      process.destroyForcibly();
      waitFor();
    }
  }

  /** SIGTERM, then SIGKILL if it has not exited within 5 s. */
  public synchronized void stop() {
    if (process != null && process.isAlive()) {
      process.destroy();
      try {
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
          process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
      waitFor();
    }
  }

  private void waitFor() {
    try {
      process.waitFor(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  public synchronized boolean alive() {
    return process != null && process.isAlive();
  }

  /** The process id while it runs, else -1. */
  public synchronized long pid() {
    return alive() ? process.pid() : -1;
  }

  public int port() {
    return port;
  }

  public Path dir() {
    return dir;
  }

  /** The server's log, for failure messages. */
  public String log() {
    try {
      Path log = dir.resolve("redis.log");
      String text = Files.exists(log) ? Files.readString(log) : Files.readString(dir.resolve("stdout.log"));
      return text.length() > 2000 ? text.substring(text.length() - 2000) : text;
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  static void sleep(long millis) {
    try {
      TimeUnit.MILLISECONDS.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  /** Deletes a directory tree that a test harness created. */
  static void delete(Path root) {
    if (root == null || !Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // Temporary files only; the OS cleans them up eventually.
    }
  }
}
