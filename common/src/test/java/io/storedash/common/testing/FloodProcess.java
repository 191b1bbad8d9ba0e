package io.storedash.common.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A {@link ConnectionFlood} in a JVM of its own, started by a test and stopped by it (by its process, never by name):
 * the sockets of the attack count against that process's file descriptors, so however the attacked server fares, the
 * test JVM keeps its own. The flood also stops by itself at its deadline, and when the test JVM dies (its input ends).
 */
public final class FloodProcess implements AutoCloseable {

  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private FloodProcess(Process process) {
    this.process = process;
    reader = new Thread(() -> {
      try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          lines.add(line);
        }
      } catch (IOException e) {
        // the process ended
      }
    }, "flood-output-" + process.pid());
    reader.setDaemon(true);
    reader.start();
  }

  /**
   * Starts a flood with the given {@code key=value} arguments ({@link ConnectionFlood}) and returns once it runs.
   */
  public static FloodProcess start(String... args) {
    List<String> command = new ArrayList<>();
    if (Files.isExecutable(Path.of("/usr/bin/nice"))) {
      // The attacker stands for another machine: on this one it runs only when the server under attack has had the
      // CPU it wants, so what the test measures is the attack's cost to the server, not a share of the cores lost
      // to the attacker's own program.
      command.addAll(List.of("/usr/bin/nice", "-n", "19"));
    }
    command.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      // Small and quick to start: the flood is one thread of sockets.
      "-Xmx64m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classpath(), ConnectionFlood.class.getName()));
    command.addAll(List.of(args));
    try {
      FloodProcess flood = new FloodProcess(new ProcessBuilder(command)
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start());
      flood.await("STARTED", Duration.ofSeconds(30));
      return flood;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot start the flood process", e);
    }
  }

  private static String classpath() {
    try {
      return Path.of(ConnectionFlood.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Whether the flood has given every attempt its outcome (it still holds what the server let it keep). */
  public boolean done() {
    return lines.stream().anyMatch(line -> line.startsWith("DONE"));
  }

  /** Whether the server has closed every connection the flood held, after {@link #done()}. */
  public boolean drained() {
    return lines.stream().anyMatch(line -> line.startsWith("DRAINED"));
  }

  /** Waits for every attempt's outcome; the figures of {@code DONE}. */
  public Map<String, String> awaitDone(Duration timeout) {
    return await("DONE", timeout);
  }

  /** Closes every connection the flood held and waits for it to exit; the figures of {@code RELEASED}. */
  public Map<String, String> release(Duration timeout) {
    try {
      OutputStream in = process.getOutputStream();
      in.write("release\n".getBytes(StandardCharsets.US_ASCII));
      in.flush();
    } catch (IOException e) {
      // it has already ended: its last figures are in its output
    }
    Map<String, String> released = await("RELEASED", timeout);
    try {
      process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return released;
  }

  private Map<String, String> await(String what, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      // Read before the lines are looked at: once it has ended, every line it printed is in.
      boolean ended = !reader.isAlive();
      for (String line : lines) {
        if (line.startsWith(what)) {
          return figures(line);
        }
      }
      if (ended || System.nanoTime() > deadline) {
        break;
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    throw new IllegalStateException("the flood did not print " + what + " within " + timeout + "; it printed " + lines);
  }

  private static Map<String, String> figures(String line) {
    Map<String, String> figures = new HashMap<>();
    for (String pair : line.split(" ")) {
      int eq = pair.indexOf('=');
      if (eq > 0) {
        figures.put(pair.substring(0, eq), pair.substring(eq + 1));
      }
    }
    return figures;
  }

  /** A figure of {@code figures} as a number; 0 when absent (no attempt had that outcome). */
  public static int count(Map<String, String> figures, String key) {
    return Integer.parseInt(figures.getOrDefault(key, "0"));
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
