package io.storedash.common.config;

import io.storedash.common.redis.RedisEndpoints;
import io.storedash.common.security.Redaction;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.io.Reader;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads {@link StoreDashConfig} from environment variables and, when {@code STOREDASH_CONFIG} names one, a YAML file
 * whose top-level keys are the same variable names (any case). Environment variables win over the file. Every
 * value is validated; all problems are reported together in one {@link ConfigException}.
 */
public final class ConfigLoader {

  /** Names a YAML file with defaults for any of the variables below. */
  public static final String CONFIG_FILE_VARIABLE = "STOREDASH_CONFIG";

  static final Set<String> VARIABLES = Set.of(
    "PG_URL", "REDIS_URL", "HTTP_PORT", "MANAGEMENT_PORT", "CLUSTER_HOST", "CLUSTER_PORT", "CLUSTER_MEMBERS",
    "CLUSTER_NAME", "CACHE_TTL_L1", "CACHE_TTL_L2", "CACHE_TTL_L3", "CACHE_TTL_L4", "CACHE_L4_MAX_BYTES",
    "WARM_PARALLELISM", "WARM_HOT_FRACTION", "WARM_ON_START", "MONITOR_INTERVAL", "HEARTBEAT_INTERVAL", "ADMIN_TOKEN", "TIMEZONE",
    "REQUEST_TIMEOUT", "PG_POOL_SIZE", "PG_PASSWORD", "CLUSTER_SERVICE_DNS", "HTTP_IDLE_TIMEOUT",
    "HTTP_SLOW_CLIENT_TIMEOUT", "SESSION_IDLE_TIMEOUT", "SESSION_MAX_AGE", "SESSION_COOKIE_SECURE", "SIGN_IN_USER_LIMIT",
    "SIGN_IN_ADDRESS_LIMIT", "SIGN_IN_LOCKOUT",
    // Locking the cluster and limits (issue 17)
    "CLUSTER_SECRET", "EVENTBUS_TLS_CERT", "EVENTBUS_TLS_KEY", "EVENTBUS_TLS_CA", "EVENTBUS_PORT", "REDIS_PASSWORD",
    "MANAGEMENT_HOST", "MANAGEMENT_MAX_CONNECTIONS", "SSE_MAX_STREAMS", "SSE_MAX_STREAMS_PER_ADDRESS",
    // Fast under load (issue 18)
    "ACCESS_LOG", "ACCESS_LOG_FILE", "ACCESS_LOG_MAX_BYTES", "ADMISSION_BUDGET", "ADMISSION_CLIENT_BUDGET",
    "CACHE_FAILURE_TTL", "PG_READ_URL",
    // Export of the views (issue 19)
    "EXPORT_MAX_ROWS",
    // 今日必做 (issue 20)
    "ACTIONS_WARM_AT", "CACHE_TTL_ACTIONS",
    // Single sign-on
    "OIDC_ISSUER", "OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_REDIRECT_URI", "OIDC_ROLE_CLAIM", "OIDC_STORES_CLAIM",
    "OIDC_CITIES_CLAIM", "OIDC_USERNAME_CLAIM",
    // Push (issue 20)
    "PUSH_SECRET_KEY", "PUSH_ALLOWED_HOSTS", "PUSH_RATE_LIMIT", "PUSH_MAX_ATTEMPTS", "PUSH_RETRY_BACKOFF", "PUSH_INTERVAL");

