package io.storedash.monitor.redis;

/**
 * The figures of one full Redis health check. Any figure may be {@code null} when the server did not report it.
 *
 * @param maxmemory       bytes; 0 means "no limit", as Redis reports it
 * @param configReadable  whether CONFIG GET answered; when it did not, maxmemory and policy come from INFO
 * @param pingMillis      the round trip of the latest PING
 */
public record RedisReading(
  String version,
  Long usedMemory,
  Long usedMemoryRss,
  Long maxmemory,
  String maxmemoryPolicy,
  boolean configReadable,
  Double fragmentationRatio,
  Long fragmentationBytes,
  Long evictedKeys,
  Long keyspaceHits,
  Long keyspaceMisses,
  Long connectedClients,
  Long blockedClients,
  Long rejectedConnections,
  Long uptimeSeconds,
  Double pingMillis) {

  /**
   * A reading from INFO; {@code configMaxmemory}/{@code configPolicy} are the CONFIG GET answers, {@code null} when
   * CONFIG was refused (then the INFO figures are used).
   */
  public static RedisReading of(RedisInfo info, Long configMaxmemory, String configPolicy, Double pingMillis) {
    boolean configReadable = configMaxmemory != null || configPolicy != null;
    return new RedisReading(
      info.version(),
      info.usedMemory(),
      info.usedMemoryRss(),
      configMaxmemory != null ? configMaxmemory : info.maxmemory(),
      configPolicy != null ? configPolicy : info.maxmemoryPolicy(),
      configReadable,
      info.fragmentationRatio(),
      info.fragmentationBytes(),
      info.evictedKeys(),
      info.keyspaceHits(),
      info.keyspaceMisses(),
      info.connectedClients(),
      info.blockedClients(),
      info.rejectedConnections(),
      info.uptimeSeconds(),
      pingMillis);
  }

  /** The same reading with a newer PING round trip, measured by the light probe between full checks. */
  public RedisReading withPing(Double millis) {
    return new RedisReading(version, usedMemory, usedMemoryRss, maxmemory, maxmemoryPolicy, configReadable,
      fragmentationRatio, fragmentationBytes, evictedKeys, keyspaceHits, keyspaceMisses, connectedClients,
      blockedClients, rejectedConnections, uptimeSeconds, millis);
  }

  public boolean hasMaxmemory() {
    return maxmemory != null && maxmemory > 0;
  }

  /** used / maxmemory in percent; {@code null} without a limit. */
  public Double usagePercent() {
    if (!hasMaxmemory() || usedMemory == null) {
      return null;
    }
    return usedMemory * 100.0 / maxmemory;
  }

  /** keyspace_hits / (hits + misses); {@code null} before the first lookup. */
  public Double hitRate() {
    if (keyspaceHits == null || keyspaceMisses == null || keyspaceHits + keyspaceMisses == 0) {
      return null;
    }
    return keyspaceHits / (double) (keyspaceHits + keyspaceMisses);
  }
}
