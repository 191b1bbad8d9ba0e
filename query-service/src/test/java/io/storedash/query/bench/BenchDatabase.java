package io.storedash.query.bench;

import io.storedash.common.embedded.EmbeddedPostgresServer;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Keeps the benchmarks' embedded PostgreSQL running on a fixed port until interrupted, to look at plans with
 * {@code psql -h 127.0.0.1 -p 55432 -U postgres storedash_bench} ({@code EXPLAIN ANALYZE ...}):
 * <pre>
 * java -cp target/classes:target/test-classes:$(cat target/test.classpath) io.storedash.query.bench.BenchDatabase \
 *   /tmp/storedash-bench-pg 55432
 * </pre>
 */
public final class BenchDatabase {

  private BenchDatabase() {
  }

  public static void main(String[] args) throws InterruptedException {
    EmbeddedPostgresServer server = EmbeddedPostgresServer.start(Path.of(args[0]), false, Integer.parseInt(args[1]));
    System.out.println("PostgreSQL on port " + server.port() + ": " + server.url("storedash_bench"));
    Runtime.getRuntime().addShutdownHook(new Thread(server::close));
    new CountDownLatch(1).await();
  }
}
