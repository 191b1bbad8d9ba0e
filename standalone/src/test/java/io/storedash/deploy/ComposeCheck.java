package io.storedash.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
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
 *   <li>nothing but the gateway publishes a host port: not PostgreSQL, Redis, a management, Hazelcast or
 *       event-bus port; a service of a profile (Prometheus, Grafana) only on 127.0.0.1;</li>
 *   <li>every service has a memory limit, and a StoreDash container's leaves room beside the heap the image sizes
 *       from it ({@code -XX:MaxRAMPercentage} in the service's Dockerfile) for what is not heap;</li>
 *   <li>each StoreDash container's environment passes ConfigLoader, with no misspelt variable name, the event bus's
 *       PEM files under /run/secrets from the service's own compose secrets; each member has the cluster secret,
 *       the event bus's TLS on a fixed port, a Redis password, and a management server that Prometheus reaches
 *       inside the network (MANAGEMENT_HOST not loopback);</li>
 *   <li>Redis requires a password; Grafana's admin password is not admin;</li>
 *   <li>all four services are there.</li>
 * </ul>
 */
final class ComposeCheck {

  private static final Pattern STOREDASH_IMAGE =
    Pattern.compile("(?:.*/)?storedash/(gateway|cache-service|query-service|monitor-service)(?::[^/@]+)?(?:@.+)?");
  private static final Pattern DOCKERFILE = Pattern.compile("(?:.*/)?(gateway|cache-service|query-service|monitor-service)/Dockerfile");

  /** Room the JVM needs beside the heap: metaspace, code cache, GC, thread stacks, Netty's direct buffers. */
  static final long NON_HEAP_MIB = 160;
  private static final Pattern MAX_RAM_PERCENTAGE = Pattern.compile("-XX:MaxRAMPercentage=(\\d+(?:\\.\\d+)?)");
  private static final Pattern MEMORY = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmg]?)i?b?", Pattern.CASE_INSENSITIVE);

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
      Optional<Long> limitMib = memoryLimitMib(service);
      if (limitMib.isEmpty()) {
        problems.add(site + ": no memory limit (mem_limit); without one it may take the whole host, and a JVM sizes its heap from the host's memory");
      }
      checkPublished(name, service, storeDash, problems);
      checkOthers(name, service, problems);
      if (storeDash.isEmpty()) {
        return;
      }
      limitMib.ifPresent(limit -> checkHeapRoom(storeDash.get(), limit, site, problems));
      boolean longRunning = !"no".equals(String.valueOf(service.get("restart"))) && !service.containsKey("entrypoint");
      Set<String> secretFiles = secretFiles(service);
      Map<String, String> env = StoreDashVariables.withSampleFiles(environment(service.get("environment")), secretFiles::contains,
        secretFiles.isEmpty() ? "no secrets" : "the secrets " + secretFiles, site, problems);
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
      verdict.config().ifPresent(c -> {
        problems.addAll(StoreDashVariables.memberProblems(c, site));
        if (c.limits().managementHost().startsWith("127.") || c.limits().managementHost().equals("localhost")) {
          problems.add(site + ": MANAGEMENT_HOST is " + c.limits().managementHost() + ", so Prometheus in the compose network cannot scrape it (use 0.0.0.0; it is not published)");
        }
        notes.add(site + ": configuration loads; cluster " + c.clusterServiceDns().orElse("(members list)")
          + ", event bus TLS on " + c.security().eventBusPort() + ", memory limit " + limitMib.map(m -> m + " MiB").orElse("none")
          + ", ports " + list(service.get("ports")).stream().map(p -> published(p).orElse("-")).toList());
      });
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

  /**
   * Only the gateway publishes on the host's interfaces, and a StoreDash replica only the gateway (a second one could
   * not bind the port); a service of a profile (Prometheus, Grafana) may publish on 127.0.0.1; nothing else.
   */
  private static void checkPublished(String name, Map<String, Object> service, Optional<String> storeDash, List<String> problems) {
    String site = "service " + name;
    boolean gateway = storeDash.map("gateway"::equals).orElse(false);
    boolean profiled = !list(service.get("profiles")).isEmpty();
    for (Object port : list(service.get("ports"))) {
      Optional<String> published = published(port);
      if (published.isEmpty() || gateway) {
        continue;
      }
      if (storeDash.isPresent()) {
        problems.add(site + ": publishes host port " + published.get() + "; a second replica could not bind it (only the gateway publishes)");
      } else if (!profiled) {
        problems.add(site + ": publishes host port " + published.get() + "; only the gateway is published (reach it inside the compose network)");
      } else if (!hostIp(port).equals("127.0.0.1")) {
        problems.add(site + ": publishes host port " + published.get() + " on " + (hostIp(port).isEmpty() ? "every interface" : hostIp(port))
          + "; bind it to 127.0.0.1");
      }
    }
  }

  /** Redis requires a password; Grafana has an admin password that is not admin. */
  private static void checkOthers(String name, Map<String, Object> service, List<String> problems) {
    String image = String.valueOf(service.getOrDefault("image", ""));
    String command = String.join(" ", list(service.get("command")).stream().map(String::valueOf).toList())
      + (service.get("command") instanceof String c ? c : "");
    if (image.startsWith("redis:") && !command.contains("--requirepass")) {
      problems.add("service " + name + ": Redis without --requirepass; anyone in the network could read or forge cache entries");
    }
    if (image.startsWith("grafana/grafana")) {
      String password = environment(service.get("environment")).get("GF_SECURITY_ADMIN_PASSWORD");
      if (password == null || password.equals("admin")) {
        problems.add("service " + name + ": Grafana's admin password is " + (password == null ? "the default" : "admin") + " (admin/admin); take it from GRAFANA_ADMIN_PASSWORD");
      }
    }
  }

  /** The heap is the image's MaxRAMPercentage of the limit; the rest must hold what is not heap. */
  private static void checkHeapRoom(String service, long limitMib, String site, List<String> problems) {
    double percentage = maxRamPercentage(service);
    long heap = Math.round(limitMib * percentage / 100);
    if (limitMib - heap < NON_HEAP_MIB) {
      problems.add(site + ": memory limit " + limitMib + " MiB leaves " + (limitMib - heap) + " MiB beside a heap of " + heap
        + " MiB (MaxRAMPercentage " + percentage + "); the JVM needs about " + NON_HEAP_MIB + " MiB more than its heap");
    }
  }

  /** The image's -XX:MaxRAMPercentage, from the service's Dockerfile. */
  static double maxRamPercentage(String service) {
    Path dockerfile = ExternalCommand.repositoryRoot().resolve(service).resolve("Dockerfile");
    try {
      Matcher m = MAX_RAM_PERCENTAGE.matcher(Files.readString(dockerfile));
      if (!m.find()) {
        throw new AssertionError(dockerfile + " sets no -XX:MaxRAMPercentage; the memory checks need the heap's share of the limit");
      }
      return Double.parseDouble(m.group(1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** mem_limit, or deploy.resources.limits.memory, in MiB. */
  static Optional<Long> memoryLimitMib(Map<String, Object> service) {
    Object limit = service.get("mem_limit");
    if (limit == null) {
      limit = map(map(map(service.get("deploy")).get("resources")).get("limits")).get("memory");
    }
    if (limit == null) {
      return Optional.empty();
    }
    if (limit instanceof Number bytes) {
      return Optional.of(bytes.longValue() / (1024 * 1024));
    }
    Matcher m = MEMORY.matcher(String.valueOf(limit).trim());
    if (!m.matches()) {
      return Optional.empty();
    }
    double amount = Double.parseDouble(m.group(1));
    double mib = switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "g" -> amount * 1024;
      case "m" -> amount;
      case "k" -> amount / 1024;
      default -> amount / (1024 * 1024);
    };
    return Optional.of(Math.round(mib));
  }

  /** The paths the service's compose secrets appear at: /run/secrets/&lt;target&gt;. */
  private static Set<String> secretFiles(Map<String, Object> service) {
    Set<String> files = new TreeSet<>();
    for (Object secret : list(service.get("secrets"))) {
      String target = secret instanceof Map<?, ?> longForm
        ? String.valueOf(longForm.get("target") != null ? longForm.get("target") : longForm.get("source"))
        : String.valueOf(secret);
      files.add(target.startsWith("/") ? target : "/run/secrets/" + target);
    }
    return files;
  }

  private static String hostIp(Object port) {
    if (port instanceof Map<?, ?> longForm) {
      return longForm.get("host_ip") == null ? "" : String.valueOf(longForm.get("host_ip"));
    }
    String[] parts = String.valueOf(port).replaceAll("/(tcp|udp)$", "").split(":");
    return parts.length >= 3 ? parts[0] : "";
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
