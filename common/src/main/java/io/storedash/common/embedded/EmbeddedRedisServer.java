package io.storedash.common.embedded;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/**
 * A Redis 7.0 server run from the binary bundled by {@code org.signal:embedded-redis}, configured as the original
 * product ran Redis in production: bounded memory, LRU eviction over all keys, no persistence.
 */
public final class EmbeddedRedisServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedisServer.class);

  private final int port;
  private final String maxMemory;
  private RedisServer server;

  private EmbeddedRedisServer(int port, String maxMemory) {
    this.port = port;
    this.maxMemory = maxMemory;
  }

  /** Starts Redis on a free port of 127.0.0.1 (or {@code port} when it is not 0). */
  public static EmbeddedRedisServer start(int port, String maxMemory) {
    EmbeddedRedisServer redis = new EmbeddedRedisServer(port == 0 ? freePort() : port, maxMemory);
    redis.startProcess();
    return redis;
  }

  /** Starts the server again on the same port, after {@link #stop()}: for tests of a Redis that comes back. */
  public void startProcess() {
    server = RedisServer.builder()
      .bind("127.0.0.1")
      .port(port)
      .setting("maxmemory " + maxMemory)
      .setting("maxmemory-policy allkeys-lru")
      .setting("save \"\"")
      .setting("appendonly no")
      .build();
    server.start();
    LOG.info("embedded Redis on port {} (maxmemory {}, allkeys-lru, no persistence)", port, maxMemory);
  }

  /** Stops the server process; {@link #startProcess()} starts it again. */
  public void stop() {
    if (server != null && server.isActive()) {
      server.stop();
    }
  }

  public int port() {
    return port;
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    stop();
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
