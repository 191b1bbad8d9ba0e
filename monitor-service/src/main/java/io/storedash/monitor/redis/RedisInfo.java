package io.storedash.monitor.redis;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The {@code field:value} lines of one or more Redis {@code INFO} replies. Unknown, missing or malformed fields read
 * as {@code null}: a Redis of another version, or one that hides a section, still yields every figure it has.
 */
public final class RedisInfo {

  private final Map<String, String> fields;

  private RedisInfo(Map<String, String> fields) {
    this.fields = Collections.unmodifiableMap(fields);
  }

  /** Parses the text of INFO replies; several sections may be passed and are merged. */
  public static RedisInfo parse(String... replies) {
    Map<String, String> fields = new LinkedHashMap<>();
    for (String reply : replies) {
      if (reply == null) {
        continue;
      }
      // RESP3 may deliver INFO as a verbatim string whose text starts with its format.
      String text = reply.startsWith("txt:") ? reply.substring(4) : reply;
      for (String raw : text.split("\r?\n")) {
        String line = raw.strip();
        int colon = line.indexOf(':');
        if (line.isEmpty() || line.startsWith("#") || colon <= 0) {
          continue;
        }
        fields.put(line.substring(0, colon), line.substring(colon + 1));
      }
    }
    return new RedisInfo(fields);
  }

  public Map<String, String> fields() {
    return fields;
  }

  public String text(String name) {
    String value = fields.get(name);
    return value == null || value.isEmpty() ? null : value;
  }

  public Long whole(String name) {
    String value = text(name);
    if (value == null) {
      return null;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  public Double decimal(String name) {
    String value = text(name);
    if (value == null) {
      return null;
    }
    try {
      double d = Double.parseDouble(value);
      return Double.isFinite(d) ? d : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  public String version() {
    return text("redis_version");
  }

  public Long usedMemory() {
    return whole("used_memory");
  }

  public Long usedMemoryRss() {
    return whole("used_memory_rss");
  }

  /** {@code maxmemory} as INFO memory reports it (Redis 3.2+): the fallback when CONFIG GET is refused. */
  public Long maxmemory() {
    return whole("maxmemory");
  }

  public String maxmemoryPolicy() {
    return text("maxmemory_policy");
  }

  public Double fragmentationRatio() {
    return decimal("mem_fragmentation_ratio");
  }

  /** RSS minus used memory, as Redis 5+ reports it; derived from the two figures on older servers. */
  public Long fragmentationBytes() {
    Long reported = whole("mem_fragmentation_bytes");
    if (reported != null) {
      return reported;
    }
    Long rss = usedMemoryRss();
    Long used = usedMemory();
    return rss == null || used == null ? null : rss - used;
  }

  public Long evictedKeys() {
    return whole("evicted_keys");
  }

  public Long keyspaceHits() {
    return whole("keyspace_hits");
  }

  public Long keyspaceMisses() {
    return whole("keyspace_misses");
  }

  public Long connectedClients() {
    return whole("connected_clients");
  }

  public Long blockedClients() {
    return whole("blocked_clients");
  }

  public Long rejectedConnections() {
    return whole("rejected_connections");
  }

  public Long uptimeSeconds() {
    return whole("uptime_in_seconds");
  }

  /** Keys over every database, from the {@code db0:keys=12,expires=12,avg_ttl=0} lines of INFO keyspace. */
  public long keys() {
    long keys = 0;
    for (Map.Entry<String, String> field : fields.entrySet()) {
      if (field.getKey().matches("db\\d+")) {
        for (String part : field.getValue().split(",")) {
          if (part.startsWith("keys=")) {
            try {
              keys += Long.parseLong(part.substring(5));
            } catch (NumberFormatException e) {
              // a malformed line counts for nothing
            }
          }
        }
      }
    }
    return keys;
  }

  /** {@code master} or {@code slave}, from INFO replication. */
  public String role() {
    return text("role");
  }
}
