package io.storedash.cache.tier;

import io.storedash.common.security.ClusterKeys;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EntryCodecTest {

  private static final String KEY = "sd:3:L2:{S001}:v7:overview|S001|2026-10-01|2026-10-30";
  private static final String OTHER_KEY = "sd:3:L2:{S002}:v7:overview|S002|2026-10-01|2026-10-30";
  private final ClusterKeys keys = ClusterKeys.of("0123456789abcdef0123456789abcdef-test");
  private final EntryCodec codec = EntryCodec.of(keys);
  private final Entry entry = new Entry(1_700_000_000_000L, 7, "gzip bytes of the answer".getBytes(StandardCharsets.UTF_8));

  private EntryCodec.Rejection rejection(String key, byte[] bytes) {
    try {
      codec.decode(key, bytes);
    } catch (EntryCodec.RejectedEntry e) {
      return e.reason();
    }
    throw new AssertionError("accepted");
  }

  @Test
  void anEntryReadsBackUnderItsOwnKey() throws Exception {
    byte[] stored = codec.encode(KEY, entry);
    assertThat(stored).hasSize(EntryCodec.HEADER + entry.gzip().length);
    assertThat(Arrays.copyOf(stored, 3)).containsExactly('S', 'D', 2);
    Entry read = codec.decode(KEY, stored);
    assertThat(read.storedAt()).isEqualTo(entry.storedAt());
    assertThat(read.version()).isEqualTo(7);
    assertThat(read.gzip()).isEqualTo(entry.gzip());
    // Another instance of the same cluster (same CLUSTER_SECRET) reads it too.
    assertThat(EntryCodec.of(ClusterKeys.of("0123456789abcdef0123456789abcdef-test")).decode(KEY, stored).gzip()).isEqualTo(entry.gzip());
    assertThat(codec.decode(KEY, codec.encode(KEY, new Entry(1, 1, new byte[0]))).gzip()).isEmpty();
  }

  @Test
  void aValidEntryCopiedUnderAnotherKeyIsForged() {
    assertThat(rejection(OTHER_KEY, codec.encode(KEY, entry))).isEqualTo(EntryCodec.Rejection.FORGED);
    // The key's length is part of the MAC: no shifting of bytes between the key and the entry.
    assertThat(rejection(KEY + "x", codec.encode(KEY, entry))).isEqualTo(EntryCodec.Rejection.FORGED);
  }

  @Test
  void anyChangedByteIsForged() {
    byte[] stored = codec.encode(KEY, entry);
    for (int i = 7; i < stored.length; i++) {
      byte[] changed = stored.clone();
      changed[i] ^= 1;
      assertThat(rejection(KEY, changed)).as("byte %d changed", i).isEqualTo(EntryCodec.Rejection.FORGED);
    }
    // A stale entry made fresh: computed-at moved forward.
    byte[] fresh = stored.clone();
    ByteBuffer.wrap(fresh).putLong(7, System.currentTimeMillis());
    assertThat(rejection(KEY, fresh)).isEqualTo(EntryCodec.Rejection.FORGED);
    // Cut short after the header, as a truncated value.
    assertThat(rejection(KEY, Arrays.copyOf(stored, stored.length - 5))).isEqualTo(EntryCodec.Rejection.FORGED);
  }

  @Test
  void aWellFormedEntryWithoutOrWithAWrongMacIsRejected() {
    byte[] noMac = codec.encode(KEY, entry);
    Arrays.fill(noMac, 23, EntryCodec.HEADER, (byte) 0);
    assertThat(rejection(KEY, noMac)).isEqualTo(EntryCodec.Rejection.FORGED);
    // Format 1, as releases before issue 17 wrote it: 'S' 'D' 1 | computed-at | version | gzip.
    ByteBuffer v1 = ByteBuffer.allocate(19 + entry.gzip().length);
    v1.put((byte) 'S').put((byte) 'D').put((byte) 1).putLong(entry.storedAt()).putLong(7).put(entry.gzip());
    assertThat(rejection(KEY, v1.array())).isEqualTo(EntryCodec.Rejection.UNSIGNED);
    byte[] future = codec.encode(KEY, entry);
    future[2] = 3;
    assertThat(rejection(KEY, future)).isEqualTo(EntryCodec.Rejection.OTHER_FORMAT);
    // Sealed by a member with another secret (or this standalone before a restart with a new random one).
    assertThat(rejection(KEY, EntryCodec.of(ClusterKeys.random()).encode(KEY, entry))).isEqualTo(EntryCodec.Rejection.OTHER_KEY);
  }

  @Test
  void garbageAndTruncatedHeadersAreCorrupt() {
    assertThat(rejection(KEY, "{\"forged\":true}".getBytes(StandardCharsets.UTF_8))).isEqualTo(EntryCodec.Rejection.CORRUPT);
    assertThat(rejection(KEY, new byte[0])).isEqualTo(EntryCodec.Rejection.CORRUPT);
    assertThat(rejection(KEY, new byte[] {'S'})).isEqualTo(EntryCodec.Rejection.CORRUPT);
    assertThat(rejection(KEY, Arrays.copyOf(codec.encode(KEY, entry), EntryCodec.HEADER - 1))).isEqualTo(EntryCodec.Rejection.CORRUPT);
  }

  @Test
  void theMessageOfARejectionNamesNoKeyMaterial() {
    assertThatThrownBy(() -> codec.decode(OTHER_KEY, codec.encode(KEY, entry)))
      .isInstanceOf(EntryCodec.RejectedEntry.class).hasMessage("the tag does not match the key and content");
  }
}
