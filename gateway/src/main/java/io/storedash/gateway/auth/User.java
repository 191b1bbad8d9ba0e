package io.storedash.gateway.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;

/**
 * A row of {@code users} as the gateway uses it: never its password hash, only whether it has one.
 *
 * @param source {@code password} or {@code oidc} (created by single sign-on)
 */
public record User(String username, Role role, Set<String> stores, Set<String> cities, boolean disabled, String source,
                   boolean hasPassword, Instant createdAt, Instant updatedAt, Instant passwordChangedAt) {

  /** What a user name may be: 1 to 64 letters, digits, '.', '_', '@' or '-' (as the table's CHECK says). */
  public static final String NAME_PATTERN = "[A-Za-z0-9._@-]{1,64}";

  public User {
    stores = Set.copyOf(new TreeSet<>(stores));
    cities = Set.copyOf(new TreeSet<>(cities));
  }

  /** The stores assigned (every store for hq, whatever is assigned: see {@link Caller#effectiveAccess()}). */
  public Access access() {
    return role.seesEveryStore() ? Access.EVERY_STORE : Access.of(stores, cities);
  }

  /** The caller this user is on a request authenticated {@code via}. */
  public Caller caller(Caller.Via via) {
    return new Caller(username, role, access(), via);
  }

  /** As the API shows a user: no hash, ever. */
  public JsonObject toJson() {
    return new JsonObject()
      .put("username", username)
      .put("role", role.wireName())
      .put("stores", new JsonArray(new TreeSet<>(stores).stream().toList()))
      .put("cities", new JsonArray(new TreeSet<>(cities).stream().toList()))
      .put("disabled", disabled)
      .put("source", source)
      .put("has_password", hasPassword)
      .put("created_at", createdAt == null ? null : createdAt.toString())
      .put("updated_at", updatedAt == null ? null : updatedAt.toString())
      .put("password_changed_at", passwordChangedAt == null ? null : passwordChangedAt.toString());
  }
}
