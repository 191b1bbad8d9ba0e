package io.storedash.standalone.faults;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;

import java.util.ArrayDeque;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A TCP proxy on loopback in front of PostgreSQL or Redis that injects faults, in the manner of Toxiproxy: added
 * latency on every chunk in both directions, every connection reset at once or periodically, or the upstream made
 * unreachable (new connections closed on accept). Order of bytes is kept under latency.
 */
public final class FaultProxy implements AutoCloseable {

  private final Vertx vertx;
  private final String upstreamHost;
  private final int upstreamPort;
  private final NetClient client;
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private NetServer server;
  private volatile long latencyMillis;
  private volatile boolean down;
  private long resetTimer = -1;

  public FaultProxy(Vertx vertx, String upstreamHost, int upstreamPort) {
    this.vertx = vertx;
    this.upstreamHost = upstreamHost;
    this.upstreamPort = upstreamPort;
    this.client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(2000).setTcpNoDelay(true));
  }

  /** Listens on a free loopback port; returns it. */
  public int start() {
    server = vertx.createNetServer(new NetServerOptions().setHost("127.0.0.1").setPort(0).setTcpNoDelay(true))
      .connectHandler(this::accept);
    return server.listen().await().actualPort();
  }

  public int port() {
    return server.actualPort();
  }

  /** Adds this much delay to every chunk, both ways; 0 removes it. */
  public void latency(long millis) {
    this.latencyMillis = millis;
  }

  /** Resets (closes) every open connection now. */
  public void resetAll() {
    for (Link link : links) {
      link.close();
    }
  }

  /** Resets every open connection each {@code periodMillis}; 0 stops it. */
  public synchronized void resetEvery(long periodMillis) {
    if (resetTimer >= 0) {
      vertx.cancelTimer(resetTimer);
      resetTimer = -1;
    }
    if (periodMillis > 0) {
      resetTimer = vertx.setPeriodic(periodMillis, id -> resetAll());
    }
  }

  /** Unreachable: every open connection is reset and new ones are closed as soon as they are accepted. */
  public void down() {
    down = true;
    resetAll();
  }

  public void up() {
    down = false;
  }

  /** Back to a plain proxy. */
  public void heal() {
    up();
    latency(0);
    resetEvery(0);
  }

  private void accept(NetSocket downstream) {
    if (down) {
      downstream.close();
      return;
    }
    downstream.pause();
    client.connect(upstreamPort, upstreamHost).onComplete(ar -> {
      if (ar.failed()) {
        downstream.close();
        return;
      }
      Link link = new Link(downstream, ar.result());
      links.add(link);
      link.wire();
      downstream.resume();
    });
  }

  @Override
  public void close() {
    resetEvery(0);
    resetAll();
    if (server != null) {
      server.close().await();
    }
    client.close().await();
  }

  /** One proxied connection: two sockets and a delayed, ordered queue per direction. */
  private final class Link {
    private final NetSocket downstream;
    private final NetSocket upstream;
    private final Delayed toUpstream;
    private final Delayed toDownstream;

    Link(NetSocket downstream, NetSocket upstream) {
      this.downstream = downstream;
      this.upstream = upstream;
      this.toUpstream = new Delayed(upstream);
      this.toDownstream = new Delayed(downstream);
    }

    void wire() {
      downstream.handler(toUpstream::offer);
      upstream.handler(toDownstream::offer);
      downstream.closeHandler(v -> close());
      upstream.closeHandler(v -> close());
      downstream.exceptionHandler(e -> close());
      upstream.exceptionHandler(e -> close());
    }

    void close() {
      if (links.remove(this)) {
        downstream.close();
        upstream.close();
      }
    }
  }

  /** Writes chunks to a socket after the current latency, in the order they came. */
  private final class Delayed {
    private final NetSocket target;
    private final ArrayDeque<Object[]> queue = new ArrayDeque<>();
    private boolean scheduled;

    Delayed(NetSocket target) {
      this.target = target;
    }

    void offer(Buffer chunk) {
      long delay = latencyMillis;
      if (delay == 0 && queue.isEmpty()) {
        target.write(chunk);
        return;
      }
      queue.add(new Object[] {System.nanoTime() + delay * 1_000_000, chunk});
      drain();
    }

    private void drain() {
      if (scheduled) {
        return;
      }
      while (!queue.isEmpty()) {
        long due = (long) queue.peek()[0];
        long wait = (due - System.nanoTime()) / 1_000_000;
        if (wait > 0) {
          scheduled = true;
          vertx.setTimer(wait, id -> {
            scheduled = false;
            drain();
          });
          return;
        }
        target.write((Buffer) queue.poll()[1]);
      }
    }
  }
}
