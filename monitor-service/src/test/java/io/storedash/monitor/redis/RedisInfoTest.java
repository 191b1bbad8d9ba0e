package io.storedash.monitor.redis;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class RedisInfoTest {

  static final String SERVER = "# Server\r\nredis_version:7.0.15\r\nredis_mode:standalone\r\nos:Linux 6.1 x86_64\r\n"
    + "uptime_in_seconds:3605\r\nuptime_in_days:0\r\n";
  static final String MEMORY = "# Memory\r\nused_memory:201326592\r\nused_memory_human:192.00M\r\n"
    + "used_memory_rss:322122547\r\nmaxmemory:268435456\r\nmaxmemory_human:256.00M\r\nmaxmemory_policy:allkeys-lru\r\n"
    + "mem_fragmentation_ratio:1.60\r\nmem_fragmentation_bytes:120795955\r\n";
  static final String STATS = "# Stats\r\ntotal_connections_received:12\r\nrejected_connections:2\r\nevicted_keys:40\r\n"
    + "keyspace_hits:900\r\nkeyspace_misses:100\r\n";
  static final String CLIENTS = "# Clients\r\nconnected_clients:7\r\nblocked_clients:1\r\n";

  @Test
  void readsTheFiguresOfSeveralSections() {
    RedisInfo info = RedisInfo.parse(SERVER, MEMORY, STATS, CLIENTS);

    assertThat(info.version()).isEqualTo("7.0.15");
    assertThat(info.uptimeSeconds()).isEqualTo(3605L);
    assertThat(info.usedMemory()).isEqualTo(201_326_592L);
    assertThat(info.usedMemoryRss()).isEqualTo(322_122_547L);
    assertThat(info.maxmemory()).isEqualTo(268_435_456L);
    assertThat(info.maxmemoryPolicy()).isEqualTo("allkeys-lru");
    assertThat(info.fragmentationRatio()).isEqualTo(1.6);
    assertThat(info.fragmentationBytes()).isEqualTo(120_795_955L);
    assertThat(info.evictedKeys()).isEqualTo(40L);
    assertThat(info.rejectedConnections()).isEqualTo(2L);
    assertThat(info.keyspaceHits()).isEqualTo(900L);
    assertThat(info.keyspaceMisses()).isEqualTo(100L);
    assertThat(info.connectedClients()).isEqualTo(7L);
    assertThat(info.blockedClients()).isEqualTo(1L);
  }

  @Test
  void countsTheKeysOfEveryDatabaseAndReadsTheRole() {
    RedisInfo info = RedisInfo.parse("# Keyspace\r\ndb0:keys=12,expires=12,avg_ttl=900\r\ndb3:keys=5,expires=0,avg_ttl=0\r\n",
      "# Replication\r\nrole:slave\r\nmaster_host:10.0.0.1\r\n");
    assertThat(info.keys()).isEqualTo(17);
    assertThat(info.role()).isEqualTo("slave");
    assertThat(RedisInfo.parse("# Keyspace\r\n").keys()).isZero();
  }

  @Test
  void keepsTheValueAfterTheFirstColonAndSkipsCommentsAndBlankLines() {
    RedisInfo info = RedisInfo.parse("# Server\nos:Linux 6.1\n\nexecutable:/tmp/redis:7\n# Keyspace\ndb0:keys=3,expires=0,avg_ttl=0\n");

    assertThat(info.text("executable")).isEqualTo("/tmp/redis:7");
    assertThat(info.text("db0")).isEqualTo("keys=3,expires=0,avg_ttl=0");
    assertThat(info.fields()).hasSize(3);
  }

  @Test
  void missingOrMalformedFiguresReadAsNull() {
    RedisInfo info = RedisInfo.parse("txt:# Memory\r\nused_memory:abc\r\nused_memory_rss:100\r\n", null);

    assertThat(info.usedMemory()).isNull();
    assertThat(info.maxmemory()).isNull();
    assertThat(info.version()).isNull();
    assertThat(info.fragmentationRatio()).isNull();
    // No mem_fragmentation_bytes (Redis < 5) and no used_memory: the waste cannot be derived.
    assertThat(info.fragmentationBytes()).isNull();
    assertThat(info.whole("used_memory_rss")).isEqualTo(100L);
  }

  @Test
  void derivesFragmentationBytesOnOlderServers() {
    RedisInfo info = RedisInfo.parse("used_memory:100\nused_memory_rss:250\n");

    assertThat(info.fragmentationBytes()).isEqualTo(150L);
  }

  @Test
  void configAnswersWinOverInfoAndHitRateIsComputed() {
    RedisInfo info = RedisInfo.parse(SERVER, MEMORY, STATS, CLIENTS);

    RedisReading fromConfig = RedisReading.of(info, 0L, "noeviction", 1.0);
    RedisReading fromInfo = RedisReading.of(info, null, null, 1.0);

    assertThat(fromConfig.maxmemory()).isZero();
    assertThat(fromConfig.maxmemoryPolicy()).isEqualTo("noeviction");
    assertThat(fromConfig.configReadable()).isTrue();
    assertThat(fromConfig.usagePercent()).isNull();
    assertThat(fromInfo.maxmemory()).isEqualTo(268_435_456L);
    assertThat(fromInfo.configReadable()).isFalse();
    assertThat(fromInfo.usagePercent()).isEqualTo(75.0);
    assertThat(fromInfo.hitRate()).isEqualTo(0.9);
  }
}
