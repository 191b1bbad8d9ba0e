package io.storedash.deploy;

import io.storedash.common.config.ConfigException;
import io.storedash.common.config.ConfigLoader;
import io.storedash.common.config.StoreDashConfig;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

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
    "WARM_", "MONITOR_", "HEARTBEAT_", "ADMIN_", "REQUEST_", "STOREDASH_", "TIMEZONE", "SESSION_", "SIGN_IN_", "OIDC_");

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
