package io.storedash.gateway.auth;

import io.storedash.gateway.http.ParameterProblem;
import io.storedash.gateway.http.Problems;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;

/**
 * A JSON object body read strictly: not JSON, not an object, a member the route does not take or a member of the
 * wrong type is a 400 problem naming the member ({@link ParameterProblem}), so that a typo never goes unnoticed.
 */
final class JsonBody {

  private final JsonObject json;

  private JsonBody(JsonObject json) {
    this.json = json;
  }

  /** @throws ParameterProblem naming {@code body} or the member */
  static JsonBody of(RoutingContext rc, Set<String> members) {
    Buffer buffer = rc.body() == null ? null : rc.body().buffer();
    if (buffer == null || buffer.length() == 0) {
      throw new ParameterProblem("body", "the body must be a JSON object with " + String.join(", ", new TreeSet<>(members)));
    }
    Object decoded;
    try {
      decoded = Json.decodeValue(buffer);
    } catch (DecodeException e) {
      throw new ParameterProblem("body", "the body is not valid JSON");
    }
    if (!(decoded instanceof JsonObject object)) {
      throw new ParameterProblem("body", "the body must be a JSON object, not " + (decoded instanceof JsonArray ? "an array" : "a single value"));
    }
    for (String name : object.fieldNames()) {
      if (!members.contains(name)) {
        throw new ParameterProblem(name, "unknown member '" + Problems.shown(name) + "'; this route takes "
          + String.join(", ", new TreeSet<>(members)));
      }
    }
    return new JsonBody(object);
  }

  boolean has(String name) {
    return json.containsKey(name) && json.getValue(name) != null;
  }

  /** @return null when absent or null */
  String string(String name) {
    Object value = json.getValue(name);
    if (value != null && !(value instanceof String)) {
      throw new ParameterProblem(name, name + " must be a string");
    }
    return (String) value;
  }

  String requiredString(String name) {
    String value = string(name);
    if (value == null) {
      throw new ParameterProblem(name, name + " is missing");
    }
    return value;
  }

  Boolean bool(String name) {
    Object value = json.getValue(name);
    if (value != null && !(value instanceof Boolean)) {
      throw new ParameterProblem(name, name + " must be true or false");
    }
    return (Boolean) value;
  }

  Integer integer(String name) {
    Object value = json.getValue(name);
    if (value == null) {
      return null;
    }
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() != ((Number) value).intValue()) {
      throw new ParameterProblem(name, name + " must be a whole number");
    }
    return ((Number) value).intValue();
  }

  Role role(String name) {
    String value = string(name);
    if (value == null) {
      return null;
    }
    try {
      return Role.fromWire(value);
    } catch (IllegalArgumentException e) {
      throw new ParameterProblem(name, "role must be one of hq, manager, viewer, ops; got '" + Problems.shown(value) + "'");
    }
  }

  /** An array of strings, or null when absent. */
  Set<String> strings(String name) {
    Object value = json.getValue(name);
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonArray array)) {
      throw new ParameterProblem(name, name + " must be an array of strings");
    }
    Set<String> values = new LinkedHashSet<>();
    for (Object item : array) {
      if (!(item instanceof String s)) {
        throw new ParameterProblem(name, name + " must be an array of strings");
      }
      values.add(s);
    }
    return values;
  }
}
