package io.storedash.gateway.auth;

import io.storedash.common.config.SignInPolicy;
import io.vertx.core.Future;
import io.vertx.redis.client.RedisAPI;
import io.vertx.redis.client.Response;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Failed sign-ins counted in Redis, so every gateway sees the same counts: {@code userLimit} failures for one user
 * name within the lockout window lock that name for the window, {@code addressLimit} from one address lock the
 * address. Each counter is one key with an expiry; a success clears the user's counter (not the address's, or an
 * attacker with one account could reset it between guesses at others).
 */
public final class Lockout {

  private static final String PREFIX = "storedash:sign-in:";

  private final RedisAPI redis;
  private final SignInPolicy policy;

  public Lockout(RedisAPI redis, SignInPolicy policy) {
    this.redis = redis;
    this.policy = policy;
  }

  /** How much longer the name or the address is locked: zero when neither is. */
  public Future<Duration> lockedFor(String username, String address) {
    return Future.all(remaining(userKey(username), policy.userLimit()), remaining(addressKey(address), policy.addressLimit()))
      .map(both -> {
        Duration user = both.resultAt(0);
        Duration byAddress = both.resultAt(1);
        return user.compareTo(byAddress) >= 0 ? user : byAddress;
      });
  }

  /** Counts a failure against the name and the address. */
  public Future<Void> failed(String username, String address) {
    return Future.all(count(userKey(username), policy.userLimit()), count(addressKey(address), policy.addressLimit()))
      .mapEmpty();
  }

  /** Clears the name's failures. */
  public Future<Void> succeeded(String username) {
    return redis.del(List.of(userKey(username))).mapEmpty();
  }

  private Future<Duration> remaining(String key, int limit) {
    return redis.get(key).compose(count -> {
      if (count == null || count.toLong() < limit) {
        return Future.succeededFuture(Duration.ZERO);
      }
      return redis.pttl(key).map(ttl -> ttl == null || ttl.toLong() < 0 ? Duration.ZERO : Duration.ofMillis(ttl.toLong()));
    });
  }

  /**
   * The first failure starts the window; the one that reaches the limit starts the lock, which lasts a full window
   * from then.
   */
  private Future<Void> count(String key, int limit) {
    String window = String.valueOf(policy.lockout().toMillis());
    return redis.incr(key).compose((Response n) -> n.toLong() == 1 || n.toLong() == limit
      ? redis.pexpire(List.of(key, window)).mapEmpty() : Future.succeededFuture());
  }

  /** Names in any case count as one; a long or odd name is hashed so that the key stays short. */
  private static String userKey(String username) {
    String name = username == null ? "" : username.toLowerCase(Locale.ROOT);
    return PREFIX + "user:" + (name.matches(User.NAME_PATTERN) ? name
      : "#" + HexFormat.of().formatHex(ApiTokens.sha256(name)).substring(0, 32));
  }

  private static String addressKey(String address) {
    return PREFIX + "address:" + (address == null ? "unknown" : address);
  }
}
