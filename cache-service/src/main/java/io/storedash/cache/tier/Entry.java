package io.storedash.cache.tier;

/**
 * A cached result as the tiers hold it: when it was computed, the data version it was computed for, and the gzip
 * bytes of the result JSON. In Redis it is stored sealed by {@link EntryCodec}; the hotspot tier keeps the object.
 */
public final class Entry {

  private final long storedAt;
  private final long version;
  private final byte[] gzip;

  public Entry(long storedAt, long version, byte[] gzip) {
    this.storedAt = storedAt;
    this.version = version;
    this.gzip = gzip;
  }

  /** Milliseconds since the epoch at which the result was computed. */
  public long storedAt() {
    return storedAt;
  }

  public long version() {
    return version;
  }

  public byte[] gzip() {
    return gzip;
  }

  /** Bytes this entry occupies, as the hotspot tier weighs it. */
  public int weight() {
    return gzip.length + 64;
  }

  public long ageMillis(long now) {
    return Math.max(0, now - storedAt);
  }
}
