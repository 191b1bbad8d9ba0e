package io.storedash.standalone.bench;

import io.storedash.cache.CacheService;
import io.storedash.common.Addresses;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestStorage;
import io.storedash.gateway.GatewayService;
import io.storedash.gateway.auth.Sessions;
import io.storedash.gateway.auth.Users;
import io.storedash.query.QueryService;
import io.storedash.query.ingest.DemoData;
import io.storedash.query.ingest.DemoOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * Cold and warm timings of the 今日必做 list through the whole stack (gateway → cache-service → query-service →
 * PostgreSQL), on stores the size of the standalone's demo (62,000 lines over 60 days each), and the list of S001
 * (docs/BENCHMARKS.md, "The 今日必做 list"). Cold is a store's first request (no warm-up at start: X-Cache MISS, the
 * list computed); warm is the same request again, a hit.
 *
 * <pre>
 * cd standalone && mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
 * java -cp target/classes:target/test-classes:$(cat target/test.classpath) io.storedash.standalone.bench.ActionsTiming [stores] [warm requests]
 * </pre>
 */
public final class ActionsTiming {

  private static final String PASSWORD = "actions timing password";

  private ActionsTiming() {
  }

  public static void main(String[] args) {
    int stores = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int warmRequests = args.length > 1 ? Integer.parseInt(args[1]) : 200;
    StoreDashConfig config = TestStorage.config(Map.of("WARM_ON_START", "false"));
    Node node = Node.local(config);
    try {
      long loadStarted = System.nanoTime();
      node.deploy(QueryService.DESCRIPTOR, 1)
        .compose(id -> DemoData.loadIfEmpty(node.vertx(), node.signatures(), config,
          new DemoOptions(stores, 62_000, 60, 42, LocalDate.of(2026, 11, 30))))
        .compose(v -> node.deploy(CacheService.DESCRIPTOR, 1))
        .compose(id -> node.deploy(GatewayService.DESCRIPTOR, 1))
        .await();
      System.out.printf(Locale.ROOT, "loaded %d demo stores and started in %.1f s%n", stores,
        (System.nanoTime() - loadStarted) / 1e9);
      awaitVersions(node);
      WebClient client = WebClient.create(node.vertx(), new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(config.httpPort()));
      Users.ensureAdmin(node.vertx(), config, PASSWORD).await();
      HttpResponse<Buffer> signedIn = client.post("/api/v1/session")
        .sendJsonObject(new JsonObject().put("username", Users.FIRST_ADMIN).put("password", PASSWORD)).await();
      String cookie = signedIn.cookies().stream().filter(c -> c.startsWith(Sessions.COOKIE + "=")).findFirst().orElseThrow();
      String session = cookie.substring(0, cookie.indexOf(';'));

      for (int i = 1; i <= stores; i++) {
        String store = String.format(Locale.ROOT, "S%03d", i);
        timed(client, session, "/api/v1/stores/" + store + "/actions", "cold " + store);
      }
      timed(client, session, "/api/v1/stores/all/actions", "cold all");
      double[] warm = new double[warmRequests];
      for (int i = 0; i < warmRequests; i++) {
        warm[i] = timed(client, session, "/api/v1/stores/S001/actions", null);
      }
      Arrays.sort(warm);
      System.out.printf(Locale.ROOT, "warm S001: %d requests, median %.2f ms, p95 %.2f ms, max %.2f ms%n", warmRequests,
        warm[warmRequests / 2], warm[(int) (warmRequests * 0.95)], warm[warmRequests - 1]);
      JsonObject list = client.get("/api/v1/stores/S001/actions").putHeader("Cookie", session).send().await()
        .bodyAsJsonObject();
      System.out.println("S001 on " + list.getString("day") + ": " + list.getJsonObject("counts").encode());
      for (String section : new String[] {"urgent", "watch", "highlights"}) {
        list.getJsonArray(section).stream().map(JsonObject.class::cast).limit(6).forEach(item -> System.out.println(
          "  " + section + " " + item.getString("rule") + " " + item.getJsonObject("subject").getString("name") + " "
            + item.getJsonObject("figures").copy().put("lines", (Object) null).encode() + " — "
            + item.getJsonObject("advice").getString("zh")));
      }
    } finally {
      node.shutdown().await();
    }
    System.exit(0);
  }

  /** One request's time in ms, printed with its X-Cache and compute time when {@code label} is given. */
  private static double timed(WebClient client, String session, String uri, String label) {
    long started = System.nanoTime();
    HttpResponse<Buffer> response = client.get(uri).putHeader("Cookie", session).send().await();
    double ms = (System.nanoTime() - started) / 1e6;
    if (response.statusCode() != 200) {
      throw new IllegalStateException(uri + " answered " + response.statusCode() + ": " + response.bodyAsString());
    }
    if (label != null) {
      System.out.printf(Locale.ROOT, "%s: %.1f ms (X-Cache %s, %s, %d bytes)%n", label, ms, response.getHeader("X-Cache"),
        response.getHeader("Server-Timing"), response.body().length());
    }
    return ms;
  }

  private static void awaitVersions(Node node) {
    JsonObject stats = new JsonObject().put("action", "stats");
    long deadline = System.currentTimeMillis() + 30_000;
    while (System.currentTimeMillis() < deadline) {
      JsonObject now = node.vertx().eventBus().<JsonObject>request(Addresses.CACHE_ADMIN, stats,
        node.signatures().sign(Addresses.CACHE_ADMIN, stats)).await().body();
      if (now.getBoolean("versions_known")) {
        return;
      }
      try {
        Thread.sleep(200);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
    throw new IllegalStateException("cache-service never learned the data versions");
  }
}
