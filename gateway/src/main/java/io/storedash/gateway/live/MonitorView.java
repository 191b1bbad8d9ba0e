package io.storedash.gateway.live;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.TreeMap;

/**
 * The monitor as a caller without the {@code ops} or {@code hq} role sees it: the overall colour and one colour per
 * service, Redis and PostgreSQL. Hosts, ports, versions, node ids, reasons (which name hosts) and figures are for
 * operators only.
 */
public final class MonitorView {

  public static final String GREEN = "green";
  public static final String YELLOW = "yellow";
  public static final String RED = "red";

  private MonitorView() {
  }

  /** {@code {"status", "generated_at", "services": {name: colour}}} of a full snapshot. */
  public static JsonObject statusOnly(JsonObject snapshot) {
    Map<String, String> services = new TreeMap<>();
    JsonObject cluster = snapshot.getJsonObject("cluster", new JsonObject());
    JsonArray missing = cluster.getJsonArray("missing", new JsonArray());
    JsonArray expected = cluster.getJsonArray("expected", new JsonArray());
    JsonObject byService = cluster.getJsonObject("services", new JsonObject());
    for (Object name : expected) {
      services.put(String.valueOf(name), GREEN);
    }
    for (String name : byService.fieldNames()) {
      JsonArray instances = byService.getJsonArray(name, new JsonArray());
      boolean gone = false;
      for (int i = 0; i < instances.size(); i++) {
        gone |= "gone".equals(instances.getJsonObject(i).getString("state"));
      }
      services.put(name, gone ? YELLOW : GREEN);
    }
    for (Object name : missing) {
      services.put(String.valueOf(name), RED);
    }
    services.put("redis", redis(snapshot.getJsonObject("redis", new JsonObject())));
    services.put("postgresql", snapshot.getJsonObject("postgres", new JsonObject()).getBoolean("reachable", false) ? GREEN : RED);
    JsonObject view = new JsonObject().put("status", snapshot.getString("status", RED));
    if (snapshot.getValue("generated_at") != null) {
      view.put("generated_at", snapshot.getValue("generated_at"));
    }
    return view.put("services", new JsonObject(new TreeMap<String, Object>(services)));
  }

  private static String redis(JsonObject redis) {
    String state = redis.getString("state", "");
    if ("down".equals(state)) {
      return RED;
    }
    JsonArray warnings = redis.getJsonArray("warnings", new JsonArray());
    for (int i = 0; i < warnings.size(); i++) {
      if ("critical".equals(warnings.getJsonObject(i).getString("level"))) {
        return RED;
      }
    }
    return "connecting".equals(state) || "reconnecting".equals(state) || !warnings.isEmpty() ? YELLOW : GREEN;
  }
}
