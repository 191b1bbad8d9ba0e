package io.storedash.gateway.http;

import io.storedash.common.Gzip;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The body of {@code GET /api/v1/bench/constant}: a fixed JSON document of about 2 KB, shaped like a dashboard
 * answer, serialized and compressed once at start-up. Served the way a cache hit is served (stored gzip bytes, ETag,
 * X-Cache) but without any event-bus hop, it measures what the gateway alone can do on this machine.
 */
public final class ConstantPayload {

  public static final int TARGET_BYTES = 2048;

  private final Buffer plain;
  private final Buffer gzip;
  private final String etag;

  public ConstantPayload() {
    JsonObject doc = new JsonObject()
      .put("store", "BENCH")
      .put("from", "2026-10-01")
      .put("to", "2026-10-30")
      .put("note", "constant payload for load-test baselines; computed once, no event-bus hop");
    JsonArray days = new JsonArray();
    doc.put("days", days);
    for (int day = 1; doc.encode().length() < TARGET_BYTES - 80; day++) {
      days.add(new JsonObject()
        .put("day", String.format(Locale.ROOT, "2026-10-%02d", (day - 1) % 30 + 1))
        .put("orders", 100 + day * 7 % 31)
        .put("revenue", 4200.5 + day * 13.25));
    }
    byte[] bytes = doc.encode().getBytes(StandardCharsets.UTF_8);
    this.plain = Buffer.buffer(bytes);
    this.gzip = Buffer.buffer(Gzip.compress(bytes));
    this.etag = "W/\"const-" + Integer.toHexString(doc.encode().hashCode()) + "\"";
  }

  public Buffer plain() {
    return plain;
  }

  public Buffer gzip() {
    return gzip;
  }

  public String etag() {
    return etag;
  }
}
