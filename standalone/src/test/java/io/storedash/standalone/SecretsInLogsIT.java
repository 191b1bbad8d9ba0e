package io.storedash.standalone;

import io.storedash.common.embedded.EmbeddedPostgresServer;
import io.storedash.common.embedded.EmbeddedRedisServer;
import io.storedash.common.testing.TestCertificates;
import io.storedash.common.testing.TestStorage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Secrets never reach a log line (docs/DESIGN.md §11.6). Every start-up failure path runs in the real process — the
 * service launchers' {@code main} and the standalone's, from their fat jars — with distinctive secret values in
 * PG_PASSWORD, PG_URL, REDIS_PASSWORD, REDIS_URL, CLUSTER_SECRET, ADMIN_TOKEN and OIDC_CLIENT_SECRET, and the whole
 * output of each (stdout and stderr, stack traces included) is searched for them: raw, percent-encoded, or any part
 * that carries the run's nonce. Each case also checks that its failure really happened, so a case that stops earlier
 * for another reason cannot pass by saying nothing.
 */
class SecretsInLogsIT {

  /** In every secret, so that any piece of one that reaches a log is found whatever its encoding. */
  private static final String NONCE = "n" + Long.toString(System.nanoTime(), 36);
  private static final String PG_PASSWORD = "S3cr3t-PG-" + NONCE + "!x";
  private static final String PG_URL_PASSWORD = "S3cr3t-PGURL-" + NONCE;
  private static final String REDIS_PASSWORD = "S3cr3t-REDIS-" + NONCE + "@/x";
  /** A {@code ^} is not allowed in a URI: the Redis client's own parser refuses the URL and used to echo it. */
  private static final String REDIS_URL_PASSWORD = "S3cr3t-REDISURL-" + NONCE + "^x";
  private static final String CLUSTER_SECRET = "S3cr3t-CLUSTER-" + NONCE + "-0123456789abcdef0123456789";
  private static final String ADMIN_TOKEN = "S3cr3t-ADMIN-" + NONCE + "-0123456789";
  private static final String OIDC_CLIENT_SECRET = "S3cr3t-OIDC-" + NONCE + "-0123456789";
  private static final List<String> SECRETS = List.of(PG_PASSWORD, PG_URL_PASSWORD, REDIS_PASSWORD, REDIS_URL_PASSWORD,
    CLUSTER_SECRET, ADMIN_TOKEN, OIDC_CLIENT_SECRET);
  private static final Duration FAILS_WITHIN = Duration.ofSeconds(120);

  private static ServiceProcesses processes;
  private static EmbeddedPostgresServer scramPostgres;
  private static Path scramDirectory;
  /** Accepts connections, and passwords only of the right user: the wrong-password path. */
  private static int scramPort;
  /** A Redis that wants another password than the one configured. */
  private static EmbeddedRedisServer passwordRedis;

  @BeforeAll
  static void start() throws Exception {
    // A clustered service starts only with the event bus's certificates; the secrets every case carries, whatever else
    // it breaks, go on top (this test's own CLUSTER_SECRET among them).
    processes = new ServiceProcesses(TestCertificates.shared().environment(Map.of(
      "CLUSTER_SECRET", CLUSTER_SECRET,
      "ADMIN_TOKEN", ADMIN_TOKEN,
      "CLUSTER_HOST", "127.0.0.1",
      "MANAGEMENT_PORT", "0",
      "WARM_ON_START", "false")), "secrets-in-logs-it");
    scramDirectory = Files.createTempDirectory("storedash-secrets-it-pg");
    scramPostgres = EmbeddedPostgresServer.start(scramDirectory, false, 0);
    scramPort = scramPostgres.port();
    requirePasswords(scramPort);
    // Its user has a password of its own (generated at start); REDIS_PASSWORD replaces it in the URL: WRONGPASS.
    passwordRedis = EmbeddedRedisServer.start(0, "64mb");
  }

