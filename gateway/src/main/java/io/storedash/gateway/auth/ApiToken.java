package io.storedash.gateway.auth;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Set;
import java.util.TreeSet;

/**
 * A row of {@code api_tokens}: never its secret or hash.
 *
 * @param stores null (with {@code cities} null) when the token has its creator's scope, whatever it is when used
 */
public record ApiToken(String id, String username, String name, Role role, Set<String> stores, Set<String> cities,
                       Instant createdAt, Instant lastUsedAt, Instant revokedAt, Instant expiresAt) {

  /** Whether the token may be used at {@code now}. */
  public boolean usableAt(Instant now) {
    return revokedAt == null && (expiresAt == null || now.isBefore(expiresAt));
  }

  /**
   * The caller of a request with this token made by {@code creator} as the creator is now, or null when the token
   * may no longer be used: revoked, expired, its creator disabled or gone, or narrowed so that the token's role or
   * stores are wider than the creator's.
   */
  public Caller caller(User creator, Instant now) {
    if (!usableAt(now) || creator == null || creator.disabled() || !creator.role().covers(role)) {
      return null;
    }
    Access creators = creator.caller(Caller.Via.API_TOKEN).effectiveAccess();
    Access access = role.seesEveryStore() ? Access.EVERY_STORE
      : stores == null && cities == null ? creators
      : Access.of(stores == null ? Set.of() : stores, cities == null ? Set.of() : cities);
    if (!access.within(creators)) {
      return null;
    }
    return new Caller(username, role, access, Caller.Via.API_TOKEN, "token:" + id);
  }

  public JsonObject toJson() {
    return new JsonObject()
      .put("id", id)
      .put("username", username)
      .put("name", name)
      .put("role", role.wireName())
      .put("stores", stores == null ? null : new JsonArray(new TreeSet<>(stores).stream().toList()))
      .put("cities", cities == null ? null : new JsonArray(new TreeSet<>(cities).stream().toList()))
      .put("created_at", text(createdAt))
      .put("last_used_at", text(lastUsedAt))
      .put("revoked_at", text(revokedAt))
      .put("expires_at", text(expiresAt));
  }

  private static String text(Instant instant) {
    return instant == null ? null : instant.toString();
  }
}
