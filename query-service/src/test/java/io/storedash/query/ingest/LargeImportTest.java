package io.storedash.query.ingest;

import io.storedash.common.ImportProtocol;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestStorage;
import io.storedash.query.QueryService;
import io.storedash.query.bench.HeapWatch;
import io.storedash.query.storage.PgPools;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A 500,000-line export (77 MiB) streamed through the event-bus protocol in 1 MiB chunks, in a JVM whose heap is
 * smaller than the file ({@code mvn -Pheavy test}: {@code -Xmx64m}): it can only pass if the file is never held.
 * Takes about a minute, so it is not part of the default test run.
 */
@Tag("heavy")
@ExtendWith(VertxExtension.class)
class LargeImportTest {

  private Node node;
  private Pool pool;
  private Path file;

  @BeforeEach
  void deploy(VertxTestContext testContext) throws IOException {
    StoreDashConfig config = TestStorage.config(Map.of());
    node = Node.local(config);
    pool = PgPools.create(node.vertx(), config, 1, null);
    file = Files.createTempFile("orders-500k", ".csv");
    long lines = ExportCsv.write(new DemoOptions(20, 25_000, 90, 43, LocalDate.of(2026, 10, 31)), file,
      ExportCsv.Headers.ZH, ExportCsv.Encoding.UTF_8);
    assertThat(lines).isEqualTo(500_000);
    node.deploy(QueryService.DESCRIPTOR, 1).onComplete(testContext.succeedingThenComplete());
  }

  @AfterEach
  void close(VertxTestContext testContext) throws IOException {
    Files.deleteIfExists(file);
    node.vertx().close().onComplete(testContext.succeedingThenComplete());
  }

  @Test
  @Timeout(value = 5, timeUnit = TimeUnit.MINUTES)
  void aFileLargerThanTheHeapIsStreamedIn(VertxTestContext testContext) throws IOException {
    long size = Files.size(file);
    System.gc();
    HeapWatch.reset();
    long started = System.nanoTime();
    ImportClient client = new ImportClient(node.vertx(), node.signatures());
    client.open(file.getFileName().toString(), size)
      .compose(session -> node.vertx().fileSystem().open(file.toString(), new OpenOptions().setRead(true))
        .compose(in -> sendFrom(in, session, 0, size).eventually(in::close)))
      .compose(reply -> {
        double seconds = (System.nanoTime() - started) / 1e9;
        JsonObject report = (JsonObject) reply.body();
        System.out.printf(Locale.ROOT, "500,000 lines, %.1f MiB streamed and imported in %.1f s (%,d lines/s); heap max %.0f MiB, "
            + "peak live %.1f MiB%n", size / 1048576.0, seconds, Math.round(500_000 / seconds), HeapWatch.maxMiB(),
          HeapWatch.peakLiveMiB());
        testContext.verify(() -> {
          assertThat(report.getLong("lines")).isEqualTo(500_000);
          assertThat(report.getLong("new_lines")).isEqualTo(500_000);
          assertThat(report.getJsonArray("stores")).hasSize(20);
          assertThat(HeapWatch.peakLiveMiB()).as("heap live after GC, MiB").isLessThan(size / 1048576.0);
        });
        return pool.query("SELECT (SELECT count(*) FROM order_lines), (SELECT sum(lines) FROM daily_channel)").execute();
      })
      .onComplete(testContext.succeeding(rows -> testContext.verify(() -> {
        assertThat(rows.iterator().next().getLong(0)).isEqualTo(500_000);
        assertThat(rows.iterator().next().getLong(1)).isEqualTo(500_000);
        testContext.completeNow();
      })));
  }

  private Future<Message<Object>> sendFrom(AsyncFile in, String session, long position, long size) {
    if (position >= size) {
      return node.vertx().eventBus().request(session, Buffer.buffer(), node.signatures().sign(session, Buffer.buffer(),
        new DeliveryOptions().addHeader(ImportProtocol.END, "true").setSendTimeout(TimeUnit.MINUTES.toMillis(4))));
    }
    int length = (int) Math.min(ImportProtocol.MAX_CHUNK_BYTES, size - position);
    return in.read(Buffer.buffer(length), 0, position, length)
      .compose(chunk -> node.vertx().eventBus().request(session, chunk,
        node.signatures().sign(session, chunk, new DeliveryOptions().setSendTimeout(60_000))))
      .compose(ack -> sendFrom(in, session, position + length, size));
  }
}
