package io.storedash.monitor.status;

import io.storedash.common.ServiceNames;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.function.Function;

/**
 * The monitor's findings as Prometheus gauges, read from the latest snapshot: Redis and PostgreSQL health, the
 * live instances per service, and the overall status, so alert rules and dashboards need no JSON scraping.
 */
public final class MonitorMetrics {

  private static final List<String> SERVICES = ServiceNames.ALL;
  private volatile JsonObject latest = new JsonObject();

  public MonitorMetrics(MeterRegistry registry) {
    gauge(registry, "storedash_status", "overall status: 0 green, 1 yellow, 2 red", s -> switch (s.getString("status", "")) {
      case "green" -> 0.0;
      case "yellow" -> 1.0;
      case "red" -> 2.0;
      default -> Double.NaN;
    });
    gauge(registry, "storedash_redis_up", "1 when the monitor reaches Redis", s -> flag(redis(s).getBoolean("connected")));
    gauge(registry, "storedash_redis_latency_ms", "PING round trip", s -> number(redis(s).getValue("latency_ms")));
    gauge(registry, "storedash_redis_memory_used_mb", "used_memory", s -> number(memory(s).getValue("used_mb")));
    gauge(registry, "storedash_redis_memory_max_mb", "maxmemory (0: none)", MonitorMetrics::maxMemoryMb);
    gauge(registry, "storedash_redis_memory_usage_ratio", "used / maxmemory", s -> number(memory(s).getValue("usage_percent")) / 100);
    gauge(registry, "storedash_redis_fragmentation_ratio", "mem_fragmentation_ratio", s -> number(redis(s).getValue("fragmentation")));
    gauge(registry, "storedash_redis_evicted_keys", "evicted_keys since Redis started", s -> number(redis(s).getValue("evictions")));
    gauge(registry, "storedash_redis_rejected_connections", "rejected_connections since Redis started",
      s -> number(redis(s).getJsonObject("clients", new JsonObject()).getValue("rejected")));
    gauge(registry, "storedash_redis_hit_ratio", "keyspace hits / lookups", s -> number(redis(s).getValue("hit_rate")));
    gauge(registry, "storedash_redis_warnings", "warnings in the latest check", s -> (double) redis(s).getJsonArray("warnings", new JsonArray()).size());
    gauge(registry, "storedash_redis_masters_down", "masters of a Redis Cluster that the monitor cannot reach (0 for one server)",
      s -> redis(s).containsKey("masters") ? redis(s).getInteger("masters") - redis(s).getLong("masters_up") : 0.0);
    gauge(registry, "storedash_postgres_up", "1 when the monitor reaches PostgreSQL", s -> flag(postgres(s).getBoolean("reachable")));
    gauge(registry, "storedash_postgres_latency_ms", "SELECT 1 round trip", s -> number(postgres(s).getValue("latency_ms")));
    gauge(registry, "storedash_cache_hit_ratio", "cache answers / lookups, all cache-service instances",
      s -> number(s.getJsonObject("cache", new JsonObject()).getValue("hit_rate")));
    gauge(registry, "storedash_cluster_unknown_members", "cluster members that sent no signed heartbeat (docs/DESIGN.md §11.3)",
      s -> (double) s.getJsonObject("cluster", new JsonObject()).getJsonArray("unknown_members", new JsonArray()).size());
    for (String service : SERVICES) {
      Gauge.builder("storedash_cluster_instances", this, m -> instances(m.latest, service))
        .description("live instances of a service, from heartbeats").tag("service", service).register(registry);
    }
  }

  /** Called with every snapshot the monitor assembles. */
  public void update(JsonObject snapshot) {
    latest = snapshot;
  }

  private void gauge(MeterRegistry registry, String name, String description, Function<JsonObject, Double> value) {
    Gauge.builder(name, this, m -> {
      try {
        return value.apply(m.latest);
      } catch (RuntimeException e) {
        return Double.NaN;
      }
    }).description(description).register(registry);
  }

  private static double instances(JsonObject snapshot, String service) {
    JsonArray list = snapshot.getJsonObject("cluster", new JsonObject()).getJsonObject("services", new JsonObject()).getJsonArray(service);
    if (list == null) {
      return 0;
    }
    return list.stream().filter(i -> i instanceof JsonObject o && "live".equals(o.getString("state"))).count();
  }

  private static JsonObject redis(JsonObject s) {
    return s.getJsonObject("redis", new JsonObject());
  }

  private static JsonObject memory(JsonObject s) {
    return redis(s).getJsonObject("memory", new JsonObject());
  }

  /**
   * maxmemory in MB; 0 for a Redis that was read and has none (the snapshot says {@code max_mb: null} there, which
   * as NaN would never compare equal to 0 and the alert for it could never fire); NaN only before a first reading.
   */
  static double maxMemoryMb(JsonObject snapshot) {
    JsonObject memory = redis(snapshot).getJsonObject("memory");
    if (memory == null) {
      return Double.NaN;
    }
    Object max = memory.getValue("max_mb");
    return max == null ? 0 : number(max);
  }

  private static JsonObject postgres(JsonObject s) {
    return s.getJsonObject("postgres", new JsonObject());
  }

  private static double flag(Boolean value) {
    return value == null ? Double.NaN : value ? 1 : 0;
  }

  private static double number(Object value) {
    return value instanceof Number n ? n.doubleValue() : Double.NaN;
  }
}
