package io.storedash.standalone;

import io.storedash.common.config.ConfigLoader;

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
public final class ServiceProcesses implements AutoCloseable {

  private final Path root;
  private final Path logs;
  private final Map<String, String> environment;
  private final List<Process> processes = new ArrayList<>();
  private final Map<Process, Path> logsByProcess = new HashMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  ServiceProcesses(Map<String, String> environment) throws IOException {
    this(environment, "cluster-it");
  }

  /** Logs go to {@code standalone/target/<logDirectory>}. */
  public ServiceProcesses(Map<String, String> environment, String logDirectory) throws IOException {
    this.root = Path.of(System.getProperty("storedash.root", "..")).toAbsolutePath().normalize();
    this.logs = root.resolve("standalone/target").resolve(logDirectory);
    Files.createDirectories(logs);
    this.environment = environment;
  }

  /** Starts {@code service} (e.g. "query-service") from its fat jar with extra environment variables. */
  Process start(String service, Map<String, String> extra) throws IOException {
    return start(service, service, extra);
  }

  /**
   * Starts {@code service} from its fat jar with the common environment plus {@code extra}; none of this JVM's own
   * StoreDash variables leak in. Its output goes to a log named after {@code label}.
   */
  public Process start(String service, String label, Map<String, String> extra) throws IOException {
    return start(service, label, extra, List.of());
  }

  /** As {@link #start(String, String, Map)}, with command-line arguments for the jar. */
  public Process start(String service, String label, Map<String, String> extra, List<String> args) throws IOException {
    Path jar = root.resolve(service + "/target/" + service + "-fat.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: run the build's package phase first");
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    ProcessBuilder builder = new ProcessBuilder(java, "-Xms64m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
      "-XX:+ExitOnOutOfMemoryError", "-jar", jar.toString());
    builder.command().addAll(args);
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> ConfigLoader.variables().contains(k) || k.equals(ConfigLoader.CONFIG_FILE_VARIABLE));
    env.putAll(environment);
    env.putAll(extra);
    Path log = logs.resolve(label + "-" + System.nanoTime() + ".log");
    builder.redirectErrorStream(true).redirectOutput(log.toFile());
    Process process = builder.start();
    processes.add(process);
    logsByProcess.put(process, log);
    return process;
  }

  /** The output of a process started here. */
  public String log(Process process) throws IOException {
    return Files.readString(logsByProcess.get(process));
  }

  /** SIGTERM: the graceful shutdown. Returns whether the process ended within {@code timeout}. */
  public boolean terminate(Process process, Duration timeout) throws InterruptedException {
    process.destroy();
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** SIGKILL: the process gets no chance to leave the cluster. */
  public void kill(Process process) throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  /** A GET, with the processes' ADMIN_TOKEN as a bearer when they have one (break-glass hq: every route, every store). */
  HttpResponse<String> get(String url) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15)).GET();
    String token = environment.get("ADMIN_TOKEN");
    if (token != null && !token.isEmpty()) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** Polls {@code url} until it answers {@code status}; fails after {@code timeout}. Returns the time it took. */
  Duration awaitStatus(String url, int status, Duration timeout) throws InterruptedException {
    return awaitStatus(url, status, timeout, null);
  }

  /** As {@link #awaitStatus(String, int, Duration)}, failing at once when {@code process} (if given) has exited. */
  public Duration awaitStatus(String url, int status, Duration timeout, Process process) throws InterruptedException {
    long started = System.nanoTime();
    long deadline = started + timeout.toNanos();
    int last = -1;
    while (System.nanoTime() < deadline) {
      if (process != null && !process.isAlive()) {
        throw new AssertionError("the process for " + url + " exited with " + process.exitValue() + "; log "
          + logsByProcess.get(process));
      }
      try {
        last = get(url).statusCode();
        if (last == status) {
          return Duration.ofNanos(System.nanoTime() - started);
        }
      } catch (IOException e) {
        last = -1;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    throw new AssertionError(url + " did not answer " + status + " within " + timeout + " (last: " + last + "); logs in " + logs);
  }

  public Path logs() {
    return logs;
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
