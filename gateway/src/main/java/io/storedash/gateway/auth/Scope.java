package io.storedash.gateway.auth;

import io.storedash.common.DashboardQuery;
import io.storedash.gateway.http.ParameterProblem;
import io.storedash.gateway.http.Problems;

import java.util.Set;

/** The checks of an assignment of stores and cities, for users and API tokens alike. */
final class Scope {

  /** More is a mistake rather than an assignment: a chain with more stores is given by city, or is hq. */
  static final int MAX_ENTRIES = 2000;

  private Scope() {
  }

  /** @throws ParameterProblem naming {@code stores} or {@code cities} */
  static void check(Role role, Set<String> stores, Set<String> cities) {
    if (stores != null) {
      if (stores.size() > MAX_ENTRIES) {
        throw new ParameterProblem("stores", "at most " + MAX_ENTRIES + " stores; assign cities instead");
      }
      for (String store : stores) {
        if (store == null || DashboardQuery.ALL_STORES.equals(store)) {
          throw new ParameterProblem("stores", "stores are store codes; for every store give the role hq");
        }
        try {
          DashboardQuery.checkStore(store);
        } catch (IllegalArgumentException e) {
          throw new ParameterProblem("stores", e.getMessage());
        }
      }
    }
    if (cities != null) {
      if (cities.size() > MAX_ENTRIES) {
        throw new ParameterProblem("cities", "at most " + MAX_ENTRIES + " cities");
      }
      for (String city : cities) {
        if (city == null || city.isBlank() || city.length() > 64 || city.codePoints().anyMatch(Character::isISOControl)) {
          throw new ParameterProblem("cities", "a city is a name of 1 to 64 characters as the stores' city column has it, got '"
            + Problems.shown(city) + "'");
        }
      }
    }
  }
}
