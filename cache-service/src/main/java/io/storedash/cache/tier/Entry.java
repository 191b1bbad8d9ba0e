package io.storedash.cache.tier;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * A cached result as it is stored in Redis and in the hotspot tier: when it was computed, the data version it was
 * computed for, and the gzip bytes of the result JSON. Encoded as {@code 'S' 'D' 1 | storedAt (8) | version (8) |
 * gzip} so that a hit needs no parsing beyond a 19-byte header.
 */
public final class Entry {

  private static final int HEADER = 19;
  private static final byte FORMAT = 1;

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

  public byte[] encode() {
    ByteBuffer buffer = ByteBuffer.allocate(HEADER + gzip.length);
    buffer.put((byte) 'S').put((byte) 'D').put(FORMAT).putLong(storedAt).putLong(version).put(gzip);
    return buffer.array();
  }

  /**
   * @throws IllegalArgumentException when the bytes are not an entry of this format (then the caller treats it as a
   *                                  miss, so a format change never serves garbage)
   */
  public static Entry decode(byte[] bytes) {
    if (bytes.length < HEADER || bytes[0] != 'S' || bytes[1] != 'D' || bytes[2] != FORMAT) {
      throw new IllegalArgumentException("not a StoreDash cache entry");
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    buffer.position(3);
    long storedAt = buffer.getLong();
    long version = buffer.getLong();
    return new Entry(storedAt, version, Arrays.copyOfRange(bytes, HEADER, bytes.length));
  }
}
