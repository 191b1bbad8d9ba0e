package io.storedash.gateway.http;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The access log's own thread: event loops hand lines over with {@link #offer} (never waiting: a full queue drops the
 * line and counts it), this thread formats and writes them in batches — to the {@code storedash.access} logger, or
 * to a file that it rotates itself: {@code access.log} is renamed {@code access.log.1} (.1 to .2, ...) once it holds
 * a quarter of ACCESS_LOG_MAX_BYTES, and three rotated copies are kept, so the four files together never hold more
 * than the limit.
 */
public final class AccessLogWriter {

  /** Lines waiting at most: about 3 MB, a fraction of a second of a saturated gateway. */
  public static final int QUEUE = 16_384;
  /** Rotated copies kept beside the current file. */
  static final int ROTATED = 3;

  private static final Logger LOG = LoggerFactory.getLogger(AccessLogWriter.class);
  private static final int BATCH = 512;

  private final Function<AccessLog.Line, String> format;
  private final Path file;
  private final long fileBytes;
  private final BlockingQueue<AccessLog.Line> queue;
  private final Runnable dropped;
  private final Thread thread;
  private volatile boolean closing;
  private OutputStream out;
  private long written;
  private boolean failing;

  /**
   * @param file     where the lines go, or null for the {@code storedash.access} logger
   * @param maxBytes what the file and its rotated copies hold together
   * @param dropped  called (on the event loop) for each line the full queue refused
   */
  AccessLogWriter(Function<AccessLog.Line, String> format, Path file, long maxBytes, int queue, Runnable dropped) {
    this.format = format;
    this.file = file;
    this.fileBytes = Math.max(1, maxBytes / (ROTATED + 1));
    this.queue = new ArrayBlockingQueue<>(queue);
    this.dropped = dropped;
    this.thread = new Thread(this::run, "storedash-access-log");
    thread.setDaemon(true);
    thread.start();
  }

  /** Hands a line over, or drops it when the queue is full; never blocks. */
  void offer(AccessLog.Line line) {
    if (closing || !queue.offer(line)) {
      dropped.run();
    }
  }

  /** Lines waiting to be written. */
  int queued() {
    return queue.size();
  }

  /** Writes what is queued, then ends the thread (without waiting for it: this is called on an event loop). */
  void close() {
    closing = true;
  }

  private void run() {
    List<AccessLog.Line> batch = new ArrayList<>(BATCH);
    try {
      while (true) {
        AccessLog.Line first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closing) {
            break;
          }
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, BATCH - 1);
        for (AccessLog.Line line : batch) {
          write(line);
        }
        batch.clear();
        flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      closeFile();
    }
  }

  private void write(AccessLog.Line line) {
    String message = format.apply(line);
    if (file == null) {
      AccessLog.LOG.info(message);
      return;
    }
    byte[] bytes = (DateTimeFormatter.ISO_INSTANT.format(Instant.ofEpochMilli(line.epochMillis())) + " " + message + "\n")
      .getBytes(StandardCharsets.UTF_8);
    try {
      if (out == null || written + bytes.length > fileBytes) {
        open(bytes.length);
      }
      out.write(bytes);
      written += bytes.length;
      failing = false;
    } catch (IOException e) {
      closeFile();
      if (!failing) {
        LOG.warn("access log: cannot write {}: {}; lines are lost until it can be written again", file, e.toString());
        failing = true;
      }
    }
  }

  /**
   * Opens the file for a line of {@code incoming} bytes, first moving it to {@code .1} (the older copies one further,
   * the oldest dropped) when the line would not fit.
   */
  private void open(int incoming) throws IOException {
    closeFile();
    if (Files.exists(file) && Files.size(file) > 0 && Files.size(file) + incoming > fileBytes) {
      Files.deleteIfExists(copy(ROTATED));
      for (int i = ROTATED - 1; i >= 1; i--) {
        if (Files.exists(copy(i))) {
          Files.move(copy(i), copy(i + 1), StandardCopyOption.REPLACE_EXISTING);
        }
      }
      Files.move(file, copy(1), StandardCopyOption.REPLACE_EXISTING);
    }
    if (file.getParent() != null) {
      Files.createDirectories(file.getParent());
    }
    out = new BufferedOutputStream(Files.newOutputStream(file, StandardOpenOption.CREATE, StandardOpenOption.APPEND), 64 * 1024);
    written = Files.size(file);
  }

  private Path copy(int index) {
    return file.resolveSibling(file.getFileName() + "." + index);
  }

  private void flush() {
    if (out != null) {
      try {
        out.flush();
      } catch (IOException e) {
        closeFile();
      }
    }
  }

  private void closeFile() {
    if (out != null) {
      try {
        out.close();
      } catch (IOException e) {
        // the lines in its buffer are lost; the next line opens the file again
      }
      out = null;
    }
  }
}
