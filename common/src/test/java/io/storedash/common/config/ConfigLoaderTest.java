package io.storedash.common.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

  @Test
  void defaultsWorkOnOneMachine() {
    StoreDashConfig config = ConfigLoader.load(Map.of());
    assertThat(config.httpPort()).isEqualTo(8051);
    assertThat(config.pgUrl()).isEmpty();
    assertThat(config.pgUrlOrDefault()).startsWith("postgresql://");
    assertThat(config.clusterMembers()).containsExactly("127.0.0.1");
    assertThat(config.cacheTtlL1()).isEqualTo(Duration.ofMinutes(30));
    assertThat(config.cacheTtlL2()).isEqualTo(Duration.ofMinutes(15));
    assertThat(config.cacheTtlL3()).isEqualTo(Duration.ofMinutes(10));
    assertThat(config.cacheTtlL4()).isEqualTo(Duration.ofMinutes(5));
    assertThat(config.warmParallelism()).isEqualTo(5);
    assertThat(config.warmHotFraction()).isEqualTo(0.2);
    assertThat(config.monitorInterval()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.timezone()).isEqualTo(ZoneId.of("Asia/Shanghai"));
    assertThat(config.adminToken()).isEmpty();
    assertThat(config.managementPort()).isEmpty();
  }

  @Test
  void readsEveryKindOfValue() {
    StoreDashConfig config = ConfigLoader.load(Map.of(
      "HTTP_PORT", "9000",
      "CLUSTER_MEMBERS", "10.0.0.1, 10.0.0.2:5701",
      "CACHE_TTL_L2", "90s",
      "CACHE_L4_MAX_BYTES", "128mb",
      "MONITOR_INTERVAL", "500ms",
      "TIMEZONE", "Europe/Berlin",
      "ADMIN_TOKEN", "0123456789abcdef"));
    assertThat(config.httpPort()).isEqualTo(9000);
    assertThat(config.clusterMembers()).containsExactly("10.0.0.1", "10.0.0.2:5701");
    assertThat(config.cacheTtlL2()).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.cacheL4MaxBytes()).isEqualTo(128L << 20);
    assertThat(config.monitorInterval()).isEqualTo(Duration.ofMillis(500));
    assertThat(config.timezone()).isEqualTo(ZoneId.of("Europe/Berlin"));
    assertThat(config.adminToken()).contains("0123456789abcdef");
  }

  @Test
  void pushTakesA32ByteKeyAndAHostListAndNeverShowsTheKey() {
    String key = java.util.Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes());
    StoreDashConfig config = ConfigLoader.load(Map.of("PUSH_SECRET_KEY", key, "PUSH_ALLOWED_HOSTS", " Hooks.Example.com,127.0.0.1 ",
      "PUSH_RATE_LIMIT", "5", "PUSH_RETRY_BACKOFF", "10s"));
    assertThat(config.push().secretKey().orElseThrow()).hasSize(32);
    assertThat(config.push().allowedHosts()).containsExactlyInAnyOrder("hooks.example.com", "127.0.0.1");
    assertThat(config.push().ratePerMinute()).isEqualTo(5);
    assertThat(config.push().maxAttempts()).isEqualTo(5);
    assertThat(config.toString()).doesNotContain(key);
    assertThat(ConfigLoader.load(Map.of()).push().secretKey()).isEmpty();
    String shortKey = java.util.Base64.getEncoder().encodeToString("too short a key".getBytes());
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("PUSH_SECRET_KEY", shortKey, "PUSH_ALLOWED_HOSTS", "a b")))
      .isInstanceOf(ConfigException.class)
      .hasMessageContaining("PUSH_SECRET_KEY: expected 32 bytes").hasMessageContaining("PUSH_ALLOWED_HOSTS")
      .hasMessageNotContaining(shortKey);
  }

  @Test
  void aBadValueNamesItsVariable() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("HTTP_PORT", "eighty")))
      .isInstanceOf(ConfigException.class)
      .hasMessageContaining("HTTP_PORT")
      .hasMessageContaining("'eighty'");
  }

  @Test
  void everyBadValueIsReportedAtOnce() {
    ConfigException e = (ConfigException) org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
      () -> ConfigLoader.load(Map.of(
        "HTTP_PORT", "70000",
        "CACHE_TTL_L1", "forever",
        "WARM_HOT_FRACTION", "1.5",
        "TIMEZONE", "Mars/Olympus",
        "PG_URL", "mysql://u:secret@h/db",
        "ADMIN_TOKEN", "short")));
    assertThat(e.problems()).hasSize(6);
    assertThat(e.getMessage())
      .contains("HTTP_PORT", "CACHE_TTL_L1", "WARM_HOT_FRACTION", "TIMEZONE", "PG_URL", "ADMIN_TOKEN")
      .doesNotContain("secret");
  }

  @Test
  void redisUrlMayNameOneServerASentinelSetOrACluster() {
    for (String url : List.of("redis://127.0.0.1:6379", "rediss://:pw@cache:6380/1", "unix:///run/redis.sock",
      "redis-sentinel://:pw@10.0.0.1:26379,10.0.0.2:26379/storedash", "redis-cluster://10.0.0.1:7000,10.0.0.2:7001")) {
      assertThat(ConfigLoader.load(Map.of("REDIS_URL", url)).redisUrl()).contains(url);
    }
  }

  @Test
  void aBadRedisUrlStopsStartUpSayingWhatItExpects() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("REDIS_URL", "redis-sentinel://:secret@h1:26379,h2:26379")))
      .isInstanceOf(ConfigException.class)
      .hasMessageContaining("REDIS_URL: expected redis://")
      .hasMessageContaining("redis-sentinel://[[user]:password@]host:port[,host:port...]/master-name[/db]")
      .hasMessageContaining("redis-cluster://")
      .hasMessageContaining("(the master name is missing")
      .hasMessageContaining("'redis-sentinel://:***@h1:26379,h2:26379'")
      .hasMessageNotContaining("secret");
    ConfigException e = (ConfigException) org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
      () -> ConfigLoader.load(Map.of("REDIS_URL", "redis-cluster://h1:7000/5", "HTTP_PORT", "0")));
    assertThat(e.problems()).hasSize(2);
    assertThat(e.problems().get(0) + e.problems().get(1)).contains("REDIS_URL", "only database 0", "HTTP_PORT");
  }

  @Test
  void yamlFileGivesDefaultsThatTheEnvironmentOverrides(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("storedash.yaml");
    Files.writeString(file, "http_port: 8100\nCACHE_TTL_L3: 20m\ncluster_members:\n  - 10.1.0.1\n  - 10.1.0.2\n");
    StoreDashConfig config = ConfigLoader.load(Map.of(
      ConfigLoader.CONFIG_FILE_VARIABLE, file.toString(),
      "HTTP_PORT", "8200"));
    assertThat(config.httpPort()).isEqualTo(8200);
    assertThat(config.cacheTtlL3()).isEqualTo(Duration.ofMinutes(20));
    assertThat(config.clusterMembers()).isEqualTo(List.of("10.1.0.1", "10.1.0.2"));
  }

  @Test
  void unknownYamlKeysAreRefused(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("storedash.yaml");
    Files.writeString(file, "HTTP_PROT: 8100\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(ConfigLoader.CONFIG_FILE_VARIABLE, file.toString())))
      .isInstanceOf(ConfigException.class)
      .hasMessageContaining("unknown key 'HTTP_PROT'");
  }

  @Test
  void aMissingFileIsNamed() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(ConfigLoader.CONFIG_FILE_VARIABLE, "/nonexistent/x.yaml")))
      .isInstanceOf(ConfigException.class)
      .hasMessageContaining("STOREDASH_CONFIG")
      .hasMessageContaining("/nonexistent/x.yaml");
  }

  @Test
  void pgPasswordFromASecretGoesIntoTheUrlEncoded() {
    StoreDashConfig config = ConfigLoader.load(Map.of(
      "PG_URL", "postgresql://storedash@db.internal:5432/storedash",
      "PG_PASSWORD", "p@ss:w/rd %x"));
    assertThat(config.pgUrl()).contains("postgresql://storedash:p%40ss%3Aw%2Frd%20%25x@db.internal:5432/storedash");
    assertThat(io.vertx.pgclient.PgConnectOptions.fromUri(config.pgUrl().orElseThrow()).getPassword()).isEqualTo("p@ss:w/rd %x");
    // A password already in the URL is replaced, not kept beside the new one.
    assertThat(ConfigLoader.load(Map.of("PG_URL", "postgresql://u:old@h/db", "PG_PASSWORD", "new")).pgUrl())
      .contains("postgresql://u:new@h/db");
  }

  @Test
  void pgPasswordNeedsAUrlWithAUser() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("PG_PASSWORD", "secret")))
      .hasMessageContaining("PG_PASSWORD: needs PG_URL");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("PG_URL", "postgresql://db/storedash", "PG_PASSWORD", "secret")))
      .hasMessageContaining("PG_PASSWORD: PG_URL must name a user")
      .hasMessageNotContaining("secret");
  }

  @Test
  void clusterMembersByDnsOrByListNotBoth() {
    StoreDashConfig config = ConfigLoader.load(Map.of("CLUSTER_SERVICE_DNS", "storedash-cluster.shop.svc.cluster.local"));
    assertThat(config.clusterServiceDns()).contains("storedash-cluster.shop.svc.cluster.local");
    assertThat(ConfigLoader.load(Map.of()).clusterServiceDns()).isEmpty();
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("CLUSTER_SERVICE_DNS", "a.b", "CLUSTER_MEMBERS", "10.0.0.1")))
      .hasMessageContaining("CLUSTER_SERVICE_DNS: set either");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("CLUSTER_SERVICE_DNS", "bad name!")))
      .hasMessageContaining("CLUSTER_SERVICE_DNS: expected a host name");
  }

  @Test
  void sessionsAndLockoutHaveSafeDefaultsAndCanBeTuned() {
    assertThat(ConfigLoader.load(Map.of()).signIn()).isEqualTo(SignInPolicy.DEFAULT);
    assertThat(SignInPolicy.DEFAULT).isEqualTo(new SignInPolicy(Duration.ofMinutes(30), Duration.ofHours(12), false, 5, 20,
      Duration.ofMinutes(15)));
    SignInPolicy tuned = ConfigLoader.load(Map.of("SESSION_IDLE_TIMEOUT", "10m", "SESSION_MAX_AGE", "8h",
      "SESSION_COOKIE_SECURE", "true", "SIGN_IN_USER_LIMIT", "3", "SIGN_IN_ADDRESS_LIMIT", "50", "SIGN_IN_LOCKOUT", "1h")).signIn();
    assertThat(tuned).isEqualTo(new SignInPolicy(Duration.ofMinutes(10), Duration.ofHours(8), true, 3, 50, Duration.ofHours(1)));
  }

  @Test
  void aSessionCannotIdleLongerThanItMayLiveAndLimitsArePositive() {
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("SESSION_IDLE_TIMEOUT", "2h", "SESSION_MAX_AGE", "1h")))
      .hasMessageContaining("SESSION_IDLE_TIMEOUT: must not be longer than SESSION_MAX_AGE");
    ConfigException e = (ConfigException) org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
      () -> ConfigLoader.load(Map.of("SIGN_IN_USER_LIMIT", "0", "SIGN_IN_ADDRESS_LIMIT", "many", "SESSION_COOKIE_SECURE", "maybe",
        "SIGN_IN_LOCKOUT", "0s")));
    assertThat(e.problems()).hasSize(4);
    assertThat(e.getMessage()).contains("SIGN_IN_USER_LIMIT", "SIGN_IN_ADDRESS_LIMIT", "SESSION_COOKIE_SECURE", "SIGN_IN_LOCKOUT");
  }

  // ---- Single sign-on ----

  private static final Map<String, String> OIDC = Map.of(
    "OIDC_ISSUER", "https://sso.example.com/realms/shop",
    "OIDC_CLIENT_ID", "storedash",
    "OIDC_CLIENT_SECRET", "0123456789abcdef-secret",
    "OIDC_REDIRECT_URI", "https://dash.example.com/api/v1/session/oidc/callback");

  @Test
  void singleSignOnIsOffUntilAnIssuerIsSet() {
    assertThat(ConfigLoader.load(Map.of()).oidc()).isEmpty();
  }

  @Test
  void singleSignOnReadsTheClientAndDefaultsTheClaims() {
    OidcConfig oidc = ConfigLoader.load(OIDC).oidc().orElseThrow();
    assertThat(oidc.issuer()).isEqualTo("https://sso.example.com/realms/shop");
    assertThat(oidc.clientId()).isEqualTo("storedash");
    assertThat(oidc.clientSecret()).isEqualTo("0123456789abcdef-secret");
    assertThat(oidc.redirectUri()).isEqualTo("https://dash.example.com/api/v1/session/oidc/callback");
    assertThat(oidc.roleClaim()).isEqualTo("storedash_role");
    assertThat(oidc.storesClaim()).isEqualTo("storedash_stores");
    assertThat(oidc.citiesClaim()).isEqualTo("storedash_cities");
    assertThat(oidc.usernameClaim()).isEqualTo("preferred_username");
    assertThat(oidc.toString()).doesNotContain("secret");
  }

  @Test
  void singleSignOnClaimNamesCanBeChanged() {
    Map<String, String> env = new java.util.HashMap<>(OIDC);
    env.putAll(Map.of("OIDC_ROLE_CLAIM", "extension_role", "OIDC_STORES_CLAIM", "stores", "OIDC_CITIES_CLAIM",
      "https://storedash/cities", "OIDC_USERNAME_CLAIM", "email"));
    OidcConfig oidc = ConfigLoader.load(env).oidc().orElseThrow();
    assertThat(oidc.roleClaim()).isEqualTo("extension_role");
    assertThat(oidc.storesClaim()).isEqualTo("stores");
    assertThat(oidc.citiesClaim()).isEqualTo("https://storedash/cities");
    assertThat(oidc.usernameClaim()).isEqualTo("email");
  }

  @Test
  void anIssuerMustBeHttpsExceptOnLoopback() {
    Map<String, String> env = new java.util.HashMap<>(OIDC);
    env.put("OIDC_ISSUER", "http://127.0.0.1:8765/default");
    assertThat(ConfigLoader.load(env).oidc().orElseThrow().issuer()).isEqualTo("http://127.0.0.1:8765/default");
    env.put("OIDC_ISSUER", "http://localhost:8765/default");
    assertThat(ConfigLoader.load(env).oidc()).isPresent();
    for (String bad : List.of("http://sso.example.com/realms/shop", "sso.example.com", "ftp://sso.example.com",
      "https://sso.example.com/?tenant=1")) {
      env.put("OIDC_ISSUER", bad);
      assertThatThrownBy(() -> ConfigLoader.load(env))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("OIDC_ISSUER: expected an https URL");
    }
  }

  @Test
  void anIssuerNeedsItsClientAndAClientNeedsItsIssuer() {
    ConfigException missing = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
      () -> ConfigLoader.load(Map.of("OIDC_ISSUER", "https://sso.example.com")));
    assertThat(missing.problems()).containsExactlyInAnyOrder(
      "OIDC_CLIENT_ID: required when OIDC_ISSUER is set",
      "OIDC_CLIENT_SECRET: required when OIDC_ISSUER is set",
      "OIDC_REDIRECT_URI: required when OIDC_ISSUER is set");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("OIDC_CLIENT_ID", "storedash")))
      .hasMessageContaining("OIDC_CLIENT_ID: needs OIDC_ISSUER");
  }

  @Test
  void badSingleSignOnValuesAreNamedWithoutTheSecret() {
    Map<String, String> env = new java.util.HashMap<>(OIDC);
    env.put("OIDC_CLIENT_SECRET", "tooshort");
    env.put("OIDC_REDIRECT_URI", "https://dash.example.com/callback");
    env.put("OIDC_ROLE_CLAIM", "role claim");
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> ConfigLoader.load(env));
    assertThat(e.problems()).hasSize(3);
    assertThat(e.getMessage())
      .contains("OIDC_CLIENT_SECRET: expected the client secret", "OIDC_REDIRECT_URI: expected the public URL of the gateway's /api/v1/session/oidc/callback", "OIDC_ROLE_CLAIM")
      .doesNotContain("tooshort");
  }

  // ---- Locking the cluster and limits (issue 17) ----

  private static final String CLUSTER_SECRET = "0123456789abcdef0123456789abcdef";

  @Test
  void clusterSecretNeedsThirtyTwoCharactersWithoutSpacesAndIsNeverEchoed() {
    assertThat(ConfigLoader.load(Map.of()).security().secret()).isEmpty();
    assertThat(ConfigLoader.load(Map.of("CLUSTER_SECRET", CLUSTER_SECRET)).security().secret()).contains(CLUSTER_SECRET);
    // Surrounding spaces (a secret file's newline) are trimmed like every value's.
    assertThat(ConfigLoader.load(Map.of("CLUSTER_SECRET", CLUSTER_SECRET + "\n")).security().secret()).contains(CLUSTER_SECRET);
    for (String bad : List.of("Short-cluster-secret-31-chars-x", "Spaced cluster secret of 40 chars xxxxx", "Tab\tcluster-secret-of-32-chars-xxxxx")) {
      ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
        () -> ConfigLoader.load(Map.of("CLUSTER_SECRET", bad)));
      assertThat(e.problems()).containsExactly(
        "CLUSTER_SECRET: expected at least 32 characters without spaces (e.g. openssl rand -hex 32)");
      assertThat(e.getMessage()).doesNotContain(bad).doesNotContain("cluster-secret").doesNotContain("cluster secret");
    }
  }

  @Test
  void eventBusTlsNeedsAllThreeFilesOrNone(@TempDir Path dir) throws IOException {
    Path cert = Files.writeString(dir.resolve("member.crt"), "-----BEGIN CERTIFICATE-----\nMIIB-cert-content\n");
    Path key = Files.writeString(dir.resolve("member.key"), "-----BEGIN PRIVATE KEY-----\nMIIE-KEY-CONTENT\n");
    Path ca = Files.writeString(dir.resolve("ca.crt"), "-----BEGIN CERTIFICATE-----\nMIIB-ca-content\n");
    ClusterSecurity security = ConfigLoader.load(Map.of("EVENTBUS_TLS_CERT", cert.toString(), "EVENTBUS_TLS_KEY",
      key.toString(), "EVENTBUS_TLS_CA", ca.toString())).security();
    assertThat(security.tls()).contains(new ClusterSecurity.EventBusTls(cert, key, ca));
    assertThat(ConfigLoader.load(Map.of()).security().tls()).isEmpty();

    ConfigException one = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
      () -> ConfigLoader.load(Map.of("EVENTBUS_TLS_KEY", key.toString())));
    assertThat(one.problems()).containsExactly(
      "EVENTBUS_TLS_CERT, EVENTBUS_TLS_KEY, EVENTBUS_TLS_CA: set all three or none (missing: [EVENTBUS_TLS_CERT, EVENTBUS_TLS_CA])");
    // Blank counts as unset.
    assertThat(ConfigLoader.load(Map.of("EVENTBUS_TLS_CERT", " ", "EVENTBUS_TLS_KEY", "", "EVENTBUS_TLS_CA", " "))
      .security().tls()).isEmpty();
  }

  @Test
  void anUnreadableTlsFileIsNamedByItsPathNeverByItsContent(@TempDir Path dir) throws IOException {
    Path key = Files.writeString(dir.resolve("member.key"), "-----BEGIN PRIVATE KEY-----\nMIIE-KEY-CONTENT\n");
    Path missing = dir.resolve("missing.crt");
    Path directory = Files.createDirectory(dir.resolve("ca.d"));
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
      () -> ConfigLoader.load(Map.of("EVENTBUS_TLS_CERT", missing.toString(), "EVENTBUS_TLS_KEY", key.toString(),
        "EVENTBUS_TLS_CA", directory.toString())));
    assertThat(e.problems()).containsExactlyInAnyOrder(
      "EVENTBUS_TLS_CERT: expected a readable PEM file, '" + missing + "' is not one",
      "EVENTBUS_TLS_CA: expected a readable PEM file, '" + directory + "' is not one");
    assertThat(e.getMessage()).doesNotContain("KEY-CONTENT");
    // A file this process may not read (not testable as root, who reads everything).
    Path locked = Files.writeString(dir.resolve("locked.key"), "-----BEGIN PRIVATE KEY-----\nLOCKED-CONTENT\n");
    if (locked.toFile().setReadable(false, false) && !Files.isReadable(locked)) {
      ConfigException unreadable = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
        () -> ConfigLoader.load(Map.of("EVENTBUS_TLS_CERT", key.toString(), "EVENTBUS_TLS_KEY", locked.toString(),
          "EVENTBUS_TLS_CA", key.toString())));
      assertThat(unreadable.problems()).containsExactly(
        "EVENTBUS_TLS_KEY: expected a readable PEM file, '" + locked + "' is not one");
    }
  }

  @Test
  void eventBusPortIsAPortOrZeroForAnyFreeOne() {
    assertThat(ConfigLoader.load(Map.of()).security().eventBusPort()).isZero();
    assertThat(ConfigLoader.load(Map.of("EVENTBUS_PORT", "0")).security().eventBusPort()).isZero();
    assertThat(ConfigLoader.load(Map.of("EVENTBUS_PORT", "65535")).security().eventBusPort()).isEqualTo(65535);
    assertThat(ConfigLoader.load(Map.of("EVENTBUS_PORT", "5702")).security().eventBusPort()).isEqualTo(5702);
    for (String bad : List.of("-1", "65536", "tls")) {
      assertThatThrownBy(() -> ConfigLoader.load(Map.of("EVENTBUS_PORT", bad)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("EVENTBUS_PORT: expected a whole number from 0 to 65535");
    }
  }

  /** Has every character class that needs encoding in a URL: @ : / space % ^ + and a non-ASCII letter. */
  private static final String REDIS_PASSWORD = "p@ss:w/rd %x^+é*~";

  @Test
  void redisPasswordGoesIntoEveryKindOfRedisUrlAndTheClientReadsItBack() {
    Map<String, String> userOf = new java.util.LinkedHashMap<>();
    userOf.put("redis://cache:6379", null);
    userOf.put("redis://alice@cache:6379/2", "alice");
    userOf.put("redis://alice:old@cache:6379", "alice");
    userOf.put("redis://:old@cache:6379?db=3", null);
    userOf.put("rediss://cache:6380", null);
    userOf.put("rediss://alice@cache:6380/1", "alice");
    userOf.put("redis-sentinel://10.0.0.1:26379,10.0.0.2:26379/mymaster/1", null);
    userOf.put("redis-sentinel://alice:old@10.0.0.1:26379/mymaster", "alice");
    userOf.put("redis-cluster://10.0.0.1:7000,10.0.0.2:7001", null);
    userOf.put("redis-cluster://alice@10.0.0.1:7000", "alice");
    userOf.put("redis://[::1]:6379", null);
    userOf.put("unix:///run/redis.sock", null);
    userOf.put("unix:///run/redis.sock?db=1&password=old", null);
    userOf.forEach((url, user) -> {
      String merged = ConfigLoader.load(Map.of("REDIS_URL", url, "REDIS_PASSWORD", REDIS_PASSWORD)).redisUrl().orElseThrow();
      assertThat(merged).as(url).doesNotContain(REDIS_PASSWORD).doesNotContain("old");
      io.storedash.common.redis.RedisEndpoints endpoints = io.storedash.common.redis.RedisEndpoints.parse(merged);
      assertThat(endpoints.describe()).as(url).doesNotContain("p%40ss");
      for (String connectionString : endpoints.connectionStrings()) {
        // The Vert.x Redis client's own parser: what it will send with AUTH.
        io.vertx.redis.client.impl.RedisURI uri = new io.vertx.redis.client.impl.RedisURI(connectionString);
        assertThat(uri.password()).as(connectionString).isEqualTo(REDIS_PASSWORD);
        assertThat(uri.user()).as(connectionString).isEqualTo(user);
      }
    });
    // Without REDIS_PASSWORD the URL is kept as it is.
    assertThat(ConfigLoader.load(Map.of("REDIS_URL", "redis://:inline@cache:6379")).redisUrl())
      .contains("redis://:inline@cache:6379");
  }

  @Test
  void redisPasswordNeedsARedisUrlAndIsNeverEchoed() {
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
      () -> ConfigLoader.load(Map.of("REDIS_PASSWORD", "Redis-password-never-echoed")));
    assertThat(e.problems()).containsExactly(
      "REDIS_PASSWORD: needs REDIS_URL (redis://host:port) to say which server it is for");
    assertThat(e.getMessage()).doesNotContain("never-echoed");
    // With a REDIS_URL that is itself wrong, the URL is named, the password is not.
    ConfigException bad = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
      () -> ConfigLoader.load(Map.of("REDIS_URL", "redis-sentinel://cache:26379", "REDIS_PASSWORD", "Redis-password-never-echoed")));
    assertThat(bad.getMessage()).contains("REDIS_URL: expected redis://").doesNotContain("never-echoed");
  }

  @Test
  void managementServerAndStreamLimitsHaveSafeDefaultsAndRanges() {
    ServerLimits defaults = ConfigLoader.load(Map.of()).limits();
    assertThat(defaults).isEqualTo(new ServerLimits("127.0.0.1", 64, 1000, 32));
    assertThat(ConfigLoader.load(Map.of("MANAGEMENT_HOST", "0.0.0.0", "MANAGEMENT_MAX_CONNECTIONS", "100000",
      "SSE_MAX_STREAMS", "1000000", "SSE_MAX_STREAMS_PER_ADDRESS", "1")).limits())
      .isEqualTo(new ServerLimits("0.0.0.0", 100_000, 1_000_000, 1));
    assertThat(ConfigLoader.load(Map.of("MANAGEMENT_HOST", "storedash-0.storedash.shop.svc")).limits().managementHost())
      .isEqualTo("storedash-0.storedash.shop.svc");
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
      () -> ConfigLoader.load(Map.of("MANAGEMENT_HOST", "every interface", "MANAGEMENT_MAX_CONNECTIONS", "0",
        "SSE_MAX_STREAMS", "1000001", "SSE_MAX_STREAMS_PER_ADDRESS", "-1")));
    assertThat(e.problems()).containsExactlyInAnyOrder(
      "MANAGEMENT_HOST: expected a host name or IP address, got 'every interface'",
      "MANAGEMENT_MAX_CONNECTIONS: expected a whole number from 1 to 100000, got 0",
      "SSE_MAX_STREAMS: expected a whole number from 1 to 1000000, got 1000001",
      "SSE_MAX_STREAMS_PER_ADDRESS: expected a whole number from 1 to 1000000, got -1");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("MANAGEMENT_MAX_CONNECTIONS", "100001", "SSE_MAX_STREAMS", "0")))
      .hasMessageContaining("MANAGEMENT_MAX_CONNECTIONS: expected a whole number from 1 to 100000, got 100001")
      .hasMessageContaining("SSE_MAX_STREAMS: expected a whole number from 1 to 1000000, got 0");
  }

  // ---- Secrets in messages (docs/DESIGN.md §11.6) ----

  @Test
  void aPgUrlThePostgresClientRefusesStopsStartUpInOneSentenceWithoutThePassword() {
    Map<String, String> causeOf = Map.of(
      "postgresql://storedash@db:5432/storedash?sslmode=bogus", "Could not find an appropriate SSL mode for the value [bogus]",
      "postgresql://storedash@bad^host:5432/storedash", "Wrong syntax of connection URI",
      "postgresql://storedash@db:99999/storedash", "The port can only range in 1-65535",
      "postgresql://storedash@db:5432/storedash?connect_timeout", "Missing delimiter '='");
    causeOf.forEach((url, cause) -> {
      for (Map<String, String> env : List.of(
        Map.of("PG_URL", url, "PG_PASSWORD", "Pg-password-from-a-secret!"),
        Map.of("PG_URL", url.replace("storedash@", "storedash:Pg-password-in-the-url@")))) {
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> ConfigLoader.load(env));
        assertThat(e.problems()).as(url).hasSize(1);
        assertThat(e.problems().get(0)).as(url)
          .startsWith("PG_URL: the PostgreSQL client cannot read it (" + cause)
          .contains("expected postgresql://user[:password]@host[:port]/database")
          .doesNotContain("Pg-password").doesNotContain("Pg-password-from-a-secret%21");
      }
    });
    // What the client reads is accepted, options and all.
    assertThat(ConfigLoader.load(Map.of("PG_URL", "postgresql://storedash@db:5432/storedash?sslmode=require&application_name=sd",
      "PG_PASSWORD", "Pg-password-from-a-secret!")).pgUrl()).isPresent();
  }

  @Test
  void aRedisUrlTheRedisClientRefusesStopsStartUpWithoutThePassword() {
    ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
      () -> ConfigLoader.load(Map.of("REDIS_URL", "redis://:Redis-pass^word@cache:6379")));
    assertThat(e.problems()).containsExactly("REDIS_URL: the Redis client cannot read it (Illegal character in authority "
      + "at index 8); percent-encode special characters in the user and password (e.g. ^ as %5E, @ as %40)");
    // A host name java.net.URI takes for a registry name: RedisEndpoints accepts it, the client does not.
    assertThatThrownBy(() -> ConfigLoader.load(Map.of("REDIS_URL", "redis://:Redis-password@redis_cache:6379")))
      .hasMessageStartingWith("bad configuration: REDIS_URL: the Redis client cannot read it")
      .hasMessageNotContaining("Redis-password");
  }

  @Test
  void aYamlFileThatIsNotYamlIsNamedByLineNotByItsText(@TempDir Path dir) throws IOException {
    Path file = dir.resolve("storedash.yaml");
    Files.writeString(file, "http_port: 8100\npg_password: \"Yaml-password\" trailing\n");
    assertThatThrownBy(() -> ConfigLoader.load(Map.of(ConfigLoader.CONFIG_FILE_VARIABLE, file.toString())))
      .isInstanceOf(ConfigException.class)
      .hasMessageContaining("is not valid YAML (")
      .hasMessageContaining("at line 2, column ")
      .hasMessageNotContaining("Yaml-password");
  }

  @Test
  void everySecretTheConfigurationHoldsIsRedactedFromThenOn() {
    Map<String, String> env = new java.util.HashMap<>(OIDC);
    env.putAll(Map.of("PG_URL", "postgresql://storedash:Pg-url-password-1@db:5432/storedash?password=Pg-query-password-1",
      "REDIS_URL", "redis://:Redis-url-password-1@cache:6379", "ADMIN_TOKEN", "Admin-token-0123456789",
      "CLUSTER_SECRET", "Cluster-secret-0123456789abcdef0123456789"));
    StoreDashConfig config = ConfigLoader.load(env);
    String text = "Pg-url-password-1 Pg-query-password-1 Redis-url-password-1 Admin-token-0123456789 "
      + "Cluster-secret-0123456789abcdef0123456789 0123456789abcdef-secret";
    assertThat(io.storedash.common.security.Redaction.redact(text)).isEqualTo("*** *** *** *** *** ***");
    // A value that is refused is a secret all the same.
    org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class,
      () -> ConfigLoader.load(Map.of("CLUSTER_SECRET", "Refused cluster secret with spaces")));
    assertThat(io.storedash.common.security.Redaction.redact("Refused cluster secret with spaces")).isEqualTo("***");
    // The configuration's own text (it may end up in a log) has none of them.
    assertThat(config.toString()).doesNotContain("Pg-url-password-1", "Pg-query-password-1", "Redis-url-password-1",
      "Admin-token", "Cluster-secret", "0123456789abcdef-secret")
      .contains("adminToken=Optional[***]", "secret=Optional[***]", "postgresql://storedash:***@db:5432");
  }

  /** Issue 18's load policy: the defaults, and CACHE_FAILURE_TTL 0 turning the failure cache off (DESIGN.md §12.3). */
  @Test
  void admissionBudgetsAndTheFailureTtl() {
    LoadPolicy defaults = ConfigLoader.load(Map.of()).load();
    assertThat(defaults.admissionBudget()).isEqualTo(64);
    assertThat(defaults.admissionClientBudget()).isEqualTo(16);
    assertThat(defaults.cacheFailureTtl()).isEqualTo(java.time.Duration.ofSeconds(2));
    assertThat(ConfigLoader.load(Map.of("CACHE_FAILURE_TTL", "0")).load().cacheFailureTtl()).isZero();
    assertThat(ConfigLoader.load(Map.of("CACHE_FAILURE_TTL", "0ms")).load().cacheFailureTtl()).isZero();
    assertThat(ConfigLoader.load(Map.of("CACHE_FAILURE_TTL", "500ms")).load().cacheFailureTtl()).isEqualTo(java.time.Duration.ofMillis(500));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigLoader.load(Map.of("ADMISSION_CLIENT_BUDGET", "0")))
      .hasMessageContaining("ADMISSION_CLIENT_BUDGET");
  }

  /** Issue 19's export bound: a million rows by default, at most what an .xlsx sheet holds (DESIGN.md §13.1). */
  @Test
  void exportMaxRows() {
    assertThat(ConfigLoader.load(Map.of()).load().exportMaxRows()).isEqualTo(1_000_000);
    assertThat(ConfigLoader.load(Map.of("EXPORT_MAX_ROWS", "1048575")).load().exportMaxRows()).isEqualTo(1_048_575);
    for (String wrong : List.of("0", "1048576", "lots")) {
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> ConfigLoader.load(Map.of("EXPORT_MAX_ROWS", wrong)))
        .as(wrong).hasMessageContaining("EXPORT_MAX_ROWS");
    }
  }
}
