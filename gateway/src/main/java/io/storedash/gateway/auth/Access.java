package io.storedash.gateway.auth;

import java.util.Set;
import java.util.TreeSet;

/**
 * The stores a caller may see: every store, or those assigned by code and those of the assigned cities. A city
 * assignment follows the stores: a store opened later in the city is seen too.
 *
 * @param everyStore true for {@code hq} (and the break-glass admin token): the lists are then empty
 * @param stores     store codes assigned one by one
 * @param cities     cities whose every store is assigned
 */
public record Access(boolean everyStore, Set<String> stores, Set<String> cities) {

  public static final Access EVERY_STORE = new Access(true, Set.of(), Set.of());

  public Access {
    stores = Set.copyOf(new TreeSet<>(stores));
    cities = Set.copyOf(new TreeSet<>(cities));
  }

  public static Access of(Set<String> stores, Set<String> cities) {
    return new Access(false, stores, cities);
  }

  /** Whether the store with this code, in this city (null when unknown), may be seen. */
  public boolean allows(String store, String city) {
    return everyStore || stores.contains(store) || (city != null && cities.contains(city));
  }

  /** Whether every store this access allows is allowed by {@code wider} too (an API token's scope within its creator's). */
  public boolean within(Access wider) {
    if (wider.everyStore) {
      return true;
    }
    return !everyStore && wider.stores.containsAll(stores) && wider.cities.containsAll(cities);
  }
}
