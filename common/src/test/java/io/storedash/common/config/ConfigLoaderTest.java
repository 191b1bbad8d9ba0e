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
}
