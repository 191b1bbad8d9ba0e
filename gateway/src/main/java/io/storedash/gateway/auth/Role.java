package io.storedash.gateway.auth;

import java.util.Locale;

/**
 * What a signed-in caller may do (docs/DESIGN.md §8): the role decides the kinds of routes, the caller's
 * {@link Access} the stores.
 */
public enum Role {
  /** Every store, user management, settings, imports for any store, cache and monitor details. */
  HQ,
  /** The stores (or cities) assigned, imports for those stores only. */
  MANAGER,
  /** The stores (or cities) assigned, read only. */
  VIEWER,
  /** Monitor details and cache admin; no sales data. */
  OPS;

  /** The role's name in the API and the database: {@code hq}, {@code manager}, {@code viewer}, {@code ops}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * @throws IllegalArgumentException naming the roles there are
   */
  public static Role fromWire(String name) {
    for (Role role : values()) {
      if (role.wireName().equals(name)) {
        return role;
      }
    }
    throw new IllegalArgumentException("role must be one of hq, manager, viewer, ops; got '" + name + "'");
  }

  /** Whether the role reads sales figures at all (every role but ops). */
  public boolean readsSales() {
    return this != OPS;
  }

  /** Whether the role imports files (for the stores its access allows). */
  public boolean imports() {
    return this == HQ || this == MANAGER;
  }

  /** Users, channels and other settings, the audit log. */
  public boolean administers() {
    return this == HQ;
  }

  /** Hosts, ports, versions and node ids in the monitor; cache admin. */
  public boolean operates() {
    return this == HQ || this == OPS;
  }

  /** Whether the role sees every store whatever its assignment. */
  public boolean seesEveryStore() {
    return this == HQ;
  }

  /** Whether {@code other} grants nothing this role does not (an API token may have its creator's role or a narrower one). */
  public boolean covers(Role other) {
    return this == other || this == HQ || (this == MANAGER && other == VIEWER);
  }
}
