package io.storedash.cache.tier;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * L1–L3 in Redis. Every command has a timeout, and a failed read counts as a miss: when Redis is down or slow the
 * cache keeps answering from L4 and query-service, and the pooled client reconnects by itself when Redis returns.
 */
public final class RedisTier {

  private static final Logger LOG = LoggerFactory.getLogger(RedisTier.class);

  private final Redis redis;
  private final long timeoutMillis;
  private final String node;
  private final AtomicLong errors = new AtomicLong();
  private volatile boolean up = true;

  public RedisTier(Redis redis, Duration timeout, String node) {
    this.redis = redis;
    this.timeoutMillis = timeout.toMillis();
    this.node = node;
  }

  public boolean up() {
    return up;
  }

  public long errors() {
    return errors.get();
  }

  /** The entry, or null when there is none, it is unreadable, or Redis failed. */
  public Future<Entry> get(String key) {
    return send(Request.cmd(Command.GET).arg(key), "GET")
      .map(response -> {
        if (response == null) {
          return null;
        }
        try {
          return Entry.decode(response.toBytes());
        } catch (IllegalArgumentException e) {
          LOG.warn("unreadable cache entry {} ignored", key);
          return null;
        }
      })
      .otherwise((Entry) null);
  }

  public Future<Void> set(String key, Entry entry, Duration ttl) {
    return send(Request.cmd(Command.SET).arg(key).arg(Buffer.buffer(entry.encode())).arg("PX").arg(ttl.toMillis()), "SET")
      .<Void>mapEmpty()
      .otherwiseEmpty();
  }

  public Future<Long> ping() {
    long started = System.nanoTime();
    return send(Request.cmd(Command.PING), "PING").map(r -> TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  /** Deletes every key matching the pattern, by SCAN, so Redis is never blocked; completes with the count. */
  public Future<Long> deleteMatching(String pattern) {
    Promise<Long> done = Promise.promise();
    scan("0", pattern, true, 0, done);
    return done.future();
  }

  /** Counts the keys matching the pattern, by SCAN. */
  public Future<Long> countMatching(String pattern) {
    Promise<Long> done = Promise.promise();
    scan("0", pattern, false, 0, done);
    return done.future();
  }

  private void scan(String cursor, String pattern, boolean delete, long count, Promise<Long> done) {
    send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(1000), "SCAN")
      .compose(reply -> {
        String next = reply.get(0).toString();
        Response keys = reply.get(1);
        long found = keys.size();
        Future<Long> step;
        if (delete && found > 0) {
          Request del = Request.cmd(Command.UNLINK);
          keys.forEach(k -> del.arg(k.toString()));
          step = send(del, "UNLINK").map(r -> r.toLong());
        } else {
          step = Future.succeededFuture(found);
        }
        return step.map(n -> new Object[] {next, n});
      })
      .onSuccess(step -> {
        long total = count + (Long) step[1];
        if ("0".equals(step[0])) {
          done.complete(total);
        } else {
          scan((String) step[0], pattern, delete, total, done);
        }
      })
      .onFailure(done::fail);
  }

  private Future<Response> send(Request request, String command) {
    return redis.send(request)
      .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
      .onSuccess(r -> {
        if (!up) {
          up = true;
          LOG.info("Redis reachable again from node {}", node);
        }
      })
      .onFailure(e -> {
        errors.incrementAndGet();
        if (up) {
          up = false;
          LOG.warn("Redis {} failed on node {}, answering from L4 and query-service until it returns: {}", command, node,
            e.getMessage());
        }
      });
  }

  public void close() {
    redis.close();
  }
}
