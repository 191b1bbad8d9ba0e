package io.storedash.common.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * An attacker in a process of its own: it opens many connections to one server on 127.0.0.1 and keeps every one the
 * server lets it keep, so that the file descriptors it costs are this process's, not the test JVM's (whose limit is
 * the server's). Run by {@link FloodProcess}; one thread, non-blocking sockets, no dependencies beyond the JDK.
 *
 * <p>Two kinds of flood:
 * <ul>
 *   <li>{@code request}: each connection sends one GET (an event stream) and reads its status line; a 200 is held
 *       open and read from until the end, any other status is counted and the connection closed. At most
 *       {@code concurrency} attempts are waiting for their answer at once, so 20,000 attempts pass in waves.</li>
 *   <li>{@code idle}: each connection sends nothing and is held until the server closes it: within
 *       {@code at-once-ms} of its connect it counts as {@code closed_at_once}, later as {@code closed_after_held}
 *       with the time from its connect to that close.</li>
 * </ul>
 * Attempt {@code i} leaves from source address {@code 127.1.x.y} number {@code i % sources} (1 = from 127.0.0.1
 * only): Linux answers for all of 127.0.0.0/8, so one process can be many clients.
 *
 * <p>It prints {@code STARTED}, then {@code DONE <figures>} when every attempt has its outcome (an idle connection's
 * is being connected), {@code DRAINED <figures>} once the server has closed every connection it held, and holds what
 * it holds until a line {@code release} (or the end of its input, or {@code deadline-ms}) arrives; it then closes
 * everything, prints {@code RELEASED released=<connections it closed> <figures>} and exits. Figures are {@code key=value} pairs separated by spaces.
 */
public final class ConnectionFlood {

  private enum Kind { REQUEST, IDLE }

  private static final class Attempt {
    final int index;
    final long startedNanos;
    final ByteBuffer head = ByteBuffer.allocate(64);
    ByteBuffer request;
    boolean held;

    Attempt(int index, long startedNanos) {
      this.index = index;
      this.startedNanos = startedNanos;
    }
  }

  private final Kind kind;
  private final int port;
  private final int attempts;
  private final int concurrency;
  private final int sources;
  private final String path;
  private final long answerTimeoutNanos;
  private final long deadlineNanos;
  private final long atOnceNanos;
  private final Selector selector;
  private final Map<String, Integer> outcomes = new TreeMap<>();
  private final List<Long> closedAfterMillis = new ArrayList<>();
  private final ByteBuffer sink = ByteBuffer.allocate(16 * 1024);
  private int started;
  private int waiting;
  private int held;
  private int maxHeld;
  private volatile boolean release;

  private ConnectionFlood(Map<String, String> args) throws IOException {
    kind = Kind.valueOf(args.getOrDefault("kind", "request").toUpperCase(Locale.ROOT));
    port = Integer.parseInt(args.get("port"));
    attempts = Integer.parseInt(args.get("attempts"));
    concurrency = Integer.parseInt(args.getOrDefault("concurrency", "500"));
    sources = Integer.parseInt(args.getOrDefault("sources", "1"));
    path = args.getOrDefault("path", "/");
    answerTimeoutNanos = Long.parseLong(args.getOrDefault("answer-timeout-ms", "5000")) * 1_000_000;
    deadlineNanos = System.nanoTime() + Long.parseLong(args.getOrDefault("deadline-ms", "60000")) * 1_000_000;
    atOnceNanos = Long.parseLong(args.getOrDefault("at-once-ms", "500")) * 1_000_000;
    selector = Selector.open();
  }

  public static void main(String[] argv) throws Exception {
    Map<String, String> args = new HashMap<>();
    for (String arg : argv) {
      int eq = arg.indexOf('=');
      args.put(arg.substring(0, eq), arg.substring(eq + 1));
    }
    ConnectionFlood flood = new ConnectionFlood(args);
    Thread input = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null && !line.equals("release")) {
          // wait for "release"
        }
      } catch (IOException e) {
        // the test is gone: release
      }
      flood.release = true;
      flood.selector.wakeup();
    }, "flood-input");
    input.setDaemon(true);
    input.start();
    System.out.println("STARTED");
    System.out.flush();
    flood.run();
  }

  private static InetAddress source(int index, int sources) throws IOException {
    if (sources <= 1) {
      return InetAddress.getByName("127.0.0.1");
    }
    int n = index % sources;
    return InetAddress.getByAddress(new byte[] {127, 1, (byte) (n / 250), (byte) (n % 250 + 1)});
  }

  private void run() throws IOException {
    boolean done = false;
    boolean drained = false;
    while (!release && System.nanoTime() < deadlineNanos) {
      while (started < attempts && waiting < concurrency) {
        open();
      }
      if (!done && started == attempts && waiting == 0) {
        done = true;
        report("DONE");
      }
      if (done && !drained && held == 0) {
        drained = true;
        report("DRAINED");
      }
      selector.select(50);
      Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
      while (keys.hasNext()) {
        SelectionKey key = keys.next();
        keys.remove();
        if (key.isValid()) {
          handle(key);
        }
      }
      expire();
    }
    if (!done) {
      report("DONE");
    }
    int released = 0;
    for (SelectionKey key : selector.keys()) {
      released += key.channel().isOpen() ? 1 : 0;
      key.channel().close();
    }
    held = 0;
    report("RELEASED released=" + released);
  }

  private void open() throws IOException {
    Attempt attempt = new Attempt(started++, System.nanoTime());
    waiting++;
    SocketChannel channel = SocketChannel.open();
    try {
      channel.configureBlocking(false);
      channel.bind(new InetSocketAddress(source(attempt.index, sources), 0));
      if (kind == Kind.REQUEST) {
        attempt.request = ByteBuffer.wrap(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      }
      if (channel.connect(new InetSocketAddress("127.0.0.1", port))) {
        connected(channel.register(selector, 0, attempt));
      } else {
        channel.register(selector, SelectionKey.OP_CONNECT, attempt);
      }
    } catch (IOException e) {
      channel.close();
      outcome(attempt, "connect_failed");
    }
  }

  private void connected(SelectionKey key) {
    Attempt attempt = (Attempt) key.attachment();
    if (kind == Kind.IDLE) {
      // Counted as its own: a connection the server took, which it now has to close.
      attempt.held = true;
      held++;
      maxHeld = Math.max(maxHeld, held);
      waiting--;
      key.interestOps(SelectionKey.OP_READ);
    } else {
      key.interestOps(SelectionKey.OP_WRITE);
    }
  }

  private void handle(SelectionKey key) {
    Attempt attempt = (Attempt) key.attachment();
    SocketChannel channel = (SocketChannel) key.channel();
    try {
      if (key.isConnectable()) {
        channel.finishConnect();
        connected(key);
      } else if (key.isWritable()) {
        channel.write(attempt.request);
        if (!attempt.request.hasRemaining()) {
          key.interestOps(SelectionKey.OP_READ);
        }
      } else if (key.isReadable()) {
        read(key, attempt, channel);
      }
    } catch (IOException e) {
      end(key, attempt, attempt.held ? "reset_after_held" : "reset");
    }
  }

  private void read(SelectionKey key, Attempt attempt, SocketChannel channel) throws IOException {
    if (attempt.held) {
      sink.clear();
      if (channel.read(sink) < 0) {
        end(key, attempt, "closed_after_held");
      }
      return;
    }
    if (channel.read(attempt.head) < 0) {
      end(key, attempt, "closed_before_answer");
      return;
    }
    String head = new String(attempt.head.array(), 0, attempt.head.position(), StandardCharsets.US_ASCII);
    int eol = head.indexOf("\r\n");
    if (eol < 0 && attempt.head.hasRemaining()) {
      return;
    }
    String[] status = head.substring(0, eol < 0 ? head.length() : eol).split(" ");
    String code = status.length > 1 ? status[1] : "garbled";
    if (code.equals("200")) {
      attempt.held = true;
      held++;
      maxHeld = Math.max(maxHeld, held);
      waiting--;
      count("200");
    } else {
      end(key, attempt, code);
    }
  }

  /** Closes an attempt: a refusal (a status), or the end of a connection it held. */
  private void end(SelectionKey key, Attempt attempt, String outcome) {
    try {
      key.channel().close();
    } catch (IOException e) {
      // closing anyway
    }
    if (attempt.held) {
      held--;
      long after = System.nanoTime() - attempt.startedNanos;
      if (kind == Kind.IDLE && after <= atOnceNanos) {
        count("closed_at_once");
      } else {
        if (kind == Kind.IDLE) {
          closedAfterMillis.add(after / 1_000_000);
        }
        count(outcome);
      }
    } else {
      outcome(attempt, outcome);
    }
  }

  private void outcome(Attempt attempt, String outcome) {
    waiting--;
    count(outcome);
  }

  private void count(String outcome) {
    outcomes.merge(outcome, 1, Integer::sum);
  }

  /** Attempts without an answer in time are given up (a server too busy to answer is what a flood aims at). */
  private void expire() {
    long now = System.nanoTime();
    for (SelectionKey key : new ArrayList<>(selector.keys())) {
      Attempt attempt = (Attempt) key.attachment();
      if (key.isValid() && !attempt.held && now - attempt.startedNanos > answerTimeoutNanos) {
        end(key, attempt, "no_answer");
      }
    }
  }

  private void report(String what) {
    StringBuilder line = new StringBuilder(what);
    line.append(" attempts=").append(started).append(" held=").append(held).append(" max_held=").append(maxHeld);
    outcomes.forEach((outcome, n) -> line.append(" outcome.").append(outcome).append('=').append(n));
    if (!closedAfterMillis.isEmpty()) {
      List<Long> sorted = new ArrayList<>(closedAfterMillis);
      sorted.sort(null);
      line.append(" closed_after_ms.min=").append(sorted.get(0))
        .append(" closed_after_ms.max=").append(sorted.get(sorted.size() - 1))
        .append(" closed_after_ms.count=").append(sorted.size());
    }
    System.out.println(line);
    System.out.flush();
  }
}
