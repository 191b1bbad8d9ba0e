package io.storedash.common.embedded;

/**
 * A data directory that another process is using: a StoreDash holding its lock, or a PostgreSQL server left running
 * on it. The message names the process, so the user knows what to stop.
 */
public final class DataDirectoryInUse extends RuntimeException {

  private final long pid;

  public DataDirectoryInUse(String message, long pid) {
    super(message);
    this.pid = pid;
  }

  /** The process that holds the directory, or -1 when it is not known. */
  public long pid() {
    return pid;
  }
}
