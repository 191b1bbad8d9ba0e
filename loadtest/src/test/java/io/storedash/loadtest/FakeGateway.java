package io.storedash.loadtest;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.RoutingContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;

/**
 * A stand-in for the gateway that answers the dashboard's routes with known behaviour and counts what it sent, so
 * a test can compare the tool's figures with the truth: JSON with {@code X-Cache} (3 of 4 cached answers are L4,
 * 1 MISS), {@code /hours} not built yet (404), every 5th {@code /diagnosis} a 500, {@code /trend} 20 ms slow,
 * {@code /slow} 600 ms slow, {@code /const} a constant body (gzip when asked), and an optional one-time stall of
 * every response for a second.
 */
public final class FakeGateway extends VerticleBase {

  public static final int TREND_DELAY_MS = 20;
  public static final int SLOW_DELAY_MS = 600;
  public static final byte[] CONSTANT = "{\"ok\":true,\"payload\":\"0123456789abcdef0123456789abcdef\"}"
    .getBytes(java.nio.charset.StandardCharsets.UTF_8);
  public static final byte[] CONSTANT_GZIP = gzip(CONSTANT);

  private final long stallAfterMs;
  private final long stallForMs;
  private HttpServer server;

  public final AtomicLong answered = new AtomicLong();
  public final Map<String, AtomicLong> byCache = new ConcurrentHashMap<>();
  public final Map<Integer, AtomicLong> byStatus = new ConcurrentHashMap<>();
  public final Map<String, AtomicLong> byKind = new ConcurrentHashMap<>();
  public final Map<String, AtomicLong> overviewByStore = new ConcurrentHashMap<>();
  public final Map<String, AtomicLong> fromDates = new ConcurrentHashMap<>();
  public final AtomicLong withBearer = new AtomicLong();
  /** Sessions handed out by POST /api/v1/session, and requests that carried each. */
  public final Map<String, AtomicLong> bySession = new ConcurrentHashMap<>();
  public final AtomicLong withoutSession = new AtomicLong();
  public static final String PASSWORD = "correct horse battery";
  public final AtomicInteger openConnections = new AtomicInteger();
  public final AtomicInteger connectionsSeen = new AtomicInteger();
  private final AtomicLong cachedCounter = new AtomicLong();
  private final AtomicLong diagnosisCounter = new AtomicLong();
  private volatile long firstRequestNanos;
  private volatile long stallUntilNanos;
  private volatile boolean stalled;

  /** No stall. */
  public FakeGateway() {
    this(-1, 0);
  }

  /** Holds every response for {@code stallForMs} once, {@code stallAfterMs} after the first request. */
  public FakeGateway(long stallAfterMs, long stallForMs) {
    this.stallAfterMs = stallAfterMs;
    this.stallForMs = stallForMs;
  }

