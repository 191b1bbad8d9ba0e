package io.storedash.query.ingest;

import io.storedash.common.DashboardQuery;
import io.storedash.common.ImportProtocol;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Set;
import java.util.TreeSet;

/**
 * The stores an import may write to, for a caller who may import for some stores only ({@link ImportProtocol#SCOPE}):
 * existing stores whose code is in {@code stores} or whose city is in {@code cities}. Such an import creates no
 * store (only hq does), and a line of any other store refuses the whole file. Codes and cities are compared as
 * stored, exactly.
 */
record ImportScope(Set<String> stores, Set<String> cities) {

  /** As long as a city the import stores ({@code stores.city}). */
  private static final int MAX_CITY_LENGTH = 50;

  ImportScope {
    stores = Set.copyOf(stores);
    cities = Set.copyOf(cities);
  }

  /**
   * The scope of an open request's {@code scope} member, or null when it is absent (any store, and the import may
   * create stores).
   *
   * @throws IllegalArgumentException with a sentence saying what a scope must look like
   */
  static ImportScope fromJson(Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof JsonObject scope)) {
      throw new IllegalArgumentException(ImportProtocol.SCOPE + " must be an object {\"" + ImportProtocol.SCOPE_STORES
        + "\": [store codes], \"" + ImportProtocol.SCOPE_CITIES + "\": [cities]}, got " + shown(value));
    }
    for (String name : scope.fieldNames()) {
      if (!name.equals(ImportProtocol.SCOPE_STORES) && !name.equals(ImportProtocol.SCOPE_CITIES)) {
        throw new IllegalArgumentException(ImportProtocol.SCOPE + " takes only " + ImportProtocol.SCOPE_STORES + " and "
          + ImportProtocol.SCOPE_CITIES + ", not '" + shown(name) + "'");
      }
    }
    Set<String> stores = strings(scope, ImportProtocol.SCOPE_STORES);
    for (String code : stores) {
      if (!DashboardQuery.isStoreCode(code) || DashboardQuery.ALL_STORES.equals(code)) {
        throw new IllegalArgumentException(ImportProtocol.SCOPE + "." + ImportProtocol.SCOPE_STORES + " must hold store "
          + "codes (letters, digits, _ or -, at most 32), got '" + shown(code) + "'");
      }
    }
    Set<String> cities = strings(scope, ImportProtocol.SCOPE_CITIES);
    for (String city : cities) {
      if (city.isBlank() || city.length() > MAX_CITY_LENGTH) {
        throw new IllegalArgumentException(ImportProtocol.SCOPE + "." + ImportProtocol.SCOPE_CITIES + " must hold city "
          + "names of 1 to " + MAX_CITY_LENGTH + " characters, got '" + shown(city) + "'");
      }
    }
    return new ImportScope(stores, cities);
  }

  /** An array of strings, at most {@link DashboardQuery#MAX_SET_STORES}; empty when absent. */
  private static Set<String> strings(JsonObject scope, String name) {
    Object value = scope.getValue(name);
    if (value == null) {
      return Set.of();
    }
    if (!(value instanceof JsonArray array)) {
      throw new IllegalArgumentException(ImportProtocol.SCOPE + "." + name + " must be an array of strings, got " + shown(value));
    }
    if (array.size() > DashboardQuery.MAX_SET_STORES) {
      throw new IllegalArgumentException(ImportProtocol.SCOPE + "." + name + " may hold at most "
        + DashboardQuery.MAX_SET_STORES + " values");
    }
    Set<String> values = new TreeSet<>();
    for (Object item : array) {
      if (!(item instanceof String text)) {
        throw new IllegalArgumentException(ImportProtocol.SCOPE + "." + name + " must be an array of strings, got " + shown(item));
      }
      values.add(text);
    }
    return values;
  }

  private static String shown(Object value) {
    String text = String.valueOf(value);
    return text.length() > 40 ? text.substring(0, 40) + "…" : text;
  }
}
