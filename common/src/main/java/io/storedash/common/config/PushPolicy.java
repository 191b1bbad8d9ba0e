package io.storedash.common.config;

import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Push to webhooks (docs/DESIGN.md §14.2): how monitor-service's push verticle seals the webhooks' URLs and secrets,
 * which hosts it may call, and how it retries and paces its sends.
 *
 * @param secretKey    PUSH_SECRET_KEY: the AES-256 key (32 bytes, given in base64) that seals every webhook URL and
 *                     signing secret in PostgreSQL; absent: push is off (the standalone keeps one in its data
 *                     directory)
 * @param allowedHosts PUSH_ALLOWED_HOSTS: hosts a webhook may name besides the platforms' own (lower case); a
 *                     loopback one may be plain http
 * @param ratePerMinute PUSH_RATE_LIMIT: sends to one webhook URL per minute, over every instance
 * @param maxAttempts  PUSH_MAX_ATTEMPTS: attempts of one delivery before it is marked failed
 * @param retryBackoff PUSH_RETRY_BACKOFF: the wait after the first failed attempt, doubled after each further one
 * @param interval     PUSH_INTERVAL: how often each instance looks for due digests and deliveries
 */
public record PushPolicy(Optional<byte[]> secretKey, Set<String> allowedHosts, int ratePerMinute, int maxAttempts,
                         Duration retryBackoff, Duration interval) {

  public PushPolicy withSecretKey(byte[] key) {
    return new PushPolicy(Optional.of(key.clone()), allowedHosts, ratePerMinute, maxAttempts, retryBackoff, interval);
  }

  @Override
  public String toString() {
    // Configuration records end up in logs: never the key.
    return "PushPolicy[secretKey=" + secretKey.map(k -> "(set)").orElse("(none)") + ", allowedHosts=" + allowedHosts
      + ", ratePerMinute=" + ratePerMinute + ", maxAttempts=" + maxAttempts + ", retryBackoff=" + retryBackoff
      + ", interval=" + interval + "]";
  }
}