  private static final Pattern DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h)?");
  private static final Pattern BYTES = Pattern.compile("(\\d+)\\s*(b|kb|k|mb|m|gb|g)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.:_\\[\\]-]{1,253}");

  private final Map<String, String> values;
  private final List<String> problems = new ArrayList<>();

  private ConfigLoader(Map<String, String> values) {
    this.values = values;
  }

  /**
   * The names of the variables read here (the file's keys are the same names), for tools that check a deployment's
   * environment for misspelt ones. STOREDASH_CONFIG itself and STOREDASH_LOG_LEVEL (read by logback) are not among them.
   */
  public static Set<String> variables() {
    return VARIABLES;
  }

  /** The configuration of this process: its environment and the file it names. */
  public static StoreDashConfig fromEnvironment() {
    return load(System.getenv());
  }

  /**
   * @param env environment variables; {@code STOREDASH_CONFIG} among them names an optional YAML file
   * @throws ConfigException naming every bad variable
   */
  public static StoreDashConfig load(Map<String, String> env) {
    Map<String, String> merged = new HashMap<>();
    String file = env.get(CONFIG_FILE_VARIABLE);
    if (file != null && !file.isBlank()) {
      merged.putAll(readYaml(Path.of(file)));
    }
    env.forEach((name, value) -> {
      if (VARIABLES.contains(name)) {
        merged.put(name, value);
      }
    });
    // Before anything is checked: a value that is refused is still a secret, and no message may carry it.
    Redaction.register(secretsIn(merged));
    return new ConfigLoader(merged).build();
  }

  /** The variables whose whole value is a secret; PG_URL and REDIS_URL carry one in their user info or query. */
  static final List<String> SECRET_VARIABLES = List.of("PG_PASSWORD", "REDIS_PASSWORD", "CLUSTER_SECRET", "ADMIN_TOKEN",
    "OIDC_CLIENT_SECRET", "PUSH_SECRET_KEY");

  /** Every secret among {@code values}: the secret variables' values and the passwords inside PG_URL and REDIS_URL. */
  static List<String> secretsIn(Map<String, String> values) {
    List<String> secrets = new ArrayList<>();
    for (String name : SECRET_VARIABLES) {
      String value = values.get(name);
      if (value != null && !value.isBlank()) {
        secrets.add(value);
        secrets.add(value.trim());
      }
    }
    for (String name : List.of("PG_URL", "REDIS_URL")) {
      String value = values.get(name);
      if (value != null) {
        secrets.addAll(Redaction.passwordsIn(value));
      }
    }
    return secrets;
  }

  private static Map<String, String> readYaml(Path file) {
    Object root;
    try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      root = new Yaml(new SafeConstructor(new LoaderOptions())).load(reader);
    } catch (IOException e) {
      throw new ConfigException(List.of(CONFIG_FILE_VARIABLE + ": cannot read " + file + " (" + e.getMessage() + ")"));
    } catch (MarkedYAMLException e) {
      // Not e.getMessage(): SnakeYAML quotes the offending line, which may be a password's.
      Mark mark = e.getProblemMark();
      throw new ConfigException(List.of(CONFIG_FILE_VARIABLE + ": " + file + " is not valid YAML ("
        + e.getProblem() + (mark == null ? "" : " at line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1))
        + ")"));
    } catch (RuntimeException e) {
      throw new ConfigException(List.of(CONFIG_FILE_VARIABLE + ": " + file + " is not valid YAML ("
        + e.getClass().getSimpleName() + ")"));
    }
    if (root == null) {
      return Map.of();
    }
    if (!(root instanceof Map<?, ?> map)) {
      throw new ConfigException(List.of(CONFIG_FILE_VARIABLE + ": " + file + " must be a mapping of variable names to values"));
    }
    Map<String, String> values = new HashMap<>();
    List<String> unknown = new ArrayList<>();
    map.forEach((key, value) -> {
      String name = String.valueOf(key).toUpperCase(Locale.ROOT);
      if (!VARIABLES.contains(name)) {
        unknown.add(CONFIG_FILE_VARIABLE + ": unknown key '" + key + "' in " + file + " (known: " + VARIABLES.stream().sorted().toList() + ")");
      } else if (value instanceof List<?> list) {
        values.put(name, String.join(",", list.stream().map(String::valueOf).toList()));
      } else if (value != null) {
        values.put(name, String.valueOf(value));
      }
    });
    if (!unknown.isEmpty()) {
      throw new ConfigException(unknown);
    }
    return values;
  }

  private StoreDashConfig build() {
    StoreDashConfig config = new StoreDashConfig(
      pgUrl(),
      redisUrl(),
      required("HTTP_PORT", "8051", v -> port(v, false)),
      optional("MANAGEMENT_PORT", v -> port(v, true)),
      required("CLUSTER_HOST", "127.0.0.1", ConfigLoader::host),
      required("CLUSTER_PORT", "5701", v -> port(v, false)),
      required("CLUSTER_MEMBERS", "127.0.0.1", ConfigLoader::members),
      required("CLUSTER_NAME", "storedash", v -> {
        if (!v.matches("[A-Za-z0-9_.-]{1,64}")) {
          throw new IllegalArgumentException("expected a name of letters, digits, _ . or -, got '" + v + "'");
        }
        return v;
      }),
      required("CACHE_TTL_L1", "30m", ConfigLoader::duration),
      required("CACHE_TTL_L2", "15m", ConfigLoader::duration),
      required("CACHE_TTL_L3", "10m", ConfigLoader::duration),
      required("CACHE_TTL_L4", "5m", ConfigLoader::duration),
      required("CACHE_L4_MAX_BYTES", "64mb", ConfigLoader::bytes),
      required("WARM_PARALLELISM", "5", v -> intIn(v, 1, 64)),
      required("WARM_HOT_FRACTION", "0.2", ConfigLoader::fraction),
      required("WARM_ON_START", "true", ConfigLoader::bool),
      required("MONITOR_INTERVAL", "30s", ConfigLoader::duration),
      required("HEARTBEAT_INTERVAL", "5s", ConfigLoader::duration),
      optional("ADMIN_TOKEN", v -> {
        if (v.length() < 16 || v.chars().anyMatch(Character::isWhitespace)) {
          throw new IllegalArgumentException("expected at least 16 characters without spaces");
        }
        return v;
      }),
      required("TIMEZONE", "Asia/Shanghai", v -> {
        try {
          return ZoneId.of(v);
        } catch (DateTimeException e) {
          throw new IllegalArgumentException("expected a time-zone id such as Asia/Shanghai, got '" + v + "'");
        }
      }),
      required("REQUEST_TIMEOUT", "5s", ConfigLoader::duration),
      required("PG_POOL_SIZE", "8", v -> intIn(v, 1, 256)),
      clusterServiceDns(),
      required("HTTP_IDLE_TIMEOUT", "60s", v -> positive(duration(v))),
      required("HTTP_SLOW_CLIENT_TIMEOUT", "10s", v -> positive(duration(v))),
      signIn(),
      security(),
      limits(),
      load(),
      actions(),
      oidc(),
      push());
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return config;
  }

  /**
   * PG_URL, with PG_PASSWORD (when set) as its password: orchestrators keep the password in a secret and the rest
   * of the URL in plain configuration.
   */
  private Optional<String> pgUrl() {
    Optional<String> url = optional("PG_URL", v -> url(v, "postgresql://", "postgres://"));
    String password = values.get("PG_PASSWORD");
    if (password != null && !password.isEmpty()) {
      if (values.get("PG_URL") == null || values.get("PG_URL").isBlank()) {
        problems.add("PG_PASSWORD: needs PG_URL (postgresql://user@host:port/database) to say whose password it is");
        return url;
      }
      url = url.flatMap(u -> {
        try {
          return Optional.of(withPassword(u, password));
        } catch (IllegalArgumentException e) {
          problems.add("PG_PASSWORD: " + e.getMessage());
          return Optional.empty();
        }
      });
    }
    // The URL as the client will get it, read by the client's own parser: what it refuses stops start-up here, in
    // one sentence, rather than in a verticle's start with the URL (and its password) in the exception.
    return checkedByClient("PG_URL", url, ClientParsers::postgresProblem);
  }

  /**
   * REDIS_URL, with REDIS_PASSWORD (when set) as the password of its user (the default user when the URL names
   * none): as with PG_PASSWORD, the password can live in a secret.
   */
  private Optional<String> redisUrl() {
    Optional<String> url = optional("REDIS_URL", ConfigLoader::redisUrl);
    String password = values.get("REDIS_PASSWORD");
    if (password != null && !password.isEmpty()) {
      if (values.get("REDIS_URL") == null || values.get("REDIS_URL").isBlank()) {
        problems.add("REDIS_PASSWORD: needs REDIS_URL (redis://host:port) to say which server it is for");
        return url;
      }
      url = url.map(u -> withRedisPassword(u, password));
    }
    return checkedByClient("REDIS_URL", url, ClientParsers::redisProblem);
  }

  /** {@code url}, or empty after noting the problem when {@code client} (a client's own parser) refuses it. */
  private Optional<String> checkedByClient(String name, Optional<String> url,
                                           Function<String, Optional<String>> client) {
    if (url.isPresent()) {
      Optional<String> problem = client.apply(url.get());
      if (problem.isPresent()) {
        problems.add(name + ": " + problem.get());
        return Optional.empty();
      }
    }
    return url;
  }

  /**
   * The Redis URL with its password replaced (user kept, empty when none), percent-encoded as the Redis client decodes
   * it. A {@code unix://} URL has no authority to carry it: there it goes into the query ({@code ?password=}), which
   * the client reads when the URL has no user info.
   */
  static String withRedisPassword(String url, String password) {
    String encoded = URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20");
    if (url.startsWith("unix://")) {
      int query = url.indexOf('?');
      String path = query < 0 ? url : url.substring(0, query);
      List<String> parameters = new ArrayList<>();
      if (query >= 0) {
        for (String parameter : url.substring(query + 1).split("&")) {
          if (!parameter.isEmpty() && !parameter.toLowerCase(Locale.ROOT).startsWith("password=")) {
            parameters.add(parameter);
          }
        }
      }
      parameters.add("password=" + encoded);
      return path + "?" + String.join("&", parameters);
    }
    int start = url.indexOf("://") + 3;
    int end = url.length();
    for (char c : new char[] {'/', '?'}) {
      int i = url.indexOf(c, start);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    int at = url.lastIndexOf('@', end - 1);
    String user = "";
    if (at >= start) {
      user = url.substring(start, at);
      int colon = user.indexOf(':');
      if (colon >= 0) {
        user = user.substring(0, colon);
      }
    }
    return url.substring(0, start) + user + ":" + encoded + "@" + url.substring(at >= start ? at + 1 : start);
  }

  private ClusterSecurity security() {
    Optional<String> secret = optional("CLUSTER_SECRET", v -> {
      if (v.length() < 32 || v.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("expected at least 32 characters without spaces (e.g. openssl rand -hex 32)");
      }
      return v;
    });
    List<String> names = List.of("EVENTBUS_TLS_CERT", "EVENTBUS_TLS_KEY", "EVENTBUS_TLS_CA");
    List<String> set = names.stream().filter(n -> values.get(n) != null && !values.get(n).isBlank()).toList();
    Optional<ClusterSecurity.EventBusTls> tls = Optional.empty();
    if (!set.isEmpty() && set.size() < names.size()) {
      problems.add(String.join(", ", names) + ": set all three or none (missing: "
        + names.stream().filter(n -> !set.contains(n)).toList() + ")");
    } else if (set.size() == names.size()) {
      Optional<Path> cert = optional("EVENTBUS_TLS_CERT", ConfigLoader::readableFile);
      Optional<Path> key = optional("EVENTBUS_TLS_KEY", ConfigLoader::readableFile);
      Optional<Path> ca = optional("EVENTBUS_TLS_CA", ConfigLoader::readableFile);
      if (cert.isPresent() && key.isPresent() && ca.isPresent()) {
        tls = Optional.of(new ClusterSecurity.EventBusTls(cert.get(), key.get(), ca.get()));
      }
    }
    int port = required("EVENTBUS_PORT", "0", v -> port(v, true));
    return new ClusterSecurity(secret, tls, port);
  }

  private ServerLimits limits() {
    return new ServerLimits(
      required("MANAGEMENT_HOST", "127.0.0.1", ConfigLoader::host),
      required("MANAGEMENT_MAX_CONNECTIONS", "64", v -> intIn(v, 1, 100_000)),
      required("SSE_MAX_STREAMS", "1000", v -> intIn(v, 1, 1_000_000)),
      required("SSE_MAX_STREAMS_PER_ADDRESS", "32", v -> intIn(v, 1, 1_000_000)));
  }

  private LoadPolicy load() {
    return new LoadPolicy(
      required("ACCESS_LOG", "errors", v -> switch (v.toLowerCase(java.util.Locale.ROOT)) {
        case "off" -> LoadPolicy.AccessLog.OFF;
        case "errors" -> LoadPolicy.AccessLog.ERRORS;
        case "all" -> LoadPolicy.AccessLog.ALL;
        default -> throw new IllegalArgumentException("expected off, errors or all, got '" + v + "'");
      }),
      optional("ACCESS_LOG_FILE", Path::of),
      required("ACCESS_LOG_MAX_BYTES", "100mb", v -> {
        long n = bytes(v);
        if (n < 1024 * 1024) {
          throw new IllegalArgumentException("expected at least 1mb, got '" + v + "'");
        }
        return n;
      }),
      required("ADMISSION_BUDGET", "64", v -> intIn(v, 1, 100_000)),
      required("ADMISSION_CLIENT_BUDGET", "16", v -> intIn(v, 1, 100_000)),
      // 0 turns the failure cache off (DESIGN §12.3).
      required("CACHE_FAILURE_TTL", "2s", v -> v.trim().matches("0+(ms|s|m|h)?") ? Duration.ZERO : duration(v)),
      pgReadUrl(),
      required("EXPORT_MAX_ROWS", "1000000", v -> intIn(v, 1, LoadPolicy.MAX_EXPORT_ROWS)));
  }

  private ActionsPolicy actions() {
    return new ActionsPolicy(
      required("ACTIONS_WARM_AT", "07:30", v -> {
        try {
          return java.time.LocalTime.parse(v.trim());
        } catch (DateTimeException e) {
          throw new IllegalArgumentException("expected a time of day like 07:30, got '" + v + "'");
        }
      }),
      required("CACHE_TTL_ACTIONS", "60m", v -> positive(duration(v))));
  }

  /** PG_READ_URL, with PG_PASSWORD (when set) as its password, as PG_URL. */
  private Optional<String> pgReadUrl() {
    Optional<String> url = optional("PG_READ_URL", v -> url(v, "postgresql://", "postgres://"));
    String password = values.get("PG_PASSWORD");
    if (url.isPresent() && password != null && !password.isEmpty()) {
      try {
        return Optional.of(withPassword(url.get(), password));
      } catch (IllegalArgumentException e) {
        problems.add("PG_READ_URL: " + e.getMessage().replace("PG_URL", "PG_READ_URL"));
        return Optional.empty();
      }
    }
    return url;
  }

  /** A PEM file this process can read; the path is named, its content never. */
  private static Path readableFile(String value) {
    Path path = Path.of(value);
    if (!Files.isRegularFile(path) || !Files.isReadable(path)) {
      throw new IllegalArgumentException("expected a readable PEM file, '" + value + "' is not one");
    }
    return path;
  }

  /** The URL with its user's password replaced, percent-encoded as the PostgreSQL client decodes it. */
  static String withPassword(String url, String password) {
    int start = url.indexOf("://") + 3;
    int at = url.indexOf('@', start);
    int slash = url.indexOf('/', start);
    if (at < 0 || (slash >= 0 && slash < at)) {
      throw new IllegalArgumentException("PG_URL must name a user (postgresql://user@host:port/database), got '" + redact(url) + "'");
    }
    String user = url.substring(start, at);
    int colon = user.indexOf(':');
    if (colon >= 0) {
      user = user.substring(0, colon);
    }
    String encoded = URLEncoder.encode(password, StandardCharsets.UTF_8).replace("+", "%20");
    return url.substring(0, start) + user + ":" + encoded + url.substring(at);
  }

  private Optional<String> clusterServiceDns() {
    Optional<String> dns = optional("CLUSTER_SERVICE_DNS", ConfigLoader::host);
    String members = values.get("CLUSTER_MEMBERS");
    if (dns.isPresent() && members != null && !members.isBlank()) {
      problems.add("CLUSTER_SERVICE_DNS: set either CLUSTER_SERVICE_DNS (members found by DNS) or CLUSTER_MEMBERS (a fixed list), not both");
    }
    return dns;
  }

  private SignInPolicy signIn() {
    SignInPolicy policy = new SignInPolicy(
      required("SESSION_IDLE_TIMEOUT", "30m", ConfigLoader::duration),
      required("SESSION_MAX_AGE", "12h", ConfigLoader::duration),
      required("SESSION_COOKIE_SECURE", "false", ConfigLoader::bool),
      required("SIGN_IN_USER_LIMIT", "5", v -> intIn(v, 1, 1000)),
      required("SIGN_IN_ADDRESS_LIMIT", "20", v -> intIn(v, 1, 100_000)),
      required("SIGN_IN_LOCKOUT", "15m", ConfigLoader::duration));
    if (policy.idleTimeout().compareTo(policy.maxAge()) > 0) {
      problems.add("SESSION_IDLE_TIMEOUT: must not be longer than SESSION_MAX_AGE ("
        + policy.maxAge().toMinutes() + " min): a session ends at its maximum age whatever its idle timeout");
    }
    return policy;
  }

  // ---- Push (PUSH_*) ----

  private PushPolicy push() {
    return new PushPolicy(
      optional("PUSH_SECRET_KEY", ConfigLoader::pushKey),
      required("PUSH_ALLOWED_HOSTS", "", ConfigLoader::allowedHosts),
      required("PUSH_RATE_LIMIT", "20", v -> intIn(v, 1, 10_000)),
      required("PUSH_MAX_ATTEMPTS", "5", v -> intIn(v, 1, 20)),
      required("PUSH_RETRY_BACKOFF", "30s", v -> positive(duration(v))),
      required("PUSH_INTERVAL", "30s", v -> positive(duration(v))));
  }

  /** 32 bytes in base64: an AES-256 key. */
  private static byte[] pushKey(String value) {
    byte[] key;
    try {
      key = java.util.Base64.getDecoder().decode(value.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expected 32 bytes in base64 (openssl rand -base64 32)");
    }
    if (key.length != 32) {
      throw new IllegalArgumentException("expected 32 bytes in base64 (openssl rand -base64 32), got " + key.length + " bytes");
    }
    return key;
  }

  private static java.util.Set<String> allowedHosts(String value) {
    java.util.Set<String> hosts = new java.util.TreeSet<>();
    for (String host : value.split(",")) {
      String trimmed = host.trim().toLowerCase(Locale.ROOT);
      if (trimmed.isEmpty()) {
        continue;
      }
      if (!trimmed.matches("[a-z0-9.-]{1,253}|\\[[0-9a-f:]{2,39}\\]")) {
        throw new IllegalArgumentException("expected comma-separated host names or addresses, got '" + host.trim() + "'");
      }
      hosts.add(trimmed);
    }
    return java.util.Set.copyOf(hosts);
  }

  // ---- Single sign-on (OIDC_*) ----

  private static final List<String> OIDC_CLIENT = List.of("OIDC_CLIENT_ID", "OIDC_CLIENT_SECRET", "OIDC_REDIRECT_URI");
  private static final Pattern CLAIM = Pattern.compile("[A-Za-z0-9_.:/-]{1,128}");

  /** Present when OIDC_ISSUER is set; the client's id, secret and redirect URI are then required. */
  private Optional<OidcConfig> oidc() {
    Optional<String> issuer = optional("OIDC_ISSUER", ConfigLoader::issuerUrl);
    String roleClaim = required("OIDC_ROLE_CLAIM", "storedash_role", ConfigLoader::claim);
    String storesClaim = required("OIDC_STORES_CLAIM", "storedash_stores", ConfigLoader::claim);
    String citiesClaim = required("OIDC_CITIES_CLAIM", "storedash_cities", ConfigLoader::claim);
    String usernameClaim = required("OIDC_USERNAME_CLAIM", "preferred_username", ConfigLoader::claim);
    if (values.get("OIDC_ISSUER") == null || values.get("OIDC_ISSUER").isBlank()) {
      for (String name : OIDC_CLIENT) {
        if (values.get(name) != null && !values.get(name).isBlank()) {
          problems.add(name + ": needs OIDC_ISSUER (the single sign-on issuer's URL); without it single sign-on is off");
        }
      }
      return Optional.empty();
    }
    for (String name : OIDC_CLIENT) {
      if (values.get(name) == null || values.get(name).isBlank()) {
        problems.add(name + ": required when OIDC_ISSUER is set");
      }
    }
    Optional<String> clientId = optional("OIDC_CLIENT_ID", v -> {
      if (v.chars().anyMatch(Character::isWhitespace)) {
        throw new IllegalArgumentException("expected the client id registered at the issuer, without spaces");
      }
      return v;
    });
    Optional<String> secret = optional("OIDC_CLIENT_SECRET", v -> {
      if (v.length() < 16) {
        throw new IllegalArgumentException("expected the client secret issued by the issuer, at least 16 characters");
      }
      return v;
    });
    Optional<String> redirect = optional("OIDC_REDIRECT_URI", ConfigLoader::redirectUri);
    if (issuer.isEmpty() || clientId.isEmpty() || secret.isEmpty() || redirect.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new OidcConfig(issuer.get(), clientId.get(), secret.get(), redirect.get(), roleClaim,
      storesClaim, citiesClaim, usernameClaim));
  }

  /**
   * An https URL, or http to a loopback address (a test or development issuer): tokens and the client secret must
   * not cross a network in clear.
   */
  static String issuerUrl(String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("expected an https URL, got '" + value + "'");
    }
    String host = uri.getHost();
    if (!uri.isAbsolute() || host == null || uri.getRawQuery() != null || uri.getRawFragment() != null) {
      throw new IllegalArgumentException("expected an https URL without query or fragment, got '" + value + "'");
    }
    boolean loopback = host.equals("localhost") || host.equals("127.0.0.1") || host.equals("[::1]");
    if ("https".equals(uri.getScheme()) || ("http".equals(uri.getScheme()) && loopback)) {
      return value;
    }
    throw new IllegalArgumentException("expected an https URL (http only on localhost or 127.0.0.1, for tests), got '"
      + value + "'");
  }

  /** Plain http is allowed here: the code it carries is worth nothing without the client secret and the PKCE verifier. */
  private static String redirectUri(String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException e) {
      uri = null;
    }
    if (uri == null || uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))
      || uri.getPath() == null || !uri.getPath().endsWith(OidcConfig.CALLBACK_PATH) || uri.getRawQuery() != null) {
      throw new IllegalArgumentException("expected the public URL of the gateway's " + OidcConfig.CALLBACK_PATH
        + " (e.g. https://dash.example.com" + OidcConfig.CALLBACK_PATH + "), got '" + value + "'");
    }
    return value;
  }

  private static String claim(String value) {
    if (!CLAIM.matcher(value).matches()) {
      throw new IllegalArgumentException("expected a claim name such as storedash_role, got '" + value + "'");
    }
    return value;
  }

  // ---- end of single sign-on ----

  private <T> T required(String name, String fallback, Function<String, T> parser) {
    String raw = values.get(name);
    String value = raw == null || raw.isBlank() ? fallback : raw.trim();
    try {
      return parser.apply(value);
    } catch (IllegalArgumentException e) {
      problems.add(name + ": " + e.getMessage());
      // The default is valid; returning it lets every other variable be checked before the report is thrown.
      return parser.apply(fallback);
    }
  }

  private <T> Optional<T> optional(String name, Function<String, T> parser) {
    String raw = values.get(name);
    if (raw == null || raw.isBlank()) {
      return Optional.empty();
    }
    try {
      return Optional.of(parser.apply(raw.trim()));
    } catch (IllegalArgumentException e) {
      problems.add(name + ": " + e.getMessage());
      return Optional.empty();
    }
  }

  private static String url(String value, String... schemes) {
    for (String scheme : schemes) {
      if (value.startsWith(scheme) && value.length() > scheme.length()) {
        return value;
      }
    }
    throw new IllegalArgumentException("expected a URL starting with " + String.join(" or ", schemes) + ", got '" + redact(value) + "'");
  }

  /** One server, a Sentinel set or a Redis Cluster ({@link RedisEndpoints}); checked here so a typo stops start-up. */
  private static String redisUrl(String value) {
    try {
      RedisEndpoints.parse(value);
      return value;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("expected " + RedisEndpoints.EXPECTED + ", got '" + redact(value) + "' ("
        + e.getMessage() + ")");
    }
  }

  /** Hides a password in a URL that is echoed back in an error ({@link Redaction}). */
  static String redact(String url) {
    return Redaction.redact(url);
  }

  private static int port(String value, boolean zeroAllowed) {
    int port = intIn(value, zeroAllowed ? 0 : 1, 65535);
    return port;
  }

  private static Duration positive(Duration value) {
    if (value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException("expected a duration above zero, such as 10s");
    }
    return value;
  }

  private static int intIn(String value, int min, int max) {
    int n;
    try {
      n = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a whole number from " + min + " to " + max + ", got '" + value + "'");
    }
    if (n < min || n > max) {
      throw new IllegalArgumentException("expected a whole number from " + min + " to " + max + ", got " + n);
    }
    return n;
  }

  private static boolean bool(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "true", "yes", "1", "on" -> true;
      case "false", "no", "0", "off" -> false;
      default -> throw new IllegalArgumentException("expected true or false, got '" + value + "'");
    };
  }

  private static double fraction(String value) {
    double d;
    try {
      d = Double.parseDouble(value);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a fraction above 0 and at most 1, got '" + value + "'");
    }
    if (!(d > 0 && d <= 1)) {
      throw new IllegalArgumentException("expected a fraction above 0 and at most 1, got " + value);
    }
    return d;
  }

  /** {@code 500ms}, {@code 30s}, {@code 15m}, {@code 2h}, or a plain number of seconds. */
  static Duration duration(String value) {
    Matcher m = DURATION.matcher(value.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("expected a duration such as 500ms, 30s, 15m or 2h, got '" + value + "'");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    Duration d = switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofSeconds(n);
    };
    if (d.isZero()) {
      throw new IllegalArgumentException("expected a duration above zero, got '" + value + "'");
    }
    return d;
  }

  /** {@code 64mb}, {@code 512k}, {@code 1g}, or a plain number of bytes. */
  static long bytes(String value) {
    Matcher m = BYTES.matcher(value.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("expected a size such as 64mb, 512kb or 1gb, got '" + value + "'");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    long size = switch (unit) {
      case "k", "kb" -> n << 10;
      case "m", "mb" -> n << 20;
      case "g", "gb" -> n << 30;
      default -> n;
    };
    if (size != 0 && size < 1 << 20) {
      throw new IllegalArgumentException("expected 0 (off) or at least 1mb, got '" + value + "'");
    }
    return size;
  }

  private static String host(String value) {
    if (!HOST.matcher(value).matches()) {
      throw new IllegalArgumentException("expected a host name or IP address, got '" + value + "'");
    }
    return value;
  }

  private static List<String> members(String value) {
    List<String> members = Arrays.stream(value.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    if (members.isEmpty()) {
      throw new IllegalArgumentException("expected a comma-separated list of host or host:port, got '" + value + "'");
    }
    for (String member : members) {
      host(member);
    }
    return members;
  }
}
