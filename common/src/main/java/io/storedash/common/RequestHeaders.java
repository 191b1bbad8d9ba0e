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
  /**
   * The client the gateway names for the break-glass ADMIN_TOKEN: the operator's own credential (bootstrap,
   * emergencies, load tests with {@code X-Cache-Bypass}), bounded by the instance's admission budget only — the
   * per-client budget keeps users and tokens from crowding each other out, which an operator's deliberate load test is
   * not. No user or token can be named so: theirs are {@code user:} and {@code token:} names.
   */
  public static final String OPERATOR_CLIENT = "admin-token";
  /** The longest client name query-service keeps; a longer one is cut (it only names a budget). */
  public static final int MAX_CLIENT_LENGTH = 128;

  private RequestHeaders() {
  }
}
