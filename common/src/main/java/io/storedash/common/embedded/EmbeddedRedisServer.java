package io.storedash.common.embedded;

import io.storedash.common.redis.RedisAcl;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;

/**
 * A Redis 7.0 server run from the binary bundled by {@code org.signal:embedded-redis}, configured as the original
 * product ran Redis in production: bounded memory, LRU eviction over all keys, no persistence — and locked: the
 * default user is off, so a client without the password gets {@code NOAUTH}, and StoreDash connects as the ACL user
 * {@link RedisAcl#USER} with a password generated at every start, allowed only the commands it sends.
 *
 * <p>The password never appears on a command line (which every local user can read in {@code /proc}) nor in the
 * configuration file embedded-redis writes to the temporary directory (readable by all): the users are in a file
 * only this process's user can read, included by that configuration and deleted as soon as Redis has read it.
 */
public final class EmbeddedRedisServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedRedisServer.class);

  private final int port;
  private final String maxMemory;
  private final String password;
  private final Path usersDir;
  private RedisServer server;

  private EmbeddedRedisServer(int port, String maxMemory, String password, Path usersDir) {
    this.port = port;
    this.maxMemory = maxMemory;
    this.password = password;
    this.usersDir = usersDir;
  }

  /** Starts Redis on a free port of 127.0.0.1 (or {@code port} when it is not 0), with a new password. */
  public static EmbeddedRedisServer start(int port, String maxMemory) {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    EmbeddedRedisServer redis = new EmbeddedRedisServer(port == 0 ? freePort() : port, maxMemory,
      HexFormat.of().formatHex(secret), privateDirectory());
    redis.startProcess();
    return redis;
  }

  /** Starts the server again on the same port with the same password, after {@link #stop()}: for tests of a Redis that comes back. */
  public void startProcess() {
    Path users = usersDir.resolve("users.conf");
    writePrivately(users, List.of("user default off", "user " + RedisAcl.USER + " " + RedisAcl.rules(password)));
    try {
      server = RedisServer.builder()
        .bind("127.0.0.1")
        .port(port)
        .setting("maxmemory " + maxMemory)
        .setting("maxmemory-policy allkeys-lru")
        .setting("save \"\"")
        .setting("appendonly no")
        .setting("include " + users)
        .build();
      // start() returns once Redis logged that it accepts connections: the users are read by then.
      server.start();
    } finally {
      delete(users);
    }
    LOG.info("embedded Redis on port {} (maxmemory {}, allkeys-lru, no persistence; user {} with a generated password, "
      + "no access without it)", port, maxMemory, RedisAcl.USER);
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

  /** {@code redis://storedash:<password>@127.0.0.1:<port>}: it holds the password, never log it. */
  public String url() {
    return "redis://" + RedisAcl.USER + ":" + password + "@127.0.0.1:" + port;
  }

  /** {@link #url()} with another port of 127.0.0.1: for a proxy in front of this server (fault tests). */
  public String urlThrough(int port) {
    return "redis://" + RedisAcl.USER + ":" + password + "@127.0.0.1:" + port;
  }

  @Override
  public void close() {
    stop();
    delete(usersDir);
  }

  @Override
  public String toString() {
    return "embedded Redis on 127.0.0.1:" + port;
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      socket.setReuseAddress(true);
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  private static Path privateDirectory() {
    try {
      return posix()
        ? Files.createTempDirectory("storedash-redis", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")))
        : Files.createTempDirectory("storedash-redis");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a private directory for the embedded Redis's users", e);
    }
  }

  private static void writePrivately(Path file, List<String> lines) {
    try {
      if (posix()) {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      }
      Files.write(file, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8),
        StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the embedded Redis's users to " + file, e);
    }
  }

  private static void delete(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", path, e.getMessage());
    }
  }
}
