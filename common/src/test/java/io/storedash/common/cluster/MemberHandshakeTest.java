package io.storedash.common.cluster;

import io.storedash.common.security.ClusterKeys;
import io.storedash.common.testing.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The member handshake over real loopback sockets, as Hazelcast hands them to it (blocking, before its protocol). */
class MemberHandshakeTest {

  private static final Duration SHORT = Duration.ofMillis(400);

  private final String secret = TestCertificates.randomSecret();
  private final List<MemberHandshake.Refusal> refusals = new CopyOnWriteArrayList<>();
  private final ExecutorService acceptor = Executors.newCachedThreadPool();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final ServerSocket server;

  MemberHandshakeTest() throws IOException {
    server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
  }

  @AfterEach
  void close() throws IOException {
    acceptor.shutdownNow();
    for (Socket socket : sockets) {
      socket.close();
    }
    server.close();
  }

  private MemberHandshake handshake(String secret) {
    return new MemberHandshake(ClusterKeys.of(secret), SHORT, refusals::add);
  }

  /** Accepts the next connection and runs {@code handshake.onAccept} on it; completes with the socket. */
  private Future<Socket> acceptWith(MemberHandshake handshake) {
    return acceptor.submit(() -> {
      Socket socket = server.accept();
      sockets.add(socket);
      handshake.onAccept(socket);
      return socket;
    });
  }

  private Socket connect() throws IOException {
    Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
    sockets.add(socket);
    return socket;
  }

  @Test
  void membersWithTheSameSecretProveItToEachOtherAndKeepTheConnectionForHazelcast() throws Exception {
    Future<Socket> accepted = acceptWith(handshake(secret));
    Socket connecting = connect();
    handshake(secret).onConnect(connecting);
    Socket accepting = accepted.get(5, TimeUnit.SECONDS);

    // Hazelcast's protocol follows on the same socket, with no handshake byte left over and no read timeout left set.
    connecting.getOutputStream().write("HZC".getBytes(StandardCharsets.US_ASCII));
    assertThat(accepting.getInputStream().readNBytes(3)).isEqualTo("HZC".getBytes(StandardCharsets.US_ASCII));
    assertThat(accepting.getSoTimeout()).isZero();
    assertThat(connecting.getSoTimeout()).isZero();
    assertThat(refusals).isEmpty();
  }

  @Test
  void aMemberWithAnotherSecretIsRefusedAtBothEndsWithoutEitherSecretInTheMessages() throws Exception {
    String other = TestCertificates.randomSecret();
    Future<Socket> accepted = acceptWith(handshake(secret));
    Socket connecting = connect();

    assertThatThrownBy(() -> handshake(other).onConnect(connecting))
      .isInstanceOf(MemberHandshake.Refused.class).hasMessageContaining("CLUSTER_SECRET");
    assertThatThrownBy(() -> accepted.get(5, TimeUnit.SECONDS))
      .hasCauseInstanceOf(MemberHandshake.Refused.class)
      .hasMessageContaining("its proof does not match this member's CLUSTER_SECRET")
      .hasMessageContaining("127.0.0.1:" + connecting.getLocalPort());
    assertThat(refusals).extracting(MemberHandshake.Refusal::side)
      .containsExactlyInAnyOrder(MemberHandshake.Side.ACCEPT, MemberHandshake.Side.CONNECT);
    for (MemberHandshake.Refusal refusal : refusals) {
      assertThat(refusal.toString()).doesNotContain(secret).doesNotContain(other);
    }
  }

  @Test
  void aHazelcastClientIsRefusedBeforeHazelcastSeesItsProtocol() throws Exception {
    Future<Socket> accepted = acceptWith(handshake(secret));
    Socket client = connect();
    // A Hazelcast client opens with its protocol header "CP2" and its authentication request.
    byte[] opening = new byte[68];
    System.arraycopy("CP2".getBytes(StandardCharsets.US_ASCII), 0, opening, 0, 3);
    client.getOutputStream().write(opening);

    assertThatThrownBy(() -> accepted.get(5, TimeUnit.SECONDS))
      .hasCauseInstanceOf(MemberHandshake.Refused.class)
      .hasMessageContaining("does not speak the StoreDash member handshake");
    // Refused means closed: the client reads the end of the stream after the nonce it could not answer.
    client.setSoTimeout(2000);
    assertThat(client.getInputStream().readNBytes(100)).hasSize(36);
    assertThat(refusals).singleElement().extracting(MemberHandshake.Refusal::side).isEqualTo(MemberHandshake.Side.ACCEPT);
  }

  @Test
  void aSilentPeerHoldsTheHandshakeOnlyUntilItsTimeout() throws Exception {
    Future<Socket> accepted = acceptWith(handshake(secret));
    Socket silent = connect();
    long started = System.nanoTime();

    assertThatThrownBy(() -> accepted.get(5, TimeUnit.SECONDS))
      .hasCauseInstanceOf(MemberHandshake.Refused.class)
      .hasMessageContaining("sent no handshake within " + SHORT.toMillis() + " ms");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    assertThat(silent.isClosed()).isFalse();
  }

  @Test
  void aMemberConnectingToSomethingSilentGivesUpAfterItsTimeout() throws Exception {
    acceptor.submit(() -> sockets.add(server.accept()));
    Socket connecting = connect();
    assertThatThrownBy(() -> handshake(secret).onConnect(connecting))
      .isInstanceOf(MemberHandshake.Refused.class).hasMessageContaining("sent no handshake within");
  }

  @Test
  void aFloodOfSilentConnectionsIsCappedAndTheRestAreRefusedAtOnce() throws Exception {
    MemberHandshake shared = new MemberHandshake(ClusterKeys.of(secret), Duration.ofSeconds(5), refusals::add);
    List<Future<Socket>> held = new ArrayList<>();
    for (int i = 0; i < MemberHandshake.MAX_IN_FLIGHT; i++) {
      held.add(acceptWith(shared));
      connect();
    }
    // Every one of them is now waiting for its peer's answer, holding a place.
    awaitWaiting(MemberHandshake.MAX_IN_FLIGHT);
    Future<Socket> oneMore = acceptWith(shared);
    connect();
    long started = System.nanoTime();
    assertThatThrownBy(() -> oneMore.get(5, TimeUnit.SECONDS))
      .hasCauseInstanceOf(MemberHandshake.Refused.class)
      .hasMessageContaining(MemberHandshake.MAX_IN_FLIGHT + " member handshakes are already in progress");
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(2));
    held.forEach(f -> f.cancel(true));
  }

  /** Each silent connection has received the accepting end's nonce once its handshake is waiting. */
  private void awaitWaiting(int count) throws IOException {
    int ready = 0;
    for (Socket socket : sockets) {
      if (socket.getLocalPort() != server.getLocalPort()) {
        InputStream in = socket.getInputStream();
        socket.setSoTimeout(5000);
        assertThat(in.readNBytes(36)).hasSize(36);
        ready++;
      }
    }
    assertThat(ready).isEqualTo(count);
  }
}
