package io.storedash.standalone.faults;

import io.storedash.common.testing.TestCertificates;
import io.storedash.standalone.ServiceProcesses;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The clustered stack as the containers run it, on one machine: each instance of each service is a separate JVM
 * from the built jar, with its own loopback address (127.0.0.N, like a pod's IP), the same Hazelcast port, and
 * members found by DNS ({@code CLUSTER_SERVICE_DNS=localhost}, which resolves to the first instance started: the
 * one the harness never kills). The processes are {@link ServiceProcesses}'; every one is stopped by its PID in
 * {@link #close}.
 */
public final class ClusteredStack implements AutoCloseable {

  /**
   * Started in this order. The first instance of the first service holds 127.0.0.1, which the DNS name resolves to:
   * the harness never kills it (a node started again finds the cluster through it). monitor-service is the one
   * service whose loss costs least, so tests can take every instance of any other service away.
   */
  public static final List<String> SERVICES = List.of("monitor-service", "query-service", "cache-service", "gateway");

  private final ServiceProcesses processes;
  private final int instancesPerService;
  private final Map<String, Instance> instances = new LinkedHashMap<>();

  /** One instance: its address, ports and current process. */
  public static final class Instance {
    public final String service;
    public final int index;
    public final String host;
    public final int managementPort;
    public final int httpPort;
    Process process;

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
   * @param environment what every container gets (PG_URL, REDIS_URL, CLUSTER_PORT, CLUSTER_NAME, ...); CLUSTER_SECRET
   *                    and EVENTBUS_TLS_* of {@link TestCertificates#shared()} are added
   * @param ports       free ports: one management port per instance, and an HTTP port per gateway instance
   */
  public ClusteredStack(Map<String, String> environment, int instancesPerService, PortSource ports) throws IOException {
    // As the containers get them from secrets: the cluster's secret and the member certificates.
    this.processes = new ServiceProcesses(TestCertificates.shared().environment(environment), "faults");
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

  /** Starts (or starts again) an instance from its service's fat jar, on its own address and ports. */
  public void start(Instance instance) throws IOException {
    if (instance.process != null && instance.process.isAlive()) {
      throw new IllegalStateException(instance.name() + " is running");
    }
    Map<String, String> own = new HashMap<>();
    own.put("CLUSTER_HOST", instance.host);
    own.put("MANAGEMENT_PORT", String.valueOf(instance.managementPort));
    if (instance.httpPort > 0) {
      own.put("HTTP_PORT", String.valueOf(instance.httpPort));
    }
    instance.process = processes.start(instance.service, instance.service + "-" + instance.index, own);
  }

  /** SIGKILL: no chance to leave the cluster or finish requests. */
  public void kill(Instance instance) throws InterruptedException {
    processes.kill(instance.process);
  }

  /** SIGTERM: the graceful shutdown. Returns whether the process ended within {@code timeout}. */
  public boolean terminate(Instance instance, Duration timeout) throws InterruptedException {
    return processes.terminate(instance.process, timeout);
  }

  /** Polls the instance's readiness probe until it answers 200. Returns how long that took. */
  public Duration awaitReady(Instance instance, Duration timeout) throws InterruptedException {
    return processes.awaitStatus("http://127.0.0.1:" + instance.managementPort + "/health/ready", 200, timeout,
      instance.process);
  }

  public String log(Instance instance) throws IOException {
    return processes.log(instance.process);
  }

  public Path logs() {
    return processes.logs();
  }

  @Override
  public void close() throws InterruptedException {
    processes.close();
  }
}
