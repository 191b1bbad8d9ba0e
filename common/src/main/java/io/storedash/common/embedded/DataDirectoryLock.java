package io.storedash.common.embedded;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The lock a StoreDash process holds on its data directory for as long as it runs: an OS file lock on
 * {@code storedash.lock}, which the OS releases when the process ends however it ends, so a killed StoreDash never
 * leaves a stale lock behind. The file says who holds it (pid, command, start time) and, once the embedded server
 * runs, its PostgreSQL port, so that a second StoreDash can name the holder and {@code storedash backup} can reach
 * the running database.
 */
public final class DataDirectoryLock implements AutoCloseable {

  public static final String FILE = "storedash.lock";
  public static final String PG_PORT = "pg_port";

  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;
  private final Map<String, String> facts = new LinkedHashMap<>();

  private DataDirectoryLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock of {@code directory} (created when missing).
   *
   * @throws DataDirectoryInUse naming the process that holds it
   */
  public static DataDirectoryLock acquire(Path directory) {
    Path file = directory.resolve(FILE);
    FileChannel channel = null;
    try {
      Files.createDirectories(directory);
      // Opened without truncation: the holder's description must survive a look by a process that fails to lock.
      channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
      FileLock lock;
      try {
        lock = channel.tryLock();
      } catch (OverlappingFileLockException e) {
        lock = null;
      }
      if (lock == null) {
        channel.close();
        throw inUse(directory, holder(file));
      }
      DataDirectoryLock held = new DataDirectoryLock(file, channel, lock);
      ProcessHandle self = ProcessHandle.current();
      held.facts.put("pid", Long.toString(self.pid()));
      held.facts.put("command", self.info().commandLine().orElse("java"));
      held.facts.put("started", Instant.now().toString());
      held.write();
      return held;
    } catch (IOException e) {
      closeQuietly(channel);
      throw new UncheckedIOException("cannot lock the data directory " + directory.toAbsolutePath() + ": " + e.getMessage(), e);
    }
  }

  /** What the holder of {@code directory}'s lock wrote about itself; empty when nobody ever held it. */
  public static Map<String, String> holder(Path directory) {
    Path file = Files.isDirectory(directory) ? directory.resolve(FILE) : directory;
    Map<String, String> facts = new LinkedHashMap<>();
    try {
      if (Files.exists(file)) {
        Properties properties = new Properties();
        properties.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        properties.stringPropertyNames().forEach(name -> facts.put(name, properties.getProperty(name)));
      }
    } catch (IOException | IllegalArgumentException e) {
      // An unreadable description still leaves the lock itself; the message then says less.
    }
    return facts;
  }

  private static DataDirectoryInUse inUse(Path directory, Map<String, String> holder) {
    String pid = holder.getOrDefault("pid", "?");
    long id = -1;
    try {
      id = Long.parseLong(pid);
    } catch (NumberFormatException e) {
      // described below as an unknown process
    }
    String command = holder.get("command");
    return new DataDirectoryInUse("the data directory " + directory.toAbsolutePath() + " is in use by StoreDash process "
      + pid + (command == null ? "" : " (" + abbreviate(command) + ")")
      + (holder.containsKey("started") ? ", running since " + holder.get("started") : "")
      + ": stop that process first (kill " + pid + "), or give this one another --data-dir", id);
  }

  private static String abbreviate(String command) {
    return command.length() <= 160 ? command : command.substring(0, 157) + "...";
  }

  /** Adds a fact to the description (e.g. {@link #PG_PORT}) and rewrites the file. */
  public void record(String key, String value) {
    facts.put(key, value);
    write();
  }

  private void write() {
    StringBuilder text = new StringBuilder("# held by a running StoreDash; the OS releases it when that process ends\n");
    facts.forEach((k, v) -> text.append(k).append('=').append(v.replace("\\", "\\\\").replace("\n", " ")).append('\n'));
    try {
      channel.truncate(0);
      channel.write(ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)), 0);
      channel.force(false);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
    } catch (IOException e) {
      // closing the channel below releases it too
    }
    closeQuietly(channel);
  }

  private static void closeQuietly(FileChannel channel) {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // nothing more to release
      }
    }
  }
}
