package io.storedash.common.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Latencies of one kind of request, in milliseconds, and the figures an attack test prints and compares: p50, p99
 * and the slowest. Written by one thread.
 */
public final class Latencies {

  /** One round of an attack test's well-behaved traffic. */
  @FunctionalInterface
  public interface Round {
    void run() throws Exception;
  }

  /**
   * Runs {@code round} (then {@code afterEach}) one every {@code every} at most, while {@code go} holds and at least
   * {@code rounds} times: the paced traffic whose latencies the attack tests compare with their baseline.
   */
  public static void paced(Duration every, int rounds, BooleanSupplier go, Round round,
                           Runnable afterEach) throws Exception {
    long next = System.nanoTime();
    for (int i = 0; i < rounds || go.getAsBoolean(); i++) {
      long wait = next - System.nanoTime();
      if (wait > 0) {
        TimeUnit.NANOSECONDS.sleep(wait);
      }
      next = System.nanoTime() + every.toNanos();
      round.run();
      afterEach.run();
    }
  }


  private final String name;
  private final List<Double> millis = new ArrayList<>();

  public Latencies(String name) {
    this.name = name;
  }

  public void add(long startedNanos) {
    millis.add((System.nanoTime() - startedNanos) / 1e6);
  }

  public int count() {
    return millis.size();
  }

  /** The q-quantile (0.99 for p99) by the nearest rank. */
  public double quantile(double q) {
    List<Double> sorted = new ArrayList<>(millis);
    sorted.sort(null);
    return sorted.get(Math.max(0, (int) Math.ceil(q * sorted.size()) - 1));
  }

  public double p99() {
    return quantile(0.99);
  }

  /**
   * The least p99 an attack test doubles: below it a baseline says more about the moment it was measured in than
   * about the server (a thread on a 2-core machine shared with other builds waits a scheduler slice of a few ms now
   * and then; a quiet baseline's p99 of 1.4 ms doubled is under one slice).
   */
  public static final double FLOOR_MS = 5;

  /** Whether this p99 (under attack) is within twice {@code baseline}'s, a baseline under {@link #FLOOR_MS} taken as it. */
  public boolean withinTwice(Latencies baseline) {
    return p99() <= 2 * Math.max(baseline.p99(), FLOOR_MS);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s: %d requests, p50 %.1f ms, p99 %.1f ms, max %.1f ms", name, count(),
      quantile(0.5), p99(), quantile(1.0));
  }

  /**
   * A GET on a connection of its own, closed after the answer — as the kubelet probes. Returns the status (the
   * connect is part of the time a caller measures).
   */
  public static int getOnFreshConnection(int port, String path, int timeoutMillis) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
      socket.setSoTimeout(timeoutMillis);
      socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      byte[] head = in.readNBytes(12);
      in.transferTo(OutputStream.nullOutputStream());
      String status = new String(head, StandardCharsets.US_ASCII);
      return status.startsWith("HTTP/1.1 ") ? Integer.parseInt(status.substring(9, 12)) : -1;
    } catch (IOException e) {
      throw new UncheckedIOException("GET " + path + " on port " + port + " failed", e);
    }
  }

  /**
   * GETs on one kept-alive connection, as a scraper makes them; when the server has closed it, the GET fails and the
   * next one opens a new connection (nothing is retried behind the caller's back).
   */
  public static final class KeptAlive implements AutoCloseable {

    private final int port;
    private Socket socket;
    private int connections;

    public KeptAlive(int port) {
      this.port = port;
    }

    /** The status, or -1 when the kept connection turned out closed (the next call opens another). */
    public int get(String path, int timeoutMillis) {
      try {
        if (socket == null) {
          socket = new Socket();
          socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
          socket.setSoTimeout(timeoutMillis);
          connections++;
        }
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (head.indexOf("\r\n\r\n") < 0) {
          int b = in.read();
          if (b < 0) {
            throw new IOException("closed by the server");
          }
          head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
          if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
            length = Integer.parseInt(line.substring(15).trim());
          }
        }
        in.readNBytes(length);
        return Integer.parseInt(head.substring(9, 12));
      } catch (IOException e) {
        close();
        return -1;
      }
    }

    /** Connections opened so far: one, unless the server closed the kept one. */
    public int connections() {
      return connections;
    }

    @Override
    public void close() {
      if (socket != null) {
        try {
          socket.close();
        } catch (IOException e) {
          // closed anyway
        }
        socket = null;
      }
    }
  }

  /** Open file descriptors of this process (sockets included), from /proc; -1 where there is no /proc. */
  public static int openFileDescriptors() {
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return (int) fds.count();
    } catch (IOException e) {
      return -1;
    }
  }
}
