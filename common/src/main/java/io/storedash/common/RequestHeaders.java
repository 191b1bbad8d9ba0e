package io.storedash.common;

/**
 * Event-bus message headers that travel beside a dashboard question (docs/DESIGN.md §12.3), so the question itself,
 * and with it its cache key, stays the same whoever asks.
 */
public final class RequestHeaders {

  /**
   * Who asked, as the gateway names the client: {@code user:<name>}, {@code token:<id>} or {@code addr:<address>}.
   * cache-service passes the first asker's on to query-service, whose admission control charges that client's budget.
   * Absent: a service's own work (the warm-up), charged to the instance's budget only.
   */
  public static final String CLIENT = "sd-client";
  /** The longest client name query-service keeps; a longer one is cut (it only names a budget). */
  public static final int MAX_CLIENT_LENGTH = 128;

  private RequestHeaders() {
  }
}
