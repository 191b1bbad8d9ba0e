package io.storedash.gateway.http;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.storedash.common.config.LoadPolicy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** The access log's writer: off the caller's thread, never waiting, size-capped on disk, the token kept out. */
class AccessLogTest {

  private static final AdminToken TOKEN = new AdminToken(Optional.of("access-log-test-token-0123456789"));

  private static AccessLog.Line line(String path, int status) {
    return new AccessLog.Line("GET", path, status, 1234, 2_500_000, "L4", System.currentTimeMillis());
  }

  @Test
  void aFullQueueDropsAndCountsInsteadOfWaiting() throws Exception {
    CountDownLatch writing = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicInteger dropped = new AtomicInteger();
    AtomicInteger written = new AtomicInteger();
    AccessLogWriter writer = new AccessLogWriter(l -> {
      writing.countDown();
      try {
        // The writer's thread is stuck (a slow disk, a blocked stdout): the queue fills up.
        release.await(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      written.incrementAndGet();
      return "x";
    }, null, 1 << 20, 4, dropped::incrementAndGet);
    try {
      writer.offer(line("/first", 200));
      assertThat(writing.await(5, TimeUnit.SECONDS)).isTrue();
      long started = System.nanoTime();
      for (int i = 0; i < 1000; i++) {
        writer.offer(line("/flood", 200));
      }
      // 1,000 offers against a stuck writer return at once: nothing waits for it.
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(1));
      assertThat(dropped.get()).isEqualTo(1000 - 4);
    } finally {
      release.countDown();
      writer.close();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (written.get() < 5 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(written.get()).as("the first line and the four queued").isEqualTo(5);
  }

  @Test
  void theFileRotatesAndTheCopiesStayUnderTheLimit(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("logs").resolve("access.log");
    long max = 1 << 20;
    AtomicInteger dropped = new AtomicInteger();
    AccessLogWriter writer = new AccessLogWriter(l -> AccessLog.format(TOKEN, l), file, max, AccessLogWriter.QUEUE,
      dropped::incrementAndGet);
    String path = "/api/v1/stores/S001/overview/" + "x".repeat(100);
    int lines = 40_000;
    for (int i = 0; i < lines; i++) {
      writer.offer(line(path, 200));
      if (i % 5000 == 4999) {
        // Paced like a gateway under load, so that nothing is dropped and every byte is accounted for.
        untilDrained(writer);
      }
    }
    writer.offer(line("/api/v1/last", 200));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!tail(file).contains("/api/v1/last") && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    writer.close();
    assertThat(dropped.get()).isZero();
    assertThat(tail(file)).contains("GET /api/v1/last 200 1234 2.5ms L4");
    List<Path> files;
    try (Stream<Path> listed = Files.list(file.getParent())) {
      files = listed.sorted().toList();
    }
    assertThat(files).extracting(p -> p.getFileName().toString())
      .containsExactly("access.log", "access.log.1", "access.log.2", "access.log.3");
    long total = 0;
    for (Path p : files) {
      total += Files.size(p);
      assertThat(Files.size(p)).as(p.toString()).isLessThanOrEqualTo(max / 4);
    }
    // 40,000 lines of ~190 bytes is ~7.6 MB: the four files keep the newest and hold at most the limit.
    assertThat(total).isLessThanOrEqualTo(max).isGreaterThan(max / 2);
    assertThat(Files.readString(file.resolveSibling("access.log.1"))).startsWith("20").contains(" GET /api/v1/stores/S001/");
  }

  private static void untilDrained(AccessLogWriter writer) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (writer.queued() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  private static String tail(Path file) throws IOException {
    return Files.exists(file) ? Files.readString(file) : "";
  }

  @Test
  void theLoggerGetsTheLineWithTheTokenTakenOut() throws Exception {
    Logger access = (Logger) LoggerFactory.getLogger("storedash.access");
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.list = new CopyOnWriteArrayList<>();
    events.start();
    access.addAppender(events);
    AccessLog log = AccessLog.of(TOKEN, new LoadPolicy(LoadPolicy.AccessLog.ALL, Optional.empty(), 1 << 20, 64, 16,
      Duration.ofSeconds(2), Optional.empty(), 1_000_000), new SimpleMeterRegistry());
    try {
      log.writer().offer(line("/api/v1/access-log-test-token-0123456789/x", 404));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (events.list.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(events.list).extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly("GET /api/v1/<token>/x 404 1234 2.5ms L4");
      assertThat(events.list.get(0).getThreadName()).isEqualTo("storedash-access-log");
    } finally {
      log.close();
      access.detachAppender(events);
    }
  }
}
