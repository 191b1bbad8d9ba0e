package io.storedash.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks a compose file as {@code docker-compose config} renders it (anchors merged, variables substituted) for
 * what `docker compose up --scale` needs and for the configuration each StoreDash container would start with:
 * <ul>
 *   <li>no container_name anywhere (two replicas cannot share one);</li>
 *   <li>every long-running StoreDash service finds the cluster by CLUSTER_SERVICE_DNS (never a fixed
 *       CLUSTER_MEMBERS list, which new replicas would not be on) and carries that name as a network alias, the
 *       same for all, on its only network (CLUSTER_HOST=auto takes the first interface);</li>
 *   <li>no StoreDash service but the gateway publishes a host port;</li>
 *   <li>each StoreDash container's environment passes ConfigLoader, with no misspelt variable name;</li>
 *   <li>all four services are there.</li>
 * </ul>
 */
final class ComposeCheck {

  private static final Pattern STOREDASH_IMAGE =
    Pattern.compile("(?:.*/)?storedash/(gateway|cache-service|query-service|monitor-service)(?::[^/@]+)?(?:@.+)?");
  private static final Pattern DOCKERFILE = Pattern.compile("(?:.*/)?(gateway|cache-service|query-service|monitor-service)/Dockerfile");

  private ComposeCheck() {
  }

  /** The problems, and one line per StoreDash service on what it would run with. */
  record Report(List<String> problems, List<String> notes) {
  }

  static Report check(Map<String, Object> rendered) {
    List<String> problems = new ArrayList<>();
    List<String> notes = new ArrayList<>();
    Map<String, Object> services = map(rendered.get("services"));
    Set<String> aliases = new TreeSet<>();
    Set<String> present = new TreeSet<>();
    services.forEach((name, value) -> {
      Map<String, Object> service = map(value);
      String site = "service " + name;
      if (service.containsKey("container_name")) {
        problems.add(site + ": container_name " + service.get("container_name") + " stops --scale (replicas need their own names)");
      }
      Optional<String> storeDash = storeDashService(service);
      if (storeDash.isEmpty()) {
        return;
      }
      boolean longRunning = !"no".equals(String.valueOf(service.get("restart"))) && !service.containsKey("entrypoint");
      Map<String, String> env = environment(service.get("environment"));
      StoreDashVariables.Verdict verdict = StoreDashVariables.check(env, site);
      problems.addAll(verdict.problems());
      if (!longRunning) {
        verdict.config().ifPresent(c -> notes.add(site + ": configuration loads (a one-off task of the " + storeDash.get() + " image)"));
        return;
      }
      present.add(storeDash.get());
      String dns = env.get("CLUSTER_SERVICE_DNS");
      if (env.get("CLUSTER_MEMBERS") != null && !env.get("CLUSTER_MEMBERS").isBlank()) {
        problems.add(site + ": CLUSTER_MEMBERS is a fixed list that scaled replicas are not on; use CLUSTER_SERVICE_DNS and a shared network alias");
      }
      if (dns == null || dns.isBlank()) {
        problems.add(site + ": no CLUSTER_SERVICE_DNS, so --scale replicas would not find the cluster");
      } else {
        aliases.add(dns);
        Map<String, Object> networks = networks(service.get("networks"));
        boolean aliased = networks.values().stream().anyMatch(n -> list(map(n).get("aliases")).contains(dns));
        if (!aliased) {
          problems.add(site + ": CLUSTER_SERVICE_DNS is " + dns + " but the service has no network alias " + dns);
        }
        if (networks.size() > 1 && "auto".equals(env.get("CLUSTER_HOST"))) {
          problems.add(site + ": on " + networks.size() + " networks with CLUSTER_HOST=auto, the advertised address could be on the wrong one");
        }
      }
      for (Object port : list(service.get("ports"))) {
        Optional<String> published = published(port);
        if (published.isPresent() && !storeDash.get().equals("gateway")) {
          problems.add(site + ": publishes host port " + published.get() + "; a second replica could not bind it (only the gateway publishes)");
        }
      }
      verdict.config().ifPresent(c -> notes.add(site + ": configuration loads; cluster " + c.clusterServiceDns().orElse("(members list)")
        + ", ports " + list(service.get("ports")).stream().map(p -> published(p).orElse("-")).toList()));
    });
    if (aliases.size() > 1) {
      problems.add("StoreDash services use different CLUSTER_SERVICE_DNS names " + aliases + ", so they would form separate clusters");
    }
    Set<String> missing = new TreeSet<>(ManifestCheck.MANAGEMENT_PORTS.keySet());
    missing.removeAll(present);
    if (!missing.isEmpty()) {
      problems.add("StoreDash services missing: " + missing);
    }
    return new Report(problems, notes);
  }

  private static Optional<String> storeDashService(Map<String, Object> service) {
    Matcher image = STOREDASH_IMAGE.matcher(String.valueOf(service.getOrDefault("image", "")));
    if (image.matches()) {
      return Optional.of(image.group(1));
    }
    Matcher dockerfile = DOCKERFILE.matcher(String.valueOf(map(service.get("build")).getOrDefault("dockerfile", "")));
    return dockerfile.matches() ? Optional.of(dockerfile.group(1)) : Optional.empty();
  }

  /** The host side of a port mapping, when there is one: "8051:8051", "127.0.0.1:8051:8051" or {published: 8051}. */
  private static Optional<String> published(Object port) {
    if (port instanceof Map<?, ?> longForm) {
      Object published = longForm.get("published");
      return published == null || String.valueOf(published).isBlank() ? Optional.empty() : Optional.of(String.valueOf(published));
    }
    String shortForm = String.valueOf(port).replaceAll("/(tcp|udp)$", "");
    String[] parts = shortForm.split(":");
    return parts.length >= 2 && !parts[parts.length - 2].isBlank() ? Optional.of(parts[parts.length - 2]) : Optional.empty();
  }

  private static Map<String, String> environment(Object environment) {
    Map<String, String> env = new LinkedHashMap<>();
    if (environment instanceof Map<?, ?> entries) {
      entries.forEach((k, v) -> env.put(String.valueOf(k), v == null ? "" : String.valueOf(v)));
    } else {
      for (Object entry : list(environment)) {
        String[] kv = String.valueOf(entry).split("=", 2);
        env.put(kv[0], kv.length > 1 ? kv[1] : "");
      }
    }
    return env;
  }

  private static Map<String, Object> networks(Object networks) {
    if (networks instanceof List<?> names) {
      Map<String, Object> byName = new LinkedHashMap<>();
      names.forEach(n -> byName.put(String.valueOf(n), Map.of()));
      return byName;
    }
    Map<String, Object> byName = map(networks);
    return byName.isEmpty() ? Map.of("default", Map.of()) : byName;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  private static List<Object> list(Object value) {
    return value instanceof List<?> l ? l.stream().map(o -> (Object) o).toList() : List.of();
  }
}