  public int port() {
    return server.actualPort();
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.route().handler(this::count);
    router.post("/api/v1/session").handler(BodyHandler.create()).handler(rc -> {
      JsonObject body = rc.body().asJsonObject();
      if (!PASSWORD.equals(body.getString("password"))) {
        rc.response().setStatusCode(401).putHeader("Content-Type", "application/problem+json")
          .end(new JsonObject().put("status", 401).put("detail", "wrong user name or password").encode());
        return;
      }
      String id = "s" + bySession.size();
      bySession.put(id, new AtomicLong());
      rc.response().putHeader("Set-Cookie", "storedash_session=" + id + "; Path=/; HttpOnly; SameSite=Lax")
        .putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("user", body.getString("username")).put("role", "hq").encode());
    });
    router.route("/api/v1/stores*").handler(rc -> {
      io.vertx.core.http.Cookie cookie = rc.request().getCookie("storedash_session");
      if (cookie != null && bySession.containsKey(cookie.getValue())) {
        bySession.get(cookie.getValue()).incrementAndGet();
      } else {
        withoutSession.incrementAndGet();
      }
      rc.next();
    });
    router.get("/").handler(rc -> rc.response().putHeader("Content-Type", "text/html").end("<html>dashboard</html>"));
    router.get("/api/v1/stores").handler(rc -> {
      JsonArray stores = new JsonArray();
      for (int i = 1; i <= 5; i++) {
        stores.add(new JsonObject().put("code", "S00" + i).put("name", "store " + i));
      }
      json(rc, null, new JsonObject().put("stores", stores));
    });
    router.get("/api/v1/stores/:store/overview").handler(rc -> {
      overviewByStore.computeIfAbsent(rc.pathParam("store"), k -> new AtomicLong()).incrementAndGet();
      String from = rc.request().getParam("from");
      fromDates.computeIfAbsent(from == null ? "default" : from, k -> new AtomicLong()).incrementAndGet();
      cached(rc);
    });
    router.get("/api/v1/stores/:store/trend").handler(rc -> vertx.setTimer(TREND_DELAY_MS, t -> cached(rc)));
    router.get("/api/v1/stores/:store/channels").handler(this::cached);
    router.get("/api/v1/stores/:store/categories").handler(this::cached);
    router.get("/api/v1/stores/:store/products").handler(this::cached);
    router.get("/api/v1/stores/:store/diagnosis").handler(rc -> {
      if (diagnosisCounter.incrementAndGet() % 5 == 0) {
        rc.response().setStatusCode(500).putHeader("Content-Type", "application/problem+json")
          .end(new JsonObject().put("status", 500).put("detail", "diagnosis failed").encode());
      } else {
        json(rc, "L3", new JsonObject().put("products", new JsonArray()));
      }
    });
    router.get("/api/v1/ranking").handler(this::cached);
    router.get("/api/v1/monitor").handler(rc -> json(rc, null, new JsonObject().put("status", "green")));
    router.get("/slow").handler(rc -> vertx.setTimer(SLOW_DELAY_MS, t -> {
      if (!rc.response().closed()) {
        json(rc, "L4", new JsonObject());
      }
    }));
    router.get("/const").handler(rc -> {
      boolean gzip = String.valueOf(rc.request().getHeader("Accept-Encoding")).contains("gzip");
      HttpServerResponse r = rc.response().putHeader("Content-Type", "application/json").putHeader("X-Cache", "L4");
      if (gzip) {
        r.putHeader("Content-Encoding", "gzip");
      }
      r.end(Buffer.buffer(gzip ? CONSTANT_GZIP : CONSTANT));
    });
    server = vertx.createHttpServer()
      .connectionHandler(conn -> {
        connectionsSeen.incrementAndGet();
        openConnections.incrementAndGet();
        conn.closeHandler(v -> openConnections.decrementAndGet());
      })
      .requestHandler(router);
    return server.listen(0, "127.0.0.1");
  }

  private void count(RoutingContext rc) {
    long now = System.nanoTime();
    if (firstRequestNanos == 0) {
      firstRequestNanos = now;
    }
    if ("Bearer x".equals(rc.request().getHeader("Authorization"))) {
      withBearer.incrementAndGet();
    }
    rc.addHeadersEndHandler(v -> {
      answered.incrementAndGet();
      byStatus.computeIfAbsent(rc.response().getStatusCode(), k -> new AtomicLong()).incrementAndGet();
      String cache = rc.response().headers().get("X-Cache");
      byCache.computeIfAbsent(cache == null ? "none" : cache, k -> new AtomicLong()).incrementAndGet();
      String path = rc.request().path();
      String kind = path.equals("/") ? "page" : path.substring(path.lastIndexOf('/') + 1);
      byKind.computeIfAbsent(kind, k -> new AtomicLong()).incrementAndGet();
    });
    if (stallAfterMs >= 0 && !stalled && now - firstRequestNanos >= stallAfterMs * 1_000_000) {
      stalled = true;
      stallUntilNanos = now + stallForMs * 1_000_000;
    }
    long holdMs = (stallUntilNanos - now) / 1_000_000;
    if (stalled && holdMs >= 1) {
      vertx.setTimer(holdMs, t -> rc.next());
    } else {
      rc.next();
    }
  }

  private void cached(RoutingContext rc) {
    json(rc, cachedCounter.incrementAndGet() % 4 == 0 ? "MISS" : "L4",
      new JsonObject().put("store", rc.pathParam("store")));
  }

  private static void json(RoutingContext rc, String xCache, JsonObject body) {
    HttpServerResponse r = rc.response().putHeader("Content-Type", "application/json");
    if (xCache != null) {
      r.putHeader("X-Cache", xCache);
    }
    r.end(body.encode());
  }

  public long count(Map<?, AtomicLong> map, Object key) {
    AtomicLong v = map.get(key);
    return v == null ? 0 : v.get();
  }

  private static byte[] gzip(byte[] bytes) {
    try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
      try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
        gz.write(bytes);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
