package io.storedash.deploy;

import io.storedash.common.config.ConfigException;
import io.storedash.common.config.ConfigLoader;
import io.storedash.common.config.StoreDashConfig;
import io.vertx.core.net.SelfSignedCertificate;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * What a StoreDash process would make of the environment a deployment gives it: the configuration
 * {@link ConfigLoader} builds from it (so a mistyped value fails the check as it would fail start-up), and the names
 * that look like StoreDash variables but are none (ConfigLoader ignores unknown environment variables, so a misspelt
 * name would silently leave the default in place).
 */
final class StoreDashVariables {

  /** Read outside ConfigLoader: the configuration file's name, and the log level (logback.xml). */
  private static final Set<String> READ_ELSEWHERE = Set.of(ConfigLoader.CONFIG_FILE_VARIABLE, "STOREDASH_LOG_LEVEL");

  private static final List<String> PREFIXES = List.of("PG_", "REDIS_", "HTTP_", "MANAGEMENT_", "CLUSTER_", "CACHE_",
    "WARM_", "MONITOR_", "HEARTBEAT_", "ADMIN_", "REQUEST_", "STOREDASH_", "TIMEZONE", "SESSION_", "SIGN_IN_", "OIDC_",
    "EVENTBUS_", "SSE_");

  /** The event bus's PEM files: paths inside the container, which the deployment must mount there. */
  static final List<String> TLS_FILES = List.of("EVENTBUS_TLS_CERT", "EVENTBUS_TLS_KEY", "EVENTBUS_TLS_CA");

  /** A self-signed certificate and its PKCS#8 key on this machine, standing in for the mounted files. */
  private static volatile SelfSignedCertificate sample;

  /** The configuration and the problems with the names; the problems with the values are the ConfigException's. */
  record Verdict(Optional<StoreDashConfig> config, List<String> problems) {
  }

  private StoreDashVariables() {
  }

  static Set<String> known() {
    Set<String> known = new HashSet<>(ConfigLoader.variables());
    known.addAll(READ_ELSEWHERE);
    return known;
  }

  /**
   * @param env the environment of one process
   * @param where names the process in every problem
   */
  static Verdict check(Map<String, String> env, String where) {
    Set<String> known = known();
    List<String> problems = new java.util.ArrayList<>();
    for (String name : new TreeSet<>(env.keySet())) {
      if (!known.contains(name) && looksLikeStoreDash(name, known)) {
        problems.add(where + ": " + name + " looks like a StoreDash variable but is none (known: " + new TreeSet<>(known) + ")");
      }
    }
    try {
      return new Verdict(Optional.of(ConfigLoader.load(env)), problems);
    } catch (ConfigException e) {
      problems.add(where + ": the service would not start: " + e.getMessage());
      return new Verdict(Optional.empty(), problems);
    }
  }

  /**
   * The environment with each of {@link #TLS_FILES} that is set replaced by a sample PEM file of this machine, so
   * that ConfigLoader (which reads them) can load it; a path the deployment does not put into the container is a
   * problem.
   *
   * @param mounted  whether the container gets a file at that path
   * @param mounts   what the container gets, for the message
   */
  static Map<String, String> withSampleFiles(Map<String, String> env, Predicate<String> mounted, String mounts, String where,
                                             List<String> problems) {
    Map<String, String> replaced = new LinkedHashMap<>(env);
    for (String name : TLS_FILES) {
      String path = env.get(name);
      if (path == null || path.isBlank()) {
        continue;
      }
      if (!mounted.test(path)) {
        problems.add(where + ": " + name + " is " + path + ", which is not a file the container gets (it gets " + mounts + ")");
      }
      SelfSignedCertificate files = sampleCertificate();
      replaced.put(name, name.equals("EVENTBUS_TLS_KEY") ? files.privateKeyPath() : files.certificatePath());
    }
    return replaced;
  }

  /**
   * What a clustered member needs to be let in and to keep others out (docs/DESIGN.md §11): the cluster secret, the
   * event bus's mutual TLS on a fixed port (which a NetworkPolicy or firewall can name), and a Redis password.
   */
  static List<String> memberProblems(StoreDashConfig config, String where) {
    List<String> problems = new ArrayList<>();
    if (config.security().secret().isEmpty()) {
      problems.add(where + ": no CLUSTER_SECRET; a clustered member must prove it belongs (at least 32 characters, from a secret)");
    }
    if (config.security().tls().isEmpty()) {
      problems.add(where + ": no EVENTBUS_TLS_CERT, EVENTBUS_TLS_KEY, EVENTBUS_TLS_CA; a clustered member's event bus needs mutual TLS");
    }
    if (config.security().eventBusPort() == 0) {
      problems.add(where + ": EVENTBUS_PORT is 0 (any free port); give the event bus a fixed port (5801) that network rules can name");
    }
    String redis = config.redisUrlOrDefault();
    if (!redis.matches("[a-z-]+://[^/@]*:[^/@]+@.*")) {
      problems.add(where + ": REDIS_URL has no password; set REDIS_PASSWORD (from a secret) for a Redis with requirepass");
    }
    return problems;
  }

  private static SelfSignedCertificate sampleCertificate() {
    if (sample == null) {
      synchronized (StoreDashVariables.class) {
        if (sample == null) {
          sample = SelfSignedCertificate.create("storedash-member");
        }
      }
    }
    return sample;
  }

  static boolean looksLikeStoreDash(String name, Set<String> known) {
    if (PREFIXES.stream().anyMatch(name::startsWith)) {
      return true;
    }
    return known.stream().anyMatch(k -> distance(k, name) <= 2);
  }

  /** Levenshtein distance, for names one or two typos away from a known one (TIMEZON, ADMINTOKEN). */
  private static int distance(String a, String b) {
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j] + 1, current[j - 1] + 1));
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
