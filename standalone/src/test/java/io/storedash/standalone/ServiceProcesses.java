package io.storedash.standalone;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Starts the built service jars as separate JVMs on 127.0.0.1, with the environment the containers use, and stops
 * every one of them again by its PID.
 */
final class ServiceProcesses implements AutoCloseable {

  private final Path root;
  private final Path logs;
  private final Map<String, String> environment;
  private final List<Process> processes = new ArrayList<>();
  private final Map<Process, Path> logsByProcess = new HashMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  ServiceProcesses(Map<String, String> environment) throws IOException {
    this.root = Path.of(System.getProperty("storedash.root", "..")).toAbsolutePath().normalize();
    this.logs = root.resolve("standalone/target/cluster-it");
    Files.createDirectories(logs);
    this.environment = environment;
  }

  /** Starts {@code service} (e.g. "query-service") from its fat jar with extra environment variables. */
  Process start(String service, Map<String, String> extra) throws IOException {
    Path jar = root.resolve(service + "/target/" + service + "-fat.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: run the build's package phase first");
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder builder = new ProcessBuilder(java, "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
      "-jar", jar.toString());
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("PG_") || k.startsWith("REDIS_") || k.startsWith("CLUSTER_"));
    env.putAll(environment);
    env.putAll(extra);
    Path log = logs.resolve(service + "-" + System.nanoTime() + ".log");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = builder.start();
    processes.add(process);
    logsByProcess.put(process, log);
    return process;
  }

  /** The output of a process started here. */
  String log(Process process) throws IOException {
    return Files.readString(logsByProcess.get(process));
  }

  /** SIGTERM: the graceful shutdown. Returns whether the process ended within {@code timeout}. */
  boolean terminate(Process process, Duration timeout) throws InterruptedException {
    process.destroy();
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** SIGKILL: the process gets no chance to leave the cluster. */
  void kill(Process process) throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).GET().build(),
      HttpResponse.BodyHandlers.ofString());
  }

  /** Polls {@code url} until it answers {@code status}; fails after {@code timeout}. Returns the time it took. */
  Duration awaitStatus(String url, int status, Duration timeout) throws InterruptedException {
    long started = System.nanoTime();
    long deadline = started + timeout.toNanos();
    int last = -1;
    while (System.nanoTime() < deadline) {
      try {
        last = get(url).statusCode();
        if (last == status) {
          return Duration.ofNanos(System.nanoTime() - started);
        }
      } catch (IOException e) {
        last = -1;
      }
      TimeUnit.MILLISECONDS.sleep(200);
    }
    throw new AssertionError(url + " did not answer " + status + " within " + timeout + " (last: " + last + "); logs in " + logs);
  }

  static Map<String, String> env(Object... pairs) {
    Map<String, String> map = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      map.put(String.valueOf(pairs[i]), String.valueOf(pairs[i + 1]));
    }
    return map;
  }

  @Override
  public void close() throws InterruptedException {
    for (Process process : processes) {
      process.destroy();
    }
    for (Process process : processes) {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    }
  }
}
