package io.storedash.common.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A blocking RESP2 client for test set-up and assertions: one command per connection, so a test can talk to any node
 * of a cluster, a replica or a Sentinel directly, without going through the client under test.
 */
public final class Resp {

  /** Redis answered with an error reply ({@code -ERR ...}, {@code -MOVED ...}). */
  public static final class ErrorReply extends RuntimeException {
    public ErrorReply(String message) {
      super(message);
    }
  }

  private static final int TIMEOUT_MS = 5000;
  /** The AUTH arguments of servers that require a password, by port. */
  private static final Map<Integer, List<String>> CREDENTIALS = new ConcurrentHashMap<>();

  private Resp() {
  }

  /**
   * From now on every command to {@code port} is sent after {@code AUTH password}: for fixtures whose servers require a
   * password ({@code requirepass}).
   */
  public static void authenticate(int port, String password) {
    CREDENTIALS.put(port, List.of("AUTH", password));
  }

  /**
   * Runs one command on 127.0.0.1:{@code port}. Returns a String (simple or bulk string), Long, {@code List<Object>}
   * or null.
   *
   * @throws ErrorReply     when Redis answers with an error
   * @throws UncheckedIOException when nothing listens or the connection breaks
   */
  public static Object command(int port, String... args) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MS);
      socket.setSoTimeout(TIMEOUT_MS);
      OutputStream out = socket.getOutputStream();
      ByteArrayOutputStream request = new ByteArrayOutputStream();
      List<String> auth = CREDENTIALS.get(port);
      if (auth != null) {
        encode(request, auth.toArray(String[]::new));
      }
      encode(request, args);
      out.write(request.toByteArray());
      out.flush();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      if (auth != null) {
        read(in);
      }
      return read(in);
    } catch (IOException e) {
      throw new UncheckedIOException("Redis on port " + port + ": " + String.join(" ", args) + ": " + e.getMessage(), e);
    }
  }

  private static void encode(ByteArrayOutputStream request, String... args) {
    request.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
    for (String arg : args) {
      byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
      request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
      request.writeBytes(bytes);
      request.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
    }
  }

  /** The reply as text; for INFO-like replies. */
  public static String text(int port, String... args) {
    return String.valueOf(command(port, args));
  }

  public static long number(int port, String... args) {
    return (Long) command(port, args);
  }

  /** The value of a {@code field:value} line of an INFO or CLUSTER INFO reply; null when absent. */
  public static String field(String info, String name) {
    for (String line : info.split("\r?\n")) {
      if (line.startsWith(name + ":")) {
        return line.substring(name.length() + 1).strip();
      }
    }
    return null;
  }

  /** True when something answers PING on the port (a server that wants a password first answers too). */
  public static boolean answers(int port) {
    try {
      return "PONG".equals(command(port, "PING"));
    } catch (ErrorReply e) {
      return e.getMessage().startsWith("NOAUTH");
    } catch (RuntimeException e) {
      return false;
    }
  }

  private static Object read(InputStream in) throws IOException {
    int type = in.read();
    String line = line(in);
    return switch (type) {
      case '+' -> line;
      case '-' -> throw new ErrorReply(line);
      case ':' -> Long.parseLong(line);
      case '$' -> {
        int length = Integer.parseInt(line);
        if (length < 0) {
          yield null;
        }
        byte[] bytes = in.readNBytes(length);
        line(in);
        yield new String(bytes, StandardCharsets.UTF_8);
      }
      case '*' -> {
        int count = Integer.parseInt(line);
        if (count < 0) {
          yield null;
        }
        List<Object> items = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
          items.add(read(in));
        }
        yield items;
      }
      case -1 -> throw new IOException("connection closed");
      default -> throw new IOException("unexpected RESP type '" + (char) type + "'");
    };
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != -1) {
      if (b == '\r') {
        in.read();
        break;
      }
      line.write(b);
    }
    return line.toString(StandardCharsets.UTF_8);
  }
}
