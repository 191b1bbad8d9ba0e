package io.storedash.cache.tier;

import io.storedash.common.redis.RedisClusterNodes;
import io.storedash.common.security.Redaction;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * L1–L3 in Redis: one server, the master that Sentinels name, or a Redis Cluster. Every command has a timeout, and a
 * failed read counts as a miss: when Redis (or one master of a cluster) is down or slow the cache keeps answering
 * from L4 and query-service, and the pooled client reconnects by itself when Redis returns.
 *
 * <p>GET and SET name one key. SCAN, whose cursor belongs to one server, runs on every master of a cluster, and the
 * only multi-key command, UNLINK, is sent there per hash tag ({@link CacheKeys#slotGroup}), so it never spans two
 * cluster slots.
 */
public final class RedisTier {

  private static final Logger LOG = LoggerFactory.getLogger(RedisTier.class);
  /** Redis counts as reachable again only after this long without a failed command: one log line per outage. */
  private static final long RECOVERED_AFTER_MILLIS = TimeUnit.SECONDS.toMillis(2);

  /** Where a SCAN runs: a server with its own keyspace, named for logs and admin replies. */
  private record Keyspace(String name, Redis client) {
  }

  private final Redis redis;
  private final EntryCodec codec;
  private final TierStats stats;
  private final RedisClusterNodes cluster;
  private final String name;
  private final long timeoutMillis;
  private final String node;
  private final Clock clock;
  private final AtomicLong errors = new AtomicLong();
  private volatile boolean up = true;
  private volatile long lastFailure;

  /**
   * @param redis   the client every keyed command goes through (a cluster client routes it by slot)
   * @param codec   seals entries on the way in and checks them on the way out
   * @param stats   where entries that fail the check are counted
   * @param cluster the masters of a Redis Cluster, for SCAN; null for one server or a Sentinel-watched master
   * @param name    what Redis is, for logs, without credentials
   * @param clock   what the quiet time before Redis counts as reachable again is measured by
   */
  public RedisTier(Redis redis, EntryCodec codec, TierStats stats, RedisClusterNodes cluster, String name, Duration timeout,
                   String node, Clock clock) {
    this.redis = redis;
    this.codec = codec;
    this.stats = stats;
    this.cluster = cluster;
    this.name = name;
    this.timeoutMillis = timeout.toMillis();
    this.node = node;
    this.clock = clock;
  }

  /** What Redis is (server, Sentinel master or cluster), without credentials. */
  public String name() {
    return name;
  }

  public boolean up() {
    return up;
  }

  public long errors() {
    return errors.get();
  }

  /**
   * The entry of {@code tier} under {@code key}, or null when there is none, Redis failed, or what is stored there is
   * not an entry this cache sealed for that key: then it is counted as rejected, and the caller, seeing a miss,
   * computes the entry again and overwrites it.
   */
  public Future<Entry> get(Tier tier, String key) {
    return read(tier, key).map(Read::entry);
  }

  /**
   * What Redis holds for a key: the checked entry, or null; {@code present} when Redis held bytes for the key even if
   * they were rejected (then whatever is computed must overwrite them, docs/DESIGN.md §11.4).
   */
  public record Read(Entry entry, boolean present) {
  }

  /** As {@link #get}, saying also whether Redis held anything (a rejected entry) for the key. */
  public Future<Read> read(Tier tier, String key) {
    return send(redis, Request.cmd(Command.GET).arg(key), "GET", key)
      .map(response -> {
        if (response == null) {
          return new Read(null, false);
        }
        try {
          return new Read(codec.decode(key, response.toBytes()), true);
        } catch (EntryCodec.RejectedEntry e) {
          stats.rejected(tier, e.reason());
          LOG.warn("cache entry {} rejected ({}: {}) on node {}: answered as a miss and computed again", key,
            e.reason().label(), e.getMessage(), node);
          return new Read(null, true);
        }
      })
      .otherwise(new Read(null, false));
  }

  public Future<Void> set(String key, Entry entry, Duration ttl) {
    return send(redis, Request.cmd(Command.SET).arg(key).arg(Buffer.buffer(codec.encode(key, entry))).arg("PX").arg(ttl.toMillis()), "SET", key)
      .<Void>mapEmpty()
      .otherwiseEmpty();
  }

  public Future<Long> ping() {
    long started = System.nanoTime();
    return send(redis, Request.cmd(Command.PING), "PING", null).map(r -> TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  /**
   * Deletes every key matching the pattern on every master, by SCAN, so Redis is never blocked; completes with the
   * count per master. Fails, naming them, when a master could not be flushed — after the others were.
   */
  public Future<Map<String, Long>> deleteMatching(String pattern) {
    return onEveryMaster(pattern, true);
  }

  /** Counts the keys matching the pattern on every master, by SCAN. */
  public Future<Long> countMatching(String pattern) {
    return onEveryMaster(pattern, false).map(counts -> counts.values().stream().mapToLong(Long::longValue).sum());
  }

  private Future<Map<String, Long>> onEveryMaster(String pattern, boolean delete) {
    Future<List<Keyspace>> keyspaces = cluster == null
      ? Future.succeededFuture(List.of(new Keyspace(name, redis)))
      : cluster.discover().map(masters -> masters.stream().map(m -> new Keyspace(m.hostPort(), cluster.client(m.hostPort()))).toList());
    return keyspaces.compose(spaces -> {
      List<Future<Long>> each = new ArrayList<>();
      for (Keyspace space : spaces) {
        Promise<Long> done = Promise.promise();
        scan(space, "0", pattern, delete, 0, done);
        each.add(done.future());
      }
      return Future.join(each).transform(ignored -> {
        Map<String, Long> counts = new LinkedHashMap<>();
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < spaces.size(); i++) {
          Future<Long> result = each.get(i);
          if (result.succeeded()) {
            counts.put(spaces.get(i).name(), result.result());
          } else {
            failed.add(spaces.get(i).name() + " (" + Redaction.message(result.cause()) + ")");
          }
        }
        if (!failed.isEmpty()) {
          return Future.failedFuture((delete ? "not flushed on " : "not counted on ") + String.join(", ", failed)
            + (counts.isEmpty() ? "" : "; done on " + counts));
        }
        return Future.succeededFuture(counts);
      });
    });
  }

  private void scan(Keyspace space, String cursor, String pattern, boolean delete, long count, Promise<Long> done) {
    send(space.client(), Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(pattern).arg("COUNT").arg(1000), "SCAN", null)
      .compose(reply -> {
        String next = reply.get(0).toString();
        Response keys = reply.get(1);
        Future<Long> step = delete && keys.size() > 0 ? unlink(space, keys) : Future.succeededFuture((long) keys.size());
        return step.map(n -> new Object[] {next, n});
      })
      .onSuccess(step -> {
        long total = count + (Long) step[1];
        if ("0".equals(step[0])) {
          done.complete(total);
        } else {
          scan(space, (String) step[0], pattern, delete, total, done);
        }
      })
      .onFailure(done::fail);
  }

  /**
   * One UNLINK per hash tag, each naming keys of one slot only, on the server whose SCAN found them: that needs no
   * connection to the other masters, so a cluster's live masters are flushed while another one is down.
   */
  private Future<Long> unlink(Keyspace space, Response keys) {
    Map<String, Request> bySlot = new LinkedHashMap<>();
    keys.forEach(k -> {
      String key = k.toString();
      bySlot.computeIfAbsent(CacheKeys.slotGroup(key), g -> Request.cmd(Command.UNLINK)).arg(key);
    });
    List<Future<Response>> sent = bySlot.values().stream().map(request -> send(space.client(), request, "UNLINK", null)).toList();
    return Future.all(sent).map(all -> sent.stream().mapToLong(f -> f.result().toLong()).sum());
  }

  private Future<Response> send(Redis client, Request request, String command, String key) {
    return client.send(request)
      .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
      .onSuccess(r -> {
        if (!up && clock.millis() - lastFailure > RECOVERED_AFTER_MILLIS) {
          up = true;
          LOG.info("Redis {} reachable again from node {}", name, node);
        }
      })
      .onFailure(e -> {
        errors.incrementAndGet();
        lastFailure = clock.millis();
        if (up) {
          up = false;
          LOG.warn("Redis {} failed {}{} on node {}, answering from L4 and query-service until it returns: {}", name, command,
            key == null ? "" : " " + key, node, Redaction.message(e));
        }
      });
  }

  public Future<Void> close() {
    Future<Void> nodes = cluster == null ? Future.succeededFuture() : cluster.close();
    return Future.join(nodes, redis.close()).mapEmpty();
  }
}
