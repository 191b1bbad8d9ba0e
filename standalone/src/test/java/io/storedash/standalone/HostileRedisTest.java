package io.storedash.standalone;

import io.storedash.common.Gzip;
import io.storedash.common.embedded.EmbeddedRedisServer;
import io.storedash.common.security.ClusterKeys;
import io.storedash.common.testing.Eventually;
import io.storedash.common.testing.Resp;
import io.storedash.common.testing.TestStorage;
import io.storedash.cache.tier.Entry;
import io.storedash.cache.tier.EntryCodec;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Someone who reaches Redis (issue 17: the standalone's had no password, and a forged entry written under a real key
 * was served as {@code X-Cache: L2}). The embedded Redis now refuses a client without its password; and an entry
 * that cache-service did not seal for its key — written by whoever got in anyway — is a MISS with the figures
 * query-service computes, counted, and overwritten.
 */
class HostileRedisTest {

  private static final String OVERVIEW = "/api/v1/stores/%s/overview?from=2026-10-01&to=2026-10-30";
  private static HostileStack stack;
  private static Redis redis;

  @BeforeAll
  static void start() {
    stack = new HostileStack();
    redis = Redis.createClient(stack.node.vertx(), TestStorage.redisUrl());
  }

  @AfterAll
  static void stop() {
    redis.close();
    stack.close();
  }

  private static HttpResponse<Buffer> get(String uri, boolean bypass) {
    HttpRequest<Buffer> request = stack.client.get(uri).bearerTokenAuthentication(HostileStack.TOKEN);
    if (bypass) {
      request.putHeader("X-Cache-Bypass", "1");
    }
    HttpResponse<Buffer> response = request.send().await();
    assertThat(response.statusCode()).as(uri + ": " + response.bodyAsString()).isEqualTo(200);
    return response;
  }

