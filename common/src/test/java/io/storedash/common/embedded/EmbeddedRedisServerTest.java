package io.storedash.common.embedded;

import io.storedash.common.redis.RedisAcl;
import io.storedash.common.testing.Resp;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The embedded Redis the standalone starts: locked by a generated password, StoreDash's commands only. */
class EmbeddedRedisServerTest {

  private static EmbeddedRedisServer redis;
  private static Vertx vertx;
  private static Redis client;

  @BeforeAll
  static void start() {
    redis = EmbeddedRedisServer.start(0, "16mb");
    vertx = Vertx.vertx();
    client = Redis.createClient(vertx, redis.url());
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    redis.close();
  }

  private static String password() {
    String url = redis.url();
    return url.substring(url.indexOf(':', "redis://".length()) + 1, url.indexOf('@'));
  }

  @Test
  void aClientWithoutThePasswordIsRefused() {
    int port = redis.port();
    assertThatThrownBy(() -> Resp.command(port, "PING")).hasMessageStartingWith("NOAUTH");
    assertThatThrownBy(() -> Resp.command(port, "GET", "sd:3:L2:{S001}:v1:overview")).hasMessageStartingWith("NOAUTH");
    assertThatThrownBy(() -> Resp.command(port, "AUTH", "guess")).hasMessageStartingWith("WRONGPASS");
    assertThatThrownBy(() -> Resp.command(port, "AUTH", RedisAcl.USER, "guess")).hasMessageStartingWith("WRONGPASS");
    // The default user is off: not even the right password opens it.
    assertThatThrownBy(() -> Resp.command(port, "AUTH", "default", password())).hasMessageStartingWith("WRONGPASS");
    assertThat(redis.url()).startsWith("redis://storedash:").endsWith("@127.0.0.1:" + port);
    assertThat(password()).hasSize(64);
  }

  @Test
  void storeDashsUserRunsWhatStoreDashSendsAndNothingElse() {
    assertThat(send(Request.cmd(Command.PING)).toString()).isEqualTo("PONG");
    send(Request.cmd(Command.SET).arg("sd:test").arg("x").arg("PX").arg(60_000));
    assertThat(send(Request.cmd(Command.GET).arg("sd:test")).toString()).isEqualTo("x");
    assertThat(send(Request.cmd(Command.PTTL).arg("sd:test")).toLong()).isPositive();
    assertThat(send(Request.cmd(Command.SCAN).arg("0").arg("MATCH").arg("sd:*")).size()).isEqualTo(2);
    assertThat(send(Request.cmd(Command.UNLINK).arg("sd:test")).toLong()).isEqualTo(1);
    assertThat(send(Request.cmd(Command.INFO).arg("memory")).toString()).contains("used_memory:");
    assertThat(send(Request.cmd(Command.CONFIG).arg("GET").arg("maxmemory")).toString()).contains("16777216");
    for (Request forbidden : List.of(Request.cmd(Command.FLUSHALL), Request.cmd(Command.KEYS).arg("*"),
      Request.cmd(Command.CONFIG).arg("SET").arg("maxmemory").arg("0"), Request.cmd(Command.SHUTDOWN),
      Request.cmd(Command.ACL).arg("LIST"), Request.cmd(Command.CLIENT).arg("LIST"),
      Request.cmd(Command.REPLICAOF).arg("127.0.0.1").arg("1"),
      Request.cmd(Command.EVAL).arg("return 1").arg(0), Request.cmd(Command.PUBLISH).arg("c").arg("m"))) {
      assertThatThrownBy(() -> send(forbidden)).as(forbidden.command().toString()).hasMessageContaining("NOPERM");
    }
  }

  @Test
  void thePasswordIsNeitherOnTheCommandLineNorInAFileLeftBehind() throws Exception {
    Assumptions.assumeTrue(Files.isDirectory(Path.of("/proc/self")), "needs /proc to read a process's command line");
    List<String> arguments = ProcessHandle.current().descendants()
      .map(p -> commandLine(p.pid()))
      // Redis shows itself as "redis-server 127.0.0.1:<port>" once started; what it was started with is in INFO.
      .filter(args -> String.join(" ", args).contains("127.0.0.1:" + redis.port()))
      .findFirst().orElseThrow(() -> new AssertionError("no redis-server child on port " + redis.port()));
    assertThat(String.join(" ", arguments)).doesNotContain(password());
    String configFile = Resp.field(send(Request.cmd(Command.INFO).arg("server")).toString(), "config_file");
    String configuration = Files.readString(Path.of(configFile));
    assertThat(configuration).doesNotContain(password()).contains("include ");
    Path users = Path.of(configuration.lines().filter(l -> l.startsWith("include ")).findFirst().orElseThrow().substring(8).trim());
    assertThat(users).doesNotExist();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(users.getParent())))
      .as("the directory the users file is written to").isEqualTo("rwx------");
  }

  /** What every local user can read of a process: its command line. */
  private static List<String> commandLine(long pid) {
    try {
      return List.of(Files.readString(Path.of("/proc/" + pid + "/cmdline")).split("\u0000"));
    } catch (java.io.IOException e) {
      return List.of();
    }
  }

  private static io.vertx.redis.client.Response send(Request request) {
    return client.send(request).await();
  }
}
