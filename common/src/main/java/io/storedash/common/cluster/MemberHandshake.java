package io.storedash.common.cluster;

import com.hazelcast.nio.MemberSocketInterceptor;
import io.storedash.common.security.ClusterKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Arrays;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;

/**
 * The proof every Hazelcast connection opens with (docs/DESIGN.md §11.2): before a byte of Hazelcast's own protocol,
 * both ends show that they know the cluster's member key ({@link ClusterKeys#MEMBER_HANDSHAKE}, derived from
 * CLUSTER_SECRET), without sending it:
 * <pre>
 *   accepting end  → MAGIC, N1                                   (32 random bytes)
 *   connecting end → MAGIC, N2, HMAC(k, "c" | N1 | N2)
 *   accepting end  → HMAC(k, "s" | N1 | N2)                       (only when the connecting end's proof was right)
 * </pre>
 * Each end's nonce makes the other's proof fresh (a recorded handshake replays into nothing), and the two labels keep
 * one end's proof from being reflected back as the other's. A failure throws, and Hazelcast closes the socket: a
 * foreign member, a Hazelcast client or anything else that does not speak this never reaches Hazelcast's join or
 * client protocol. Hazelcast (open source) calls {@link #onAccept} and {@link #onConnect} on a blocking socket from its
 * cached thread pool, once per connection, when the socket-interceptor configuration is enabled.
 *
 * <p>The handshake reads with a short timeout, so that a peer that connects and says nothing costs one pooled thread
 * for at most {@link #TIMEOUT}; at most {@link #MAX_IN_FLIGHT} inbound handshakes run at once, the rest are refused
 * at once. A refusal closes the socket, is logged with the peer's address (never a key or a proof) and is reported
 * to the listener.
 */
public final class MemberHandshake implements MemberSocketInterceptor {

  /** How long each end waits for the other's next message. */
  public static final Duration TIMEOUT = Duration.ofSeconds(5);
  /** Inbound handshakes running at once; a flood of silent connections cannot take more threads than this. */
  public static final int MAX_IN_FLIGHT = 64;

  private static final Logger LOG = LoggerFactory.getLogger(MemberHandshake.class);
  private static final byte[] MAGIC = "SDM1".getBytes(StandardCharsets.US_ASCII);
  private static final int NONCE_BYTES = 32;
  private static final int MAC_BYTES = 32;
  private static final byte CONNECTING = 'c';
  private static final byte ACCEPTING = 's';

  private final byte[] key;
  private final int timeoutMillis;
  private final Consumer<Refusal> onRefused;
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
  private final SecureRandom random = new SecureRandom();

  /** Which end refused, whom, and why (a sentence that names no secret). */
  public record Refusal(Side side, String peer, String reason) {
  }

  /** The end of the connection this member is. */
  public enum Side {
    /** Another process connected to this member. */
    ACCEPT,
    /** This member connected to another process. */
    CONNECT;

    public String label() {
      return name().toLowerCase();
    }
  }

  /**
   * A handshake refused: Hazelcast closes the socket and logs the message. Without a stack trace, which would say
   * nothing the message does not and would make every refused connection a screenful in the log.
   */
  public static final class Refused extends IOException {
    Refused(String message) {
      super(message);
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
      return this;
    }
  }

  public MemberHandshake(ClusterKeys keys, Consumer<Refusal> onRefused) {
    this(keys, TIMEOUT, onRefused);
  }

  public MemberHandshake(ClusterKeys keys, Duration timeout, Consumer<Refusal> onRefused) {
    this.key = keys.derive(ClusterKeys.MEMBER_HANDSHAKE);
    this.timeoutMillis = Math.toIntExact(timeout.toMillis());
    this.onRefused = onRefused;
  }

  @Override
  public void init(Properties properties) {
    // Configured in code: the key comes from CLUSTER_SECRET, not from Hazelcast's properties.
  }

  @Override
  public void onAccept(Socket socket) throws IOException {
    if (!inFlight.tryAcquire()) {
      throw refuse(Side.ACCEPT, socket, MAX_IN_FLIGHT + " member handshakes are already in progress");
    }
    try {
      withTimeout(socket, Side.ACCEPT, () -> accept(socket));
    } finally {
      inFlight.release();
    }
  }

  @Override
  public void onConnect(Socket socket) throws IOException {
    withTimeout(socket, Side.CONNECT, () -> connect(socket));
  }

