package io.storedash.common;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;

/**
 * A dashboard result as it crosses the event bus: the result bytes, never parsed on the way, and what
 * {@link ReplyHeaders} say about them. cache-service and query-service write it, the gateway and cache-service read it.
 *
 * @param body        the result JSON, gzip-compressed when {@code gzipped}
 * @param tier        the cache tier that answered (L1..L4), or null when query-service answered directly
 * @param cacheStatus HIT, MISS or STALE; null without a cache
 * @param etag        a strong entity tag for the bytes, or null
 * @param gzipped     whether {@code body} is gzip
 * @param computeMs   milliseconds query-service spent computing the result, or null
 */
public record DashboardReply(Buffer body, String tier, String cacheStatus, String etag, boolean gzipped, String computeMs) {

  /** A result query-service computed: plain JSON bytes and the time it took. */
  public static DashboardReply computed(Buffer json, String computeMs) {
    return new DashboardReply(json, null, null, null, false, computeMs);
  }

  /** The reply a service received. */
  public static DashboardReply of(Message<Buffer> message) {
    MultiMap headers = message.headers();
    return new DashboardReply(message.body(), headers.get(ReplyHeaders.TIER), headers.get(ReplyHeaders.CACHE_STATUS),
      headers.get(ReplyHeaders.ETAG), "gzip".equals(headers.get(ReplyHeaders.ENCODING)), headers.get(ReplyHeaders.COMPUTE_MS));
  }

  /** The headers to reply {@link #body()} with. */
  public DeliveryOptions deliveryOptions() {
    DeliveryOptions options = new DeliveryOptions();
    if (tier != null) {
      options.addHeader(ReplyHeaders.TIER, tier);
    }
    if (cacheStatus != null) {
      options.addHeader(ReplyHeaders.CACHE_STATUS, cacheStatus);
    }
    if (gzipped) {
      options.addHeader(ReplyHeaders.ENCODING, "gzip");
    }
    if (etag != null) {
      options.addHeader(ReplyHeaders.ETAG, etag);
    }
    if (computeMs != null) {
      options.addHeader(ReplyHeaders.COMPUTE_MS, computeMs);
    }
    return options;
  }

  /** Replies {@code message} with this result. */
  public void replyTo(Message<?> message) {
    message.reply(body, deliveryOptions());
  }
}
