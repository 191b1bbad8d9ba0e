package io.storedash.query.ingest;

import java.time.ZoneId;
import java.util.Objects;

/**
 * A store as a load names it.
 *
 * @param externalId the platform's 门店ID an export gives the store (so that an import of the store's export finds
 *                   it); null when none
 * @param timezone   the store's zone for new stores; null for the loader's default. An existing store keeps its zone,
 *                   since its stored days were computed with it.
 */
public record StoreRecord(String code, String name, String city, ZoneId timezone, String externalId) {

  public StoreRecord {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(name, "name");
    city = city == null ? "" : city;
  }

  public StoreRecord(String code, String name, String city, ZoneId timezone) {
    this(code, name, city, timezone, null);
  }
}
