package io.storedash.common.bootstrap;

import io.storedash.common.config.ConfigLoader;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestCertificates;
import io.storedash.common.testing.TestStorage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What locking the cluster costs (docs/BENCHMARKS.md, "Locking the cluster"): join time and event-bus hop latency of
 * two JVMs with the member handshake and mutual TLS ({@code locked}, {@link Node#clustered}) against the same two JVMs
 * with plain Hazelcast and a plain event bus ({@code plain}: built here, in test code only — production cannot run
 * without TLS). Both modes use Node's Hazelcast configuration and metrics. For each round and mode it starts a fresh
 * responder JVM (the first member: its join is a member alone) and a fresh measuring JVM (the second member: its join
 * is a member joining), which then sends {@code --requests} small request–reply round trips one at a time after
 * {@code --warmup} more. Rounds alternate plain and locked so that a machine whose load changes treats both alike.
 * Not a test: run by hand.
 * <pre>
 * ../mvnw -q -o test-compile dependency:build-classpath -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
 * java -cp target/classes:target/test-classes:$(cat target/test.classpath) \
 *   io.storedash.common.bootstrap.ClusterCostBenchmark [--rounds 3] [--requests 10000] [--warmup 3000]
 * </pre>
 */
public final class ClusterCostBenchmark {

  private static final String ADDRESS = "bench.echo";

  private ClusterCostBenchmark() {
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      flags.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    String role = flags.getOrDefault("role", "orchestrate");
    switch (role) {
      case "responder" -> respond(flags.get("mode"));
      case "measure" -> measure(flags.get("mode"), Integer.parseInt(flags.get("requests")),
        Integer.parseInt(flags.get("warmup")));
      default -> orchestrate(Integer.parseInt(flags.getOrDefault("rounds", "3")),
        Integer.parseInt(flags.getOrDefault("requests", "10000")), Integer.parseInt(flags.getOrDefault("warmup", "3000")));
    }
  }

  private static void orchestrate(int rounds, int requests, int warmup) throws Exception {
    Map<String, List<String>> results = new HashMap<>();
    System.out.printf("%d round(s) of %d requests after %d warm-up ones, %d cores, Java %s%n", rounds, requests, warmup,
      Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    for (int round = 1; round <= rounds; round++) {
      for (String mode : List.of("plain", "locked")) {
        Map<String, String> env = new HashMap<>(Map.of(
          "CLUSTER_NAME", "bench-" + mode + "-" + round + "-" + ProcessHandle.current().pid(),
          "CLUSTER_PORT", String.valueOf(TestStorage.freePort()),
          "CLUSTER_HOST", "127.0.0.1", "CLUSTER_MEMBERS", "127.0.0.1"));
        if (mode.equals("locked")) {
          env.putAll(TestCertificates.shared().environment());
        }
        Process responder = start(env, "--role", "responder", "--mode", mode);
        try {
          BlockingQueue<String> responderOut = reader(responder);
          String alone = awaitLine(responderOut, "JOINED");
          Process measuring = start(env, "--role", "measure", "--mode", mode, "--requests", String.valueOf(requests),
            "--warmup", String.valueOf(warmup));
          try {
            BlockingQueue<String> measuringOut = reader(measuring);
            String joining = awaitLine(measuringOut, "JOINED");
            String latency = awaitLine(measuringOut, "LATENCY");
            String row = String.format(Locale.ROOT, "| %s | %d | %s ms | %s ms | %s |", mode, round,
              alone.split(" ")[1], joining.split(" ")[1], latency.substring("LATENCY ".length()));
            System.out.println(row);
            results.computeIfAbsent(mode, m -> new ArrayList<>()).add(row);
            measuring.waitFor(60, TimeUnit.SECONDS);
          } finally {
            measuring.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          }
        } finally {
          responder.destroy();
          if (!responder.waitFor(30, TimeUnit.SECONDS)) {
            responder.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
          }
        }
      }
    }
    System.out.println();
    System.out.println("| mode | round | first member alone | second member joining | round trip p50 / p99 / mean |");
    System.out.println("|---|---|---|---|---|");
    for (String mode : List.of("plain", "locked")) {
      results.getOrDefault(mode, List.of()).forEach(System.out::println);
    }
    System.exit(0);
  }

  private static Process start(Map<String, String> env, String... args) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
      ClusterCostBenchmark.class.getName()));
    command.addAll(Arrays.asList(args));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().keySet().removeIf(ConfigLoader.variables()::contains);
    builder.environment().putAll(env);
    return builder.start();
  }

  /** The child's output lines, read by a thread of their own so that its log never fills the pipe and stops it. */
  private static BlockingQueue<String> reader(Process process) {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread pump = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
        StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          lines.add(line);
        }
      } catch (IOException e) {
        // The child is gone: awaitLine reports what it did not print.
      }
    }, "bench-child-output");
    pump.setDaemon(true);
    pump.start();
    return lines;
  }

  /** The first line of the child's output that starts with {@code prefix}; its other lines are its log. */
  private static String awaitLine(BlockingQueue<String> out, String prefix) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(300);
    while (System.nanoTime() < deadline) {
      String line = out.poll(1, TimeUnit.SECONDS);
      if (line != null && line.startsWith(prefix)) {
        return line;
      }
    }
    throw new IllegalStateException("the child printed no " + prefix + " line within 300 s");
  }

  /** Starts a member of the mode's kind; completes when it has joined (or formed) the cluster. */
  private static Future<Vertx> member(String mode, StoreDashConfig config) {
    if (mode.equals("locked")) {
      return Node.clustered(config).map(Node::vertx);
    }
    // The baseline: what Node.clustered built before issue 17, with the same Hazelcast configuration and metrics.
    String host = Node.advertisedHost(config);
    return Vertx.builder()
      .with(new VertxOptions().setMetricsOptions(Node.metricsOptions())
        .setEventBusOptions(new EventBusOptions().setHost(host).setClusterPublicHost(host)))
      .withClusterManager(new HazelcastClusterManager(Node.hazelcastConfig(config)))
      .withMetrics(new MicrometerMetricsFactory(Node.newRegistry()))
      .buildClustered();
  }

  private static void respond(String mode) throws Exception {
    long started = System.nanoTime();
    Vertx vertx = member(mode, ConfigLoader.fromEnvironment()).await(120, TimeUnit.SECONDS);
    System.out.println("JOINED " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    vertx.eventBus().<Buffer>consumer(ADDRESS, msg -> msg.reply(msg.body())).completion().await();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await(), "bench-leave"));
    Thread.currentThread().join();
  }

  private static void measure(String mode, int requests, int warmup) throws Exception {
    long started = System.nanoTime();
    Vertx vertx = member(mode, ConfigLoader.fromEnvironment()).await(120, TimeUnit.SECONDS);
    System.out.println("JOINED " + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    Buffer body = Buffer.buffer(new byte[64]);
    DeliveryOptions options = new DeliveryOptions().setSendTimeout(5000);
    // The responder's consumer reaches this member's view of the cluster a moment after it joined.
    for (long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); ; ) {
      try {
        vertx.eventBus().request(ADDRESS, body, options).await(5, TimeUnit.SECONDS);
        break;
      } catch (Exception e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
    long[] nanos = new long[requests];
    for (int i = -warmup; i < requests; i++) {
      long t0 = System.nanoTime();
      vertx.eventBus().request(ADDRESS, body, options).await(5, TimeUnit.SECONDS);
      if (i >= 0) {
        nanos[i] = System.nanoTime() - t0;
      }
    }
    Arrays.sort(nanos);
    double mean = Arrays.stream(nanos).average().orElse(0) / 1e6;
    System.out.printf(Locale.ROOT, "LATENCY %.3f / %.3f / %.3f ms%n", nanos[requests / 2] / 1e6,
      nanos[(int) Math.ceil(requests * 0.99) - 1] / 1e6, mean);
    vertx.close().await(30, TimeUnit.SECONDS);
    System.exit(0);
  }
}
