package io.storedash.query.ingest;

import java.time.ZoneId;
import java.util.Objects;

/**
 * A store as a load names it.
 *
 * @param timezone the store's zone for new stores; null for the loader's default. An existing store keeps its zone,
 *                 since its stored days were computed with it.
 */
public record StoreRecord(String code, String name, String city, ZoneId timezone) {

  public StoreRecord {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(name, "name");
    city = city == null ? "" : city;
  }
}
