package io.storedash.cache.tier;

import io.storedash.common.security.ClusterKeys;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Locale;

/**
 * An {@link Entry} as it is stored in Redis, sealed so that an entry StoreDash did not write is never served:
 * <pre>
 * 'S' 'D' 2 | key id (4) | computed-at (8) | data version (8) | tag (16) | gzip bytes
 * tag = HMAC-SHA256(CACHE_ENTRY key, length of the Redis key (4) | Redis key | the 23 bytes before the tag | gzip)[0..16)
 * </pre>
 * The tag covers the Redis key, so a valid entry copied under another key (another store, range or data version) is
 * rejected too, and the header, so a stale entry cannot be made fresh or moved to another data version. The key id
 * (the first 4 bytes of an HMAC of a fixed text under the same key) tells an entry sealed with another
 * CLUSTER_SECRET (a member configured differently, a standalone restarted with a new random secret) from a forgery,
 * for the operator's sake only: a forger can copy it, so it grants nothing.
 *
 * <p>The tag is truncated to 128 bits: forging one means guessing it, one write to Redis and one read by StoreDash per
 * guess, 2<sup>128</sup> of them; the other 16 bytes would only make every entry bigger. The format byte makes a
 * release with another format (format 1 had no tag) read these entries as misses, and the other way round.
 */
public final class EntryCodec {

  /** Why a stored entry was not used; the label is the {@code reason} of {@code storedash_cache_entries_rejected_total}. */
  public enum Rejection {
    /** Sealed with our key id, but the tag does not match the key and content: written or changed by someone else. */
    FORGED,
    /** Not a StoreDash entry at all, or shorter than its header: garbage or a truncated value. */
    CORRUPT,
    /** Format 1, which had no tag: an entry no current release writes under these keys. */
    UNSIGNED,
    /** A format this release does not know (a newer or older release's). */
    OTHER_FORMAT,
    /** Sealed under another CLUSTER_SECRET: a member whose secret differs, or entries from before a restart. */
    OTHER_KEY;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** A stored value that is not an entry this cache may serve. */
  public static final class RejectedEntry extends Exception {

    private final Rejection reason;

    RejectedEntry(Rejection reason, String message) {
      super(message, null, false, false);
      this.reason = reason;
    }

    public Rejection reason() {
      return reason;
    }
  }

  static final byte FORMAT = 2;
  private static final byte UNSIGNED_FORMAT = 1;
  private static final int SEALED_HEADER = 23;
  static final int TAG_BYTES = 16;
  static final int HEADER = SEALED_HEADER + TAG_BYTES;

  private final SecretKeySpec key;
  private final byte[] keyId;
  /** A Mac is not thread-safe, and making one costs more than sealing a small entry: one per thread. */
  private final ThreadLocal<Mac> macs;

  /** @param key the 32-byte key of {@link ClusterKeys#CACHE_ENTRY} */
  public EntryCodec(byte[] key) {
    this.key = ClusterKeys.hmacKey(key);
    this.macs = ThreadLocal.withInitial(this::newMac);
    this.keyId = Arrays.copyOf(macs.get().doFinal("storedash/cache-entry/key-id".getBytes(StandardCharsets.UTF_8)), 4);
  }

  public static EntryCodec of(ClusterKeys keys) {
    return new EntryCodec(keys.derive(ClusterKeys.CACHE_ENTRY));
  }

  /** The bytes stored under {@code redisKey}. */
  public byte[] encode(String redisKey, Entry entry) {
    byte[] gzip = entry.gzip();
    byte[] bytes = new byte[HEADER + gzip.length];
    ByteBuffer.wrap(bytes).put((byte) 'S').put((byte) 'D').put(FORMAT).put(keyId).putLong(entry.storedAt()).putLong(entry.version());
    System.arraycopy(gzip, 0, bytes, HEADER, gzip.length);
    byte[] tag = tag(redisKey, bytes);
    System.arraycopy(tag, 0, bytes, SEALED_HEADER, TAG_BYTES);
    return bytes;
  }

  /**
   * The entry stored under {@code redisKey}, after its tag is checked.
   *
   * @throws RejectedEntry when it is not an entry that this cache sealed for that key
   */
  public Entry decode(String redisKey, byte[] bytes) throws RejectedEntry {
    if (bytes.length < 3 || bytes[0] != 'S' || bytes[1] != 'D') {
      throw new RejectedEntry(Rejection.CORRUPT, "not a StoreDash cache entry");
    }
    if (bytes[2] == UNSIGNED_FORMAT) {
      throw new RejectedEntry(Rejection.UNSIGNED, "an entry of format 1, which has no tag");
    }
    if (bytes[2] != FORMAT) {
      throw new RejectedEntry(Rejection.OTHER_FORMAT, "an entry of format " + bytes[2] + ", this release reads format " + FORMAT);
    }
    if (bytes.length < HEADER) {
      throw new RejectedEntry(Rejection.CORRUPT, "an entry of " + bytes.length + " bytes, shorter than its header");
    }
    byte[] tag = tag(redisKey, bytes);
    if (!MessageDigest.isEqual(Arrays.copyOf(tag, TAG_BYTES), Arrays.copyOfRange(bytes, SEALED_HEADER, HEADER))) {
      boolean ours = Arrays.equals(bytes, 3, 7, keyId, 0, keyId.length);
      throw ours
        ? new RejectedEntry(Rejection.FORGED, "the tag does not match the key and content")
        : new RejectedEntry(Rejection.OTHER_KEY, "sealed under another CLUSTER_SECRET");
    }
    ByteBuffer header = ByteBuffer.wrap(bytes, 7, 16);
    long storedAt = header.getLong();
    long version = header.getLong();
    return new Entry(storedAt, version, Arrays.copyOfRange(bytes, HEADER, bytes.length));
  }

  /** The full HMAC over the key's length and text, the header before the tag, and the gzip bytes after it. */
  private byte[] tag(String redisKey, byte[] bytes) {
    Mac mac = macs.get();
    byte[] keyBytes = redisKey.getBytes(StandardCharsets.UTF_8);
    mac.update(ByteBuffer.allocate(4).putInt(keyBytes.length).array());
    mac.update(keyBytes);
    mac.update(bytes, 0, SEALED_HEADER);
    mac.update(bytes, HEADER, bytes.length - HEADER);
    return mac.doFinal();
  }

  private Mac newMac() {
    return ClusterKeys.newMac(key);
  }
}
