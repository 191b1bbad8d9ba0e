package io.storedash.common.config;

import io.storedash.common.security.Redaction;

import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import java.util.StringJoiner;

/**
 * The validated configuration of a StoreDash process, read by {@link ConfigLoader} from environment variables and
 * an optional YAML file. Each component is named after its variable.
 *
 * @param pgUrl            PG_URL, absent when not configured (standalone then starts an embedded server)
 * @param redisUrl         REDIS_URL, absent when not configured: one server, a Sentinel set or a Redis Cluster (see
 *                         {@link io.storedash.common.redis.RedisEndpoints}), checked at start-up
 * @param managementPort   MANAGEMENT_PORT, absent for the service's own default
 * @param clusterServiceDns CLUSTER_SERVICE_DNS: when present, members are found by resolving this name (every
 *                          address it has) instead of from CLUSTER_MEMBERS — a headless Service in Kubernetes, a
 *                          network alias in compose
 * @param httpIdleTimeout  HTTP_IDLE_TIMEOUT: the gateway closes a connection on which nothing moved for this long
 * @param httpSlowClientTimeout HTTP_SLOW_CLIENT_TIMEOUT: the gateway's patience with a slow client — a new
 *                         connection's request line and headers, and the body of a small request, must arrive within
 *                         it; an import upload must deliver at least 4 KiB/s over every such window
 * @param signIn           SESSION_IDLE_TIMEOUT, SESSION_MAX_AGE, SESSION_COOKIE_SECURE, SIGN_IN_USER_LIMIT,
 *                         SIGN_IN_ADDRESS_LIMIT and SIGN_IN_LOCKOUT: the gateway's sessions and sign-in lockout
 * @param security         CLUSTER_SECRET, EVENTBUS_TLS_* and EVENTBUS_PORT: how a member proves it belongs
 * @param limits           MANAGEMENT_HOST, MANAGEMENT_MAX_CONNECTIONS, SSE_MAX_STREAMS, SSE_MAX_STREAMS_PER_ADDRESS
 * @param load             ACCESS_LOG*, ADMISSION_*, CACHE_FAILURE_TTL, PG_READ_URL: keeping fast under load
 * @param actions          ACTIONS_WARM_AT and CACHE_TTL_ACTIONS: the 今日必做 list's morning warm-up and cache TTL
 * @param oidc             single sign-on, present when OIDC_ISSUER is set (OIDC_* variables, {@link OidcConfig})
 * @param push             PUSH_*: webhooks, their sealed secrets, retries and rate limit ({@link PushPolicy})
 */