  /** The overview's L2 key of a store, as cache-service wrote it (found by SCAN: the data version is the database's). */
  private static String overviewKey(String store) {
    String cursor = "0";
    List<String> found = new ArrayList<>();
    do {
      Response reply = redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg("sd:3:L2:{" + store + "}:*")
        .arg("COUNT").arg(1000)).await();
      cursor = reply.get(0).toString();
      reply.get(1).forEach(key -> found.add(key.toString()));
    } while (!"0".equals(cursor));
    return found.stream().filter(k -> k.contains(":overview|") && k.contains("2026-10-01")).findFirst().orElse(null);
  }

  private static byte[] stored(String key) {
    Response value = redis.send(Request.cmd(Command.GET).arg(key)).await();
    return value == null ? null : value.toBytes();
  }

  private static JsonObject rejectedL2() {
    return get("/api/v1/admin/cache/stats", false).bodyAsJsonObject().getJsonObject("tiers").getJsonObject("L2")
      .getJsonObject("rejected");
  }

  @Test
  void theEmbeddedRedisRefusesAClientWithoutItsPasswordAndTheStackWorksWithIt() {
    EmbeddedRedisServer embedded = TestStorage.embeddedRedis();
    Assumptions.assumeTrue(embedded != null, "REDIS_URL names an external Redis");
    assertThatThrownBy(() -> Resp.command(embedded.port(), "SET", "sd:3:L2:{S001}:v1:forged", "x")).hasMessageStartingWith("NOAUTH");
    assertThatThrownBy(() -> Resp.command(embedded.port(), "FLUSHALL")).hasMessageStartingWith("NOAUTH");
    assertThat(get("/api/v1/stores", false).bodyAsJsonObject().getJsonArray("stores")).hasSize(3);
    JsonObject monitor = get("/api/v1/monitor", false).bodyAsJsonObject().getJsonObject("redis");
    assertThat(monitor.getBoolean("connected")).isTrue();
    assertThat(monitor.getBoolean("password_required")).isTrue();
    assertThat(monitor.getJsonArray("warnings").encode()).doesNotContain("no_password");
  }

  @Test
  void anEntryCacheServiceDidNotSealIsAMissWithTheFiguresOfQueryService() {
    String uri = String.format(OVERVIEW, "S001");
    JsonObject truth = get(uri, true).bodyAsJsonObject();
    // A range of its own reaches Redis on its second request (docs/DESIGN.md §12.3).
    get(uri, false);
    get(uri, false);
    get(String.format(OVERVIEW, "S002"), false);
    get(String.format(OVERVIEW, "S002"), false);
    String key = Eventually.poll(Duration.ofSeconds(5), () -> overviewKey("S001"), k -> k != null && stored(k) != null);
    String otherKey = Eventually.poll(Duration.ofSeconds(5), () -> overviewKey("S002"), k -> k != null && stored(k) != null);
    assertThat(key).as("S001's overview in Redis").isNotNull();
    assertThat(otherKey).as("S002's overview in Redis").isNotNull();
    byte[] valid = stored(key);
    byte[] otherStore = stored(otherKey);
    Matcher version = Pattern.compile(":v(\\d+):").matcher(key);
    assertThat(version.find()).isTrue();
    long dataVersion = Long.parseLong(version.group(1));

    // What an attacker wants shown: the store's revenue multiplied.
    JsonObject lie = truth.copy();
    lie.getJsonObject("kpis").put("revenue", 9_989_575.0).put("orders", 1);
    byte[] lieGzip = Gzip.compress(lie.encode().getBytes(StandardCharsets.UTF_8));
    ByteBuffer formatOne = ByteBuffer.allocate(19 + lieGzip.length);
    formatOne.put((byte) 'S').put((byte) 'D').put((byte) 1).putLong(System.currentTimeMillis()).putLong(dataVersion).put(lieGzip);
    ByteBuffer wrongMac = ByteBuffer.allocate(39 + lieGzip.length);
    wrongMac.put(valid, 0, 23).put(new byte[16]).put(lieGzip);
    Map<String, byte[]> forgeries = new LinkedHashMap<>();
    forgeries.put("unsigned", formatOne.array());
    forgeries.put("forged", wrongMac.array());
    forgeries.put("forged (S002's entry copied)", otherStore);
    forgeries.put("other_key", EntryCodec.of(ClusterKeys.random()).encode(key, new Entry(System.currentTimeMillis(), dataVersion, lieGzip)));
    forgeries.put("corrupt", lie.encode().getBytes(StandardCharsets.UTF_8));

    JsonObject before = rejectedL2();
    Map<String, Long> expected = new LinkedHashMap<>();
    for (Map.Entry<String, byte[]> forgery : forgeries.entrySet()) {
      String reason = forgery.getKey().split(" ")[0];
      redis.send(Request.cmd(Command.SET).arg(key).arg(Buffer.buffer(forgery.getValue())).arg("PX").arg(600_000)).await();
      stack.client.delete("/api/v1/admin/cache?tier=L4").bearerTokenAuthentication(HostileStack.TOKEN).send().await();
      HttpResponse<Buffer> answer = get(uri, false);
      assertThat(answer.getHeader("X-Cache")).as(forgery.getKey()).isEqualTo("MISS");
      assertThat(answer.bodyAsJsonObject().getJsonObject("kpis")).as(forgery.getKey()).isEqualTo(truth.getJsonObject("kpis"));
      expected.merge(reason, 1L, Long::sum);
      assertThat(rejectedL2().getLong(reason) - before.getLong(reason)).as(forgery.getKey()).isEqualTo(expected.get(reason));
      assertThat(Eventually.until(Duration.ofSeconds(5), () -> !Arrays.equals(stored(key), forgery.getValue())))
        .as("the forged entry overwritten").isTrue();
    }
    String metrics = get("/metrics", false).bodyAsString();
    assertThat(metrics).containsPattern("storedash_cache_entries_rejected_total\\{[^}]*reason=\"unsigned\"[^}]*tier=\"L2\"[^}]*} [1-9]");
    System.out.printf("forged Redis entries answered MISS with query-service's figures; rejected: %s%n", rejectedL2().encode());
  }
}
