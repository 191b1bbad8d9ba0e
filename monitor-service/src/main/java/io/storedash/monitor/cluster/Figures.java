package io.storedash.monitor.cluster;

import io.vertx.core.json.JsonObject;

/** Tolerant reads of figures from heartbeats: a missing or mistyped field is {@code null}, never an exception. */
final class Figures {

  private Figures() {
  }

  static Double number(JsonObject json, String key) {
    if (json == null) {
      return null;
    }
    Object value = json.getValue(key);
    if (value instanceof Number n && Double.isFinite(n.doubleValue())) {
      return n.doubleValue();
    }
    return null;
  }

  static JsonObject object(JsonObject json, String key) {
    return json != null && json.getValue(key) instanceof JsonObject o ? o : null;
  }

  static Double ratio(double part, double whole) {
    return whole > 0 ? round(part / whole, 4) : null;
  }

  static double round(double value, int decimals) {
    double scale = Math.pow(10, decimals);
    return Math.round(value * scale) / scale;
  }
}
