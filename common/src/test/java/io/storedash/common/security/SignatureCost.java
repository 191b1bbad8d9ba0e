package io.storedash.common.security;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.storedash.common.Addresses;
import io.storedash.common.bootstrap.SystemFigures;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * Prints what a signature costs (docs/DESIGN.md §11.3): a heartbeat-sized JSON and a 1 MiB import chunk, each signed
 * and verified, after a warm-up round:
 * <pre>
 * ./mvnw -q -o test-compile -pl common &amp;&amp; ./mvnw -q -o dependency:build-classpath -pl common -Dmdep.outputFile=/tmp/cp
 * java -cp common/target/classes:common/target/test-classes:$(cat /tmp/cp) io.storedash.common.security.SignatureCost
 * </pre>
 */
public final class SignatureCost {

  private SignatureCost() {
  }

  public static void main(String[] args) {
    MessageSignatures signatures = MessageSignatures.of(ClusterKeys.random(), "node", new SimpleMeterRegistry());
    JsonObject stats = new JsonObject();
    for (int i = 0; i < 40; i++) {
      stats.put("figure_" + i, new JsonObject().put("hits", i * 1000L).put("rate", i / 7.0).put("name", "层级-" + i));
    }
    JsonObject heartbeat = new JsonObject().put("service", "cache-service").put("node", "6f1c0000-0000-0000-0000-000000000000")
      .put("version", "0.1.0").put("uptime_ms", 123_456_789L).put("interval_ms", 5000).put("draining", false)
      .put("system", SystemFigures.now()).put("stats", stats);
    Buffer chunk = Buffer.buffer(new byte[1024 * 1024]);
    System.out.printf("heartbeat: %d bytes of JSON%n", heartbeat.toBuffer().length());
    for (int round = 0; round < 3; round++) {
      double heartbeatMicros = micros(signatures, Addresses.HEARTBEAT, heartbeat, 20_000);
      double chunkMicros = micros(signatures, Addresses.IMPORT_SESSIONS + ".x", chunk, 200);
      System.out.printf("round %d: heartbeat signed and verified in %.1f µs; 1 MiB chunk in %.2f ms (%.0f MiB/s on each side)%n",
        round, heartbeatMicros, chunkMicros / 1000, 2 / (chunkMicros / 1e6));
    }
  }

  private static double micros(MessageSignatures signatures, String address, Object body, int times) {
    long started = System.nanoTime();
    for (int i = 0; i < times; i++) {
      DeliveryOptions signed = signatures.sign(address, body);
      if (!signatures.verify(address, MultiMap.caseInsensitiveMultiMap().addAll(signed.getHeaders()), body).valid()) {
        throw new AssertionError("a signature that does not verify");
      }
    }
    return (System.nanoTime() - started) / 1000.0 / times;
  }
}
