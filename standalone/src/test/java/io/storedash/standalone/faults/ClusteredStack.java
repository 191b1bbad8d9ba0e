package io.storedash.standalone.faults;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The clustered stack as the containers run it, on one machine: each instance of each service is a separate JVM
 * from the built jar, with its own loopback address (127.0.0.N, like a pod's IP), the same Hazelcast port, and
 * members found by DNS ({@code CLUSTER_SERVICE_DNS=localhost}, which resolves to the first instance started: the
 * one the harness never kills). Every process is stopped by its PID in {@link #close}.
 */
public final class ClusteredStack implements AutoCloseable {

  /**
   * Started in this order. The first instance of the first service holds 127.0.0.1, which the DNS name resolves to:
   * the harness never kills it (a node started again finds the cluster through it). monitor-service is the one
   * service whose loss costs least, so tests can take every instance of any other service away.
   */
  public static final List<String> SERVICES = List.of("monitor-service", "query-service", "cache-service", "gateway");

  private final Path root;
  private final Path logs;
  private final Map<String, String> environment;
  private final int instancesPerService;
  private final Map<String, Instance> instances = new LinkedHashMap<>();
  private final List<Process> everyProcess = new ArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  /** One instance: its address, ports and current process. */
  public static final class Instance {
    public final String service;
    public final int index;
    public final String host;
    public final int managementPort;
    public final int httpPort;
    Process process;
    Path log;

    Instance(String service, int index, String host, int managementPort, int httpPort) {
      this.service = service;
      this.index = index;
      this.host = host;
      this.managementPort = managementPort;
      this.httpPort = httpPort;
    }

    public String name() {
      return service + "#" + index;
    }

    public long pid() {
      return process.pid();
    }
  }

  /**
   * @param environment what every container gets (PG_URL, REDIS_URL, CLUSTER_PORT, CLUSTER_NAME, ...)
   * @param ports       free ports: one management port per instance, and an HTTP port per gateway instance
   */
  public ClusteredStack(Map<String, String> environment, int instancesPerService, PortSource ports) throws IOException {
    this.root = Path.of(System.getProperty("storedash.root", "..")).toAbsolutePath().normalize();
    this.logs = root.resolve("standalone/target/faults");
    Files.createDirectories(logs);
    this.environment = Map.copyOf(environment);
    this.instancesPerService = instancesPerService;
    int address = 1;
    for (String service : SERVICES) {
      for (int i = 1; i <= instancesPerService; i++) {
        instances.put(service + "#" + i, new Instance(service, i, "127.0.0." + address++, ports.next(),
          service.equals("gateway") ? ports.next() : 0));
      }
    }
  }

  /** Hands out free TCP ports. */
  @FunctionalInterface
  public interface PortSource {
    int next();
  }

  /** Starts every instance and waits until each is ready and the gateways answer through the cluster. */
  public Duration startAll(Duration timeout) throws IOException, InterruptedException {
    long started = System.nanoTime();
    Instance seed = instance(SERVICES.get(0), 1);
    start(seed);
    // The seed forms the cluster; the others find it through the DNS name.
    awaitReady(seed, timeout);
    for (Instance instance : instances.values()) {
      if (instance != seed) {
        start(instance);
      }
    }
    for (Instance instance : instances.values()) {
      awaitReady(instance, timeout);
    }
    return Duration.ofNanos(System.nanoTime() - started);
  }

  public Instance instance(String service, int index) {
    Instance instance = instances.get(service + "#" + index);
    if (instance == null) {
      throw new IllegalArgumentException("no instance " + service + "#" + index);
    }
    return instance;
  }

  public List<Instance> instances(String service) {
    return instances.values().stream().filter(i -> i.service.equals(service)).toList();
  }

  public int instancesPerService() {
    return instancesPerService;
  }

  /** Base URLs of the gateways, e.g. http://127.0.0.1:8051. */
  public List<String> gatewayUrls() {
    return instances("gateway").stream().map(g -> "http://127.0.0.1:" + g.httpPort).toList();
  }

  /** Starts (or starts again) an instance from its service's fat jar. */
  public void start(Instance instance) throws IOException {
    if (instance.process != null && instance.process.isAlive()) {
      throw new IllegalStateException(instance.name() + " is running");
    }
    Path jar = root.resolve(instance.service + "/target/" + instance.service + "-fat.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: run the build's package phase first");
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder builder = new ProcessBuilder(java, "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1", "-XX:+ExitOnOutOfMemoryError", "-jar", jar.toString());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("PG_") || k.startsWith("REDIS_") || k.startsWith("CLUSTER_")
      || k.equals("HTTP_PORT") || k.equals("MANAGEMENT_PORT") || k.equals("ADMIN_TOKEN"));
    env.putAll(environment);
    env.put("CLUSTER_HOST", instance.host);
    env.put("MANAGEMENT_PORT", String.valueOf(instance.managementPort));
    if (instance.httpPort > 0) {
      env.put("HTTP_PORT", String.valueOf(instance.httpPort));
    }
    instance.log = logs.resolve(instance.service + "-" + instance.index + "-" + System.currentTimeMillis() + ".log");
    builder.redirectErrorStream(true).redirectOutput(instance.log.toFile());
    instance.process = builder.start();
    everyProcess.add(instance.process);
  }

  /** SIGKILL: no chance to leave the cluster or finish requests. */
  public void kill(Instance instance) throws InterruptedException {
    instance.process.destroyForcibly();
    instance.process.waitFor(10, TimeUnit.SECONDS);
  }

  /** SIGTERM: the graceful shutdown. Returns whether the process ended within {@code timeout}. */
  public boolean terminate(Instance instance, Duration timeout) throws InterruptedException {
    instance.process.destroy();
    return instance.process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Polls the instance's readiness probe until it answers 200. Returns how long that took. */
  public Duration awaitReady(Instance instance, Duration timeout) throws InterruptedException {
    long started = System.nanoTime();
    long deadline = started + timeout.toNanos();
    String url = "http://127.0.0.1:" + instance.managementPort + "/health/ready";
    int last = -1;
    while (System.nanoTime() < deadline) {
      if (!instance.process.isAlive()) {
        throw new AssertionError(instance.name() + " exited with " + instance.process.exitValue() + "; log " + instance.log);
      }
      try {
        last = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).GET().build(),
          HttpResponse.BodyHandlers.discarding()).statusCode();
        if (last == 200) {
          return Duration.ofNanos(System.nanoTime() - started);
        }
      } catch (IOException e) {
        last = -1;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new AssertionError(instance.name() + " not ready within " + timeout + " (last: " + last + "); log " + instance.log);
  }

  public String log(Instance instance) throws IOException {
    return Files.readString(instance.log);
  }

  public Path logs() {
    return logs;
  }

  @Override
  public void close() throws InterruptedException {
    for (Process process : everyProcess) {
      process.destroy();
    }
    for (Process process : everyProcess) {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }
}
