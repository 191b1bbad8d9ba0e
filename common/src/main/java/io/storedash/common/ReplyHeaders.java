package io.storedash.common;

/**
 * Event-bus message headers that travel beside a dashboard result, so the result bytes never have to be
 * parsed to learn where they came from.
 */
public final class ReplyHeaders {

  /** The tier that answered: L1..L4, or DIRECT when query-service answered without a cache. */
  public static final String TIER = "sd-tier";
  /** HIT, MISS or STALE. */
  public static final String CACHE_STATUS = "sd-cache";
  /** A strong entity tag for the result bytes. */
  public static final String ETAG = "sd-etag";
  /** The content encoding of the body bytes: identity or gzip. */
  public static final String ENCODING = "sd-encoding";
  /** Milliseconds spent computing the result in query-service (Server-Timing). */
  public static final String COMPUTE_MS = "sd-compute-ms";

  private ReplyHeaders() {
  }
}
