package io.storedash.cache.tier;

import io.storedash.common.DashboardQuery;
import io.storedash.common.QueryKind;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Redis keys and entity tags of cached results. A key names the tier, the store in a Redis-Cluster hash tag (so
 * every key of one store lives in one slot), the data version of the store the query covers, and the query's
 * canonical form: an import bumps the version, after which old entries are never read again and simply expire.
 */
public final class CacheKeys {

  /**
   * Bumped when the result or the entry format changes, so a new release never reads an old release's entries and
   * releases side by side in a rolling upgrade do not overwrite each other's: 2 since the answers carry the chain's
   * calculation standard (issue 15), 3 since entries carry a MAC ({@link EntryCodec}, issue 17).
   */
  public static final String FORMAT = "3";
  static final String PREFIX = "sd:" + FORMAT + ":";

  private CacheKeys() {
  }

  /**
   * A query restricted to a set of stores is tagged {@code {all}} (its store is {@code all}) and told apart from the
   * chain and from other sets by its canonical form, which names the set by a hash.
   */
  public static String key(Tier tier, DashboardQuery query, long dataVersion) {
    return PREFIX + tier.name() + ":" + storeTag(query.store()) + ":v" + dataVersion + ":" + query.canonical();
  }

  /** The part of every key of one store's entries (also of {@code all}). */
  public static String storeTag(String store) {
    return "{" + store + "}";
  }

  /**
   * What decides a key's Redis-Cluster slot: its hash tag (the text between the first {@code {}} and the next
   * {@code }}, when not empty), else the whole key — as Redis defines it. Keys with the same group share a slot, so one
   * command may name them all.
   */
  public static String slotGroup(String key) {
    int open = key.indexOf('{');
    if (open >= 0) {
      int close = key.indexOf('}', open + 1);
      if (close > open + 1) {
        return key.substring(open + 1, close);
      }
    }
    return key;
  }

  /**
   * A Redis SCAN pattern for flushing: every StoreDash entry, or those of one tier and/or one store. Store codes and
   * tier names contain no glob characters (DashboardQuery and Tier guarantee it).
   */
  public static String pattern(Tier tier, String store) {
    return PREFIX + (tier == null ? "*" : tier.name()) + ":" + (store == null ? "*" : storeTag(store)) + ":*";
  }

  /**
   * A Redis SCAN pattern for every entry of one kind of query, in any tier, store and data version: the canonical
   * query after the version starts with the kind and {@code |} (kind names have no glob character).
   */
  public static String pattern(QueryKind kind) {
    return PREFIX + "*:*:v*:" + kind.wireName() + "|*";
  }

  /** Whether a key (of L4 or Redis) holds an entry of {@code kind}. */
  public static boolean ofKind(String key, String kind) {
    return key.contains(":" + kind + "|");
  }

  /**
   * A weak entity tag: the same query over the same data version always yields the same content, whatever the
   * encoding it travels in.
   */
  public static String etag(DashboardQuery query, long dataVersion) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256")
        .digest((FORMAT + "|" + dataVersion + "|" + query.canonical()).getBytes(StandardCharsets.UTF_8));
      return "W/\"" + HexFormat.of().formatHex(digest, 0, 12) + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JVM", e);
    }
  }
}