  @AfterAll
  static void stop() throws Exception {
    if (processes != null) {
      processes.close();
    }
    if (passwordRedis != null) {
      passwordRedis.close();
    }
    if (scramPostgres != null) {
      scramPostgres.close();
      try (var paths = Files.walk(scramDirectory)) {
        paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @Test
  void aPgUrlTheClientCannotParseNeverLogsThePassword() throws Exception {
    Cases cases = new Cases();
    String badOption = "postgresql://storedash@127.0.0.1:" + TestStorage.freePort() + "/storedash?sslmode=bogus";
    for (String service : List.of("query-service", "monitor-service", "gateway")) {
      cases.fails(service, "bad-sslmode", Map.of("PG_URL", badOption, "PG_PASSWORD", PG_PASSWORD), "PG_URL",
        "connection URI");
    }
    // The password in PG_URL itself, and a host the client refuses.
    cases.fails("query-service", "bad-host", Map.of("PG_URL",
      "postgresql://storedash:" + PG_URL_PASSWORD + "@bad^host:5432/storedash"), "PG_URL", "connection URI");
    // A port out of range, with both passwords (PG_PASSWORD wins).
    cases.fails("query-service", "bad-port", Map.of("PG_URL",
      "postgresql://storedash:" + PG_URL_PASSWORD + "@127.0.0.1:99999/storedash", "PG_PASSWORD", PG_PASSWORD),
      "PG_URL", "connection URI");
    cases.verify();
  }

  @Test
  void aRedisUrlTheClientCannotParseNeverLogsThePassword() throws Exception {
    Cases cases = new Cases();
    String url = "redis://:" + REDIS_URL_PASSWORD + "@127.0.0.1:" + TestStorage.freePort();
    for (String service : List.of("cache-service", "monitor-service")) {
      cases.fails(service, "bad-redis-url", Map.of("REDIS_URL", url, "PG_URL",
        "postgresql://storedash@127.0.0.1:" + TestStorage.freePort() + "/storedash", "PG_PASSWORD", PG_PASSWORD),
        "REDIS_URL", "connection string");
    }
    cases.verify();
  }

  @Test
  void aRefusedConnectionAndAWrongPasswordNeverLogThePassword() throws Exception {
    Cases cases = new Cases();
    cases.fails("query-service", "refused", Map.of("PG_URL",
      "postgresql://storedash@127.0.0.1:" + TestStorage.freePort() + "/storedash", "PG_PASSWORD", PG_PASSWORD),
      "refused");
    cases.fails("query-service", "wrong-password", Map.of("PG_URL",
      "postgresql://storedash@127.0.0.1:" + scramPort + "/postgres", "PG_PASSWORD", PG_PASSWORD),
      "password authentication failed");
    // cache-service keeps running without Redis (degraded): its log of the failure is what is searched.
    cases.runs("cache-service", "redis-refused", Map.of("REDIS_URL", "redis://127.0.0.1:" + TestStorage.freePort(),
      "REDIS_PASSWORD", REDIS_PASSWORD), "Connection refused");
    cases.runs("cache-service", "redis-wrong-password", Map.of("REDIS_URL", passwordRedis.url(),
      "REDIS_PASSWORD", REDIS_PASSWORD), "WRONGPASS");
    cases.verify();
  }

  @Test
  void theStandaloneNeverLogsThePassword() throws Exception {
    Cases cases = new Cases();
    cases.fails("standalone", "standalone-bad-pg-url", Map.of("PG_URL",
      "postgresql://storedash@127.0.0.1:" + TestStorage.freePort() + "/storedash?sslmode=bogus",
      "PG_PASSWORD", PG_PASSWORD), "PG_URL", "connection URI");
    cases.fails("standalone", "standalone-wrong-password", Map.of("PG_URL",
      "postgresql://storedash@127.0.0.1:" + scramPort + "/postgres", "PG_PASSWORD", PG_PASSWORD,
      "REDIS_URL", "redis://127.0.0.1:" + TestStorage.freePort(), "REDIS_PASSWORD", REDIS_PASSWORD),
      "password authentication failed");
    cases.verify();
  }

  @Test
  void badSecretsAreRefusedWithoutBeingEchoed() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("CLUSTER_SECRET", "S3cr3t-CLUSTER-" + NONCE + " with spaces and long enough");
    env.put("ADMIN_TOKEN", "S3cr3t " + NONCE);
    env.put("OIDC_CLIENT_SECRET", OIDC_CLIENT_SECRET);
    env.put("PG_PASSWORD", PG_PASSWORD);
    Cases cases = new Cases();
    cases.fails("query-service", "bad-secrets", env, "CLUSTER_SECRET: expected at least 32 characters");
    cases.verify();
  }

  /** The cases of one test: each is run to its end, and every problem of every case is reported together. */
  private static final class Cases {

    private final List<String> problems = new ArrayList<>();

    /** {@code service} must end by itself, fail, say one of {@code expected}, and log no secret. */
    void fails(String service, String label, Map<String, String> extra, String... expected) throws Exception {
      Process process = start(service, label, extra);
      boolean ended = process.waitFor(FAILS_WITHIN.toMillis(), TimeUnit.MILLISECONDS);
      if (!ended) {
        processes.kill(process);
      }
      String log = processes.log(process);
      String what = service + " " + label;
      if (!ended) {
        problems.add(what + " did not end by itself within " + FAILS_WITHIN);
      } else if (process.exitValue() == 0) {
        problems.add(what + " exited 0");
      }
      check(what, log, expected);
    }

    /**
     * {@code service} keeps running through the failure: once its log says {@code expected} (within
     * {@code FAILS_WITHIN}), it is stopped and its log must have no secret.
     */
    void runs(String service, String label, Map<String, String> extra, String expected) throws Exception {
      Process process = start(service, label, extra);
      long deadline = System.nanoTime() + FAILS_WITHIN.toNanos();
      while (process.isAlive() && System.nanoTime() < deadline && !processes.log(process).contains(expected)) {
        TimeUnit.MILLISECONDS.sleep(200);
      }
      processes.terminate(process, Duration.ofSeconds(30));
      if (process.isAlive()) {
        processes.kill(process);
      }
      check(service + " " + label, processes.log(process), expected);
    }

    private void check(String what, String log, String... expected) {
      List<String> leaks = leaks(log);
      if (!leaks.isEmpty()) {
        problems.add(what + " leaks a secret in " + leaks);
      }
      if (!containsOne(log, expected)) {
        problems.add(what + " does not say why it failed (one of " + List.of(expected) + "):\n" + log);
      }
    }

    void verify() {
      assertThat(problems).as("secrets in logs; logs in " + processes.logs()).isEmpty();
    }
  }

  /** Starts {@code service} with {@code extra} on top of the shared secrets, in a cluster of its own. */
  private static Process start(String service, String label, Map<String, String> extra) throws IOException {
    Map<String, String> env = new HashMap<>(extra);
    env.putIfAbsent("CLUSTER_NAME", "secrets-it-" + ProcessHandle.current().pid() + "-" + label);
    int clusterPort = TestStorage.freePort();
    env.putIfAbsent("CLUSTER_PORT", String.valueOf(clusterPort));
    env.putIfAbsent("CLUSTER_MEMBERS", "127.0.0.1:" + clusterPort);
    env.putIfAbsent("HTTP_PORT", String.valueOf(TestStorage.freePort()));
    // Nothing listens there: no case reaches a Redis of someone else's on the default port.
    env.putIfAbsent("REDIS_URL", "redis://127.0.0.1:" + TestStorage.freePort());
    List<String> args = service.equals("standalone") ? List.of("--no-demo", "--data-dir",
      Files.createTempDirectory("storedash-secrets-it").toString()) : List.of();
    return processes.start(service, service + "-" + label, env, args);
  }

  /** Whether {@code log} names at least one of {@code phrases} (case-insensitive). */
  private static boolean containsOne(String log, String... phrases) {
    String lower = log.toLowerCase(Locale.ROOT);
    for (String phrase : phrases) {
      if (lower.contains(phrase.toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }

  /** The lines of {@code text} with a secret: raw, percent-encoded, or any piece with the nonce or the marker. */
  static List<String> leaks(String text) {
    List<String> found = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.contains(NONCE) || line.toLowerCase(Locale.ROOT).contains("s3cr3t")) {
        found.add(line);
      }
    }
    for (String secret : SECRETS) {
      // Covered by the nonce; spelt out so that the claim "not URL-encoded either" is visible here.
      String encoded = URLEncoder.encode(secret, StandardCharsets.UTF_8);
      if (text.contains(secret) || text.contains(encoded) || text.contains(encoded.replace("+", "%20"))) {
        found.add("(the whole of " + secret + ")");
      }
    }
    return found;
  }

  /** The server asks every user but postgres for a password (SCRAM), and knows a user storedash with another one. */
  private static void requirePasswords(int port) throws Exception {
    String admin = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    try (Connection c = DriverManager.getConnection(admin, "postgres", ""); Statement st = c.createStatement()) {
      st.execute("CREATE ROLE storedash LOGIN PASSWORD 'the-right-one-" + NONCE.length() + "'");
      String hba;
      try (ResultSet rs = st.executeQuery("SHOW hba_file")) {
        rs.next();
        hba = rs.getString(1);
      }
      Files.writeString(Path.of(hba), """
        local all all trust
        host all postgres 127.0.0.1/32 trust
        host all all 127.0.0.1/32 scram-sha-256
        """);
      st.execute("SELECT pg_reload_conf()");
    }
  }
}
