package io.storedash.standalone.bench;

import com.github.luben.zstd.Zstd;
import io.storedash.common.Addresses;
import io.storedash.common.DashboardQuery;
import io.storedash.common.QueryKind;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestStorage;
import io.storedash.query.QueryService;
import io.storedash.query.ingest.DemoData;
import io.storedash.query.ingest.DemoOptions;
import io.vertx.core.buffer.Buffer;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FastDecompressor;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.zip.Deflater;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * gzip, zstd and LZ4 on real result payloads: every kind of dashboard query computed by query-service over a
 * generated chain (100 stores), compressed and decompressed in a loop. Prints ratio and MB/s per codec.
 *
 * <pre>
 * cd standalone && mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
 * java -cp target/classes:target/test-classes:$(cat target/test.classpath) io.storedash.standalone.bench.CompressionBenchmark
 * </pre>
 */
public final class CompressionBenchmark {

  private record Codec(String name, UnaryOperator<byte[]> compress, UnaryOperator<byte[]> decompress) {
  }

  public static void main(String[] args) throws Exception {
    StoreDashConfig config = TestStorage.config(Map.of());
    Node node = Node.local(config);
    List<byte[]> payloads = new ArrayList<>();
    Map<String, Integer> sizes = new LinkedHashMap<>();
    try {
      node.deploy(QueryService.DESCRIPTOR, 1).await();
      DemoData.loadIfEmpty(node.vertx(), node.signatures(), config, new DemoOptions(100, 3000, 90, 42, LocalDate.of(2026, 10, 31))).await();
      for (QueryKind kind : QueryKind.values()) {
        int total = 0;
        int count = 0;
        for (int s = 1; s <= 10; s++) {
          String store = kind.allowsAllStores() && s == 10 ? "all" : String.format("S%03d", s);
          if (kind == QueryKind.STORES || kind == QueryKind.RANKING) {
            store = "all";
          }
          try {
            Buffer body = node.vertx().eventBus().<Buffer>request(Addresses.DASHBOARD_COMPUTE,
              DashboardQuery.of(kind, store, null, null).toJson()).await().body();
            payloads.add(body.getBytes());
            total += body.length();
            count++;
          } catch (RuntimeException e) {
            System.err.println(kind.wireName() + " " + store + ": " + e.getMessage());
          }
          if (kind == QueryKind.STORES || kind == QueryKind.RANKING) {
            break;
          }
        }
        if (count > 0) {
          sizes.put(kind.wireName(), total / count);
        }
      }
    } finally {
      node.vertx().close().await();
    }
    long raw = payloads.stream().mapToLong(p -> p.length).sum();
    System.out.printf("%d payloads, %d bytes; mean size per kind: %s%n%n", payloads.size(), raw, sizes);

    LZ4Compressor lz4Fast = LZ4Factory.fastestInstance().fastCompressor();
    LZ4Compressor lz4High = LZ4Factory.fastestInstance().highCompressor();
    LZ4FastDecompressor lz4Decompressor = LZ4Factory.fastestInstance().fastDecompressor();
    List<Codec> codecs = List.of(
      new Codec("gzip level 6 (JDK default)", p -> gzip(p, Deflater.DEFAULT_COMPRESSION), CompressionBenchmark::gunzip),
      new Codec("gzip level 1", p -> gzip(p, Deflater.BEST_SPEED), CompressionBenchmark::gunzip),
      new Codec("zstd level 3", p -> withLength(p, Zstd.compress(p, 3)), CompressionBenchmark::unzstd),
      new Codec("zstd level 1", p -> withLength(p, Zstd.compress(p, 1)), CompressionBenchmark::unzstd),
      new Codec("lz4 fast", p -> withLength(p, lz4Fast.compress(p)), p -> unlz4(lz4Decompressor, p)),
      new Codec("lz4 high", p -> withLength(p, lz4High.compress(p)), p -> unlz4(lz4Decompressor, p)));

    System.out.println("| codec | ratio (raw/compressed) | compress MB/s | decompress MB/s |");
    System.out.println("|---|---|---|---|");
    for (Codec codec : codecs) {
      List<byte[]> compressed = payloads.stream().map(codec.compress()).toList();
      long size = compressed.stream().mapToLong(c -> c.length).sum();
      for (int i = 0; i < compressed.size(); i++) {
        if (!java.util.Arrays.equals(codec.decompress().apply(compressed.get(i)), payloads.get(i))) {
          throw new IllegalStateException(codec.name() + " did not round-trip");
        }
      }
      double compressMbs = throughput(raw, () -> payloads.forEach(codec.compress()::apply));
      double decompressMbs = throughput(raw, () -> compressed.forEach(codec.decompress()::apply));
      System.out.printf("| %s | %.2f | %.0f | %.0f |%n", codec.name(), raw / (double) size, compressMbs, decompressMbs);
    }
  }

  /** MB of raw payload per second over ~2 s, after ~1 s of warm-up. */
  private static double throughput(long rawBytes, Runnable pass) {
    long warmEnd = System.nanoTime() + 1_000_000_000L;
    while (System.nanoTime() < warmEnd) {
      pass.run();
    }
    int passes = 0;
    long started = System.nanoTime();
    while (System.nanoTime() - started < 2_000_000_000L) {
      pass.run();
      passes++;
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    return rawBytes * (double) passes / seconds / (1 << 20);
  }

  private static byte[] gzip(byte[] plain, int level) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(plain.length / 4 + 64);
    try (GZIPOutputStream gzip = new GZIPOutputStream(out, 8192) {
      {
        def.setLevel(level);
      }
    }) {
      gzip.write(plain);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static byte[] gunzip(byte[] compressed) {
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed), 8192)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** zstd and LZ4 blocks need the original length to decompress: a 4-byte prefix. */
  private static byte[] withLength(byte[] plain, byte[] block) {
    byte[] out = new byte[block.length + 4];
    java.nio.ByteBuffer.wrap(out).putInt(plain.length).put(block);
    return out;
  }

  private static byte[] unzstd(byte[] framed) {
    int length = java.nio.ByteBuffer.wrap(framed).getInt();
    return Zstd.decompress(java.util.Arrays.copyOfRange(framed, 4, framed.length), length);
  }

  private static byte[] unlz4(LZ4FastDecompressor decompressor, byte[] framed) {
    int length = java.nio.ByteBuffer.wrap(framed).getInt();
    byte[] out = new byte[length];
    decompressor.decompress(framed, 4, out, 0, length);
    return out;
  }
}