  private void accept(Socket socket) throws IOException {
    byte[] n1 = nonce();
    OutputStream out = socket.getOutputStream();
    out.write(concat(MAGIC, n1));
    out.flush();
    DataInputStream in = new DataInputStream(socket.getInputStream());
    byte[] magic = read(in, MAGIC.length);
    if (!Arrays.equals(magic, MAGIC)) {
      throw refuse(Side.ACCEPT, socket, "it does not speak the StoreDash member handshake (not a StoreDash member, "
        + "or a Hazelcast client)");
    }
    byte[] n2 = read(in, NONCE_BYTES);
    byte[] proof = read(in, MAC_BYTES);
    if (!ClusterKeys.same(proof, mac(CONNECTING, n1, n2))) {
      throw refuse(Side.ACCEPT, socket, "its proof does not match this member's CLUSTER_SECRET");
    }
    out.write(mac(ACCEPTING, n1, n2));
    out.flush();
  }

  private void connect(Socket socket) throws IOException {
    DataInputStream in = new DataInputStream(socket.getInputStream());
    byte[] magic = read(in, MAGIC.length);
    if (!Arrays.equals(magic, MAGIC)) {
      throw refuse(Side.CONNECT, socket, "it does not speak the StoreDash member handshake (not a StoreDash member)");
    }
    byte[] n1 = read(in, NONCE_BYTES);
    byte[] n2 = nonce();
    OutputStream out = socket.getOutputStream();
    out.write(concat(MAGIC, n2, mac(CONNECTING, n1, n2)));
    out.flush();
    byte[] proof;
    try {
      proof = read(in, MAC_BYTES);
    } catch (EOFException e) {
      throw refuse(Side.CONNECT, socket, "it closed the connection after this member's proof (a different "
        + "CLUSTER_SECRET)");
    }
    if (!ClusterKeys.same(proof, mac(ACCEPTING, n1, n2))) {
      throw refuse(Side.CONNECT, socket, "its proof does not match this member's CLUSTER_SECRET");
    }
  }

  private interface Exchange {
    void run() throws IOException;
  }

  /** Runs the exchange with the handshake's read timeout, then gives Hazelcast the socket as it was. */
  private void withTimeout(Socket socket, Side side, Exchange exchange) throws IOException {
    int before = socket.getSoTimeout();
    socket.setSoTimeout(timeoutMillis);
    try {
      exchange.run();
    } catch (Refused e) {
      throw e;
    } catch (SocketTimeoutException e) {
      throw refuse(side, socket, "it sent no handshake within " + timeoutMillis + " ms");
    } catch (EOFException e) {
      throw refuse(side, socket, "it closed the connection during the handshake");
    } catch (IOException e) {
      throw refuse(side, socket, "the handshake failed: " + e.getMessage());
    }
    socket.setSoTimeout(before);
  }

  /** Logs and reports a refusal, and closes the socket so the peer learns at once (Hazelcast closes it too). */
  private Refused refuse(Side side, Socket socket, String reason) {
    String peer = peer(socket);
    try {
      socket.close();
    } catch (IOException ignored) {
      // Closing is the refusal; a socket that fails to close is closed as far as this member is concerned.
    }
    LOG.warn("member handshake refused ({} {}): {}", side.label(), peer, reason);
    onRefused.accept(new Refusal(side, peer, reason));
    return new Refused("StoreDash member handshake refused " + peer + ": " + reason);
  }

  private static String peer(Socket socket) {
    SocketAddress address = socket.getRemoteSocketAddress();
    return address == null ? "an unconnected socket" : address.toString().replaceFirst("^[^/]*/", "");
  }

  private byte[] mac(byte label, byte[] n1, byte[] n2) {
    return ClusterKeys.hmac(key, concat(new byte[] {label}, n1, n2));
  }

  private byte[] nonce() {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    return nonce;
  }

  private static byte[] read(DataInputStream in, int length) throws IOException {
    byte[] bytes = new byte[length];
    in.readFully(bytes);
    return bytes;
  }

  private static byte[] concat(byte[]... parts) {
    int length = 0;
    for (byte[] part : parts) {
      length += part.length;
    }
    byte[] all = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return all;
  }

  @Override
  public String toString() {
    return "MemberHandshake[***]";
  }
}
