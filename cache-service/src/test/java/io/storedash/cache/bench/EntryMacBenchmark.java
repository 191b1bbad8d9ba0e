package io.storedash.cache.bench;

import io.storedash.cache.tier.CacheKeys;
import io.storedash.cache.tier.Entry;
import io.storedash.cache.tier.EntryCodec;
import io.storedash.cache.tier.Tier;
import io.storedash.common.DashboardQuery;
import io.storedash.common.QueryKind;
import io.storedash.common.security.ClusterKeys;

import java.time.LocalDate;
import java.util.Arrays;
import java.util.Random;

/**
 * What sealing and checking a Redis entry costs ({@link EntryCodec}), per entry and payload size, beside what the
 * entry cost before it had a MAC: the header written in front of a copy of the gzip bytes, and the copy taken out.
 * Payloads are random bytes, as gzip output is. Prints ns per entry (the best of 200 batches); run after
 * {@code ./mvnw -pl cache-service test-compile}:
 *
 * <pre>
 * cd cache-service && ../mvnw -q dependency:build-classpath -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
 * java -cp target/classes:target/test-classes:$(cat target/test.classpath) io.storedash.cache.bench.EntryMacBenchmark
 * </pre>
 */
public final class EntryMacBenchmark {

  private static long sink;

  public static void main(String[] args) {
    EntryCodec codec = EntryCodec.of(ClusterKeys.random());
    String key = CacheKeys.key(Tier.L2, DashboardQuery.of(QueryKind.OVERVIEW, "S001", LocalDate.of(2026, 10, 1),
      LocalDate.of(2026, 10, 30)), 1_733_200_000_000L);
    System.out.printf("key: %d characters%n", key.length());
    System.out.printf("%10s %12s %12s %12s %12s %10s%n", "gzip", "seal ns", "check ns", "unsealed w", "unsealed r", "MAC MB/s");
    for (int size : new int[] {256, 2 * 1024, 20 * 1024, 200 * 1024}) {
      byte[] gzip = new byte[size];
      new Random(size).nextBytes(gzip);
      Entry entry = new Entry(System.currentTimeMillis(), 7, gzip);
      byte[] stored = codec.encode(key, entry);
      int batch = Math.max(20, 2_000_000 / size);
      double seal = best(batch, () -> sink += codec.encode(key, entry)[40]);
      double check = best(batch, () -> sink += decode(codec, key, stored).version());
      double plainWrite = best(batch, () -> {
        byte[] plain = new byte[19 + size];
        System.arraycopy(gzip, 0, plain, 19, size);
        sink += plain[20];
      });
      double plainRead = best(batch, () -> sink += Arrays.copyOfRange(stored, 39, stored.length)[0]);
      double macMbPerSecond = size / ((check - plainRead) / 1e9) / (1 << 20);
      System.out.printf("%10s %12.0f %12.0f %12.0f %12.0f %10.0f%n", size >= 1024 ? size / 1024 + " KB" : size + " B",
        seal, check, plainWrite, plainRead, macMbPerSecond);
    }
    System.out.println(sink == 42 ? "" : "(done)");
  }

  /**
   * ns per call of the fastest of 200 batches: on a machine shared with other builds the mean measures the neighbours,
   * the best batch what the code costs (the first batches also compile it).
   */
  private static double best(int batch, Runnable work) {
    double best = Double.MAX_VALUE;
    for (int round = 0; round < 200; round++) {
      long started = System.nanoTime();
      for (int i = 0; i < batch; i++) {
        work.run();
      }
      best = Math.min(best, (System.nanoTime() - started) / (double) batch);
    }
    return best;
  }

  private static Entry decode(EntryCodec codec, String key, byte[] stored) {
    try {
      return codec.decode(key, stored);
    } catch (EntryCodec.RejectedEntry e) {
      throw new IllegalStateException(e);
    }
  }
}