public record StoreDashConfig(
  Optional<String> pgUrl,
  Optional<String> redisUrl,
  int httpPort,
  Optional<Integer> managementPort,
  String clusterHost,
  int clusterPort,
  List<String> clusterMembers,
  String clusterName,
  Duration cacheTtlL1,
  Duration cacheTtlL2,
  Duration cacheTtlL3,
  Duration cacheTtlL4,
  long cacheL4MaxBytes,
  int warmParallelism,
  double warmHotFraction,
  boolean warmOnStart,
  Duration monitorInterval,
  Duration heartbeatInterval,
  Optional<String> adminToken,
  ZoneId timezone,
  Duration requestTimeout,
  int pgPoolSize,
  Optional<String> clusterServiceDns,
  Duration httpIdleTimeout,
  Duration httpSlowClientTimeout,
  SignInPolicy signIn,
  ClusterSecurity security,
  ServerLimits limits,
  LoadPolicy load,
  ActionsPolicy actions,
  // Single sign-on (OIDC_*): kept in one piece.
  Optional<OidcConfig> oidc,
  // Push (PUSH_*): kept last and in one piece.
  PushPolicy push) {

  /** CLUSTER_HOST value that means: this machine's own (first non-loopback) address, as in containers. */
  public static final String AUTO_HOST = "auto";

  /** Used by a service process when PG_URL is not set: a PostgreSQL on this machine. */
  public static final String DEFAULT_PG_URL = "postgresql://storedash:storedash@127.0.0.1:5432/storedash";
  /** Used by a service process when REDIS_URL is not set: a Redis on this machine. */
  public static final String DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

  public String pgUrlOrDefault() {
    return pgUrl.orElse(DEFAULT_PG_URL);
  }

  public String redisUrlOrDefault() {
    return redisUrl.orElse(DEFAULT_REDIS_URL);
  }

  public int managementPortOr(int serviceDefault) {
    return managementPort.orElse(serviceDefault);
  }

  public StoreDashConfig withStorage(String pgUrl, String redisUrl) {
    return new StoreDashConfig(Optional.of(pgUrl), Optional.of(redisUrl), httpPort, managementPort, clusterHost,
      clusterPort, clusterMembers, clusterName, cacheTtlL1, cacheTtlL2, cacheTtlL3, cacheTtlL4, cacheL4MaxBytes,
      warmParallelism, warmHotFraction, warmOnStart, monitorInterval, heartbeatInterval, adminToken, timezone, requestTimeout,
      pgPoolSize, clusterServiceDns, httpIdleTimeout, httpSlowClientTimeout, signIn,
      security, limits, load, actions, oidc, push);
  }

  public StoreDashConfig withPorts(int httpPort, int managementPort) {
    return new StoreDashConfig(pgUrl, redisUrl, httpPort, Optional.of(managementPort), clusterHost,
      clusterPort, clusterMembers, clusterName, cacheTtlL1, cacheTtlL2, cacheTtlL3, cacheTtlL4, cacheL4MaxBytes,
      warmParallelism, warmHotFraction, warmOnStart, monitorInterval, heartbeatInterval, adminToken, timezone, requestTimeout,
      pgPoolSize, clusterServiceDns, httpIdleTimeout, httpSlowClientTimeout, signIn,
      security, limits, load, actions, oidc, push);
  }

  /** The standalone's push key, kept in its data directory when PUSH_SECRET_KEY is not set. */
  public StoreDashConfig withPushKey(byte[] key) {
    return new StoreDashConfig(pgUrl, redisUrl, httpPort, managementPort, clusterHost,
      clusterPort, clusterMembers, clusterName, cacheTtlL1, cacheTtlL2, cacheTtlL3, cacheTtlL4, cacheL4MaxBytes,
      warmParallelism, warmHotFraction, warmOnStart, monitorInterval, heartbeatInterval, adminToken, timezone, requestTimeout,
      pgPoolSize, clusterServiceDns, httpIdleTimeout, httpSlowClientTimeout, signIn,
      security, limits, load, actions, oidc, push.withSecretKey(key));
  }

  public StoreDashConfig withSecurity(ClusterSecurity security) {
    return new StoreDashConfig(pgUrl, redisUrl, httpPort, managementPort, clusterHost,
      clusterPort, clusterMembers, clusterName, cacheTtlL1, cacheTtlL2, cacheTtlL3, cacheTtlL4, cacheL4MaxBytes,
      warmParallelism, warmHotFraction, warmOnStart, monitorInterval, heartbeatInterval, adminToken, timezone, requestTimeout,
      pgPoolSize, clusterServiceDns, httpIdleTimeout, httpSlowClientTimeout, signIn,
      security, limits, load, actions, oidc, push);
  }

  /**
   * Configuration records end up in logs and error messages: the URLs without their passwords, ADMIN_TOKEN as
   * {@value Redaction#MASK}; the nested records hide their own secrets.
   */
  @Override
  public String toString() {
    StringJoiner text = new StringJoiner(", ", "StoreDashConfig[", "]");
    for (RecordComponent component : StoreDashConfig.class.getRecordComponents()) {
      Object value;
      try {
        value = component.getAccessor().invoke(this);
      } catch (ReflectiveOperationException e) {
        value = "?";
      }
      if (component.getName().equals("adminToken")) {
        value = adminToken.map(token -> Redaction.MASK);
      }
      text.add(component.getName() + "=" + value);
    }
    return Redaction.redact(text.toString());
  }
}
