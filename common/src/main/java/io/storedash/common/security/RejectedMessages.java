package io.storedash.common.security;

import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Event-bus messages a service refused because it cannot trust them: counted in
 * {@code storedash_eventbus_rejected_messages_total{address,reason}} and logged at WARN, at most once per
 * {@link #LOG_INTERVAL} for each address and reason, so that a flood of forged messages cannot flood the log too.
 * The log names the address, the reason and the sender node the message claims, never a key or a signature.
 */
public final class RejectedMessages {

  /** The counter's name (Prometheus adds {@code _total}). */
  public static final String METRIC = "storedash_eventbus_rejected_messages";
  /** One WARN line per address and reason at most this often; the next line says how many were refused meanwhile. */
  public static final Duration LOG_INTERVAL = Duration.ofSeconds(10);

  private static final Logger LOG = LoggerFactory.getLogger(RejectedMessages.class);
  private static final int MAX_SENDER_CHARS = 64;

  private record LogWindow(long loggedAt, long suppressed) {
  }

  private final MeterRegistry registry;
  private final Clock clock;
  private final Map<String, LogWindow> windows = new HashMap<>();

  public RejectedMessages(MeterRegistry registry, Clock clock) {
    this.registry = registry;
    this.clock = clock;
  }

  /**
   * Counts and (rate-limited) logs one refused message.
   *
   * @param address     the address as metrics name it (one name for the many addresses of import sessions)
   * @param reason      why, a short label: {@code missing}, {@code malformed}, {@code stale}, {@code bad_signature}, ...
   * @param sender      the node the message says it came from, or null
   * @param explanation a sentence for the log: what is wrong and what to check
   */
  public void reject(String address, String reason, String sender, String explanation) {
    registry.counter(METRIC, "address", address, "reason", reason).increment();
    long suppressed = suppressedSinceLastLine(address + '\u0000' + reason);
    if (suppressed < 0) {
      return;
    }
    LOG.warn("refused a message to {} ({}) from {}: {}{}", address, reason, describe(sender), explanation,
      suppressed == 0 ? "" : "; " + suppressed + " more like it refused in the last " + LOG_INTERVAL.toSeconds() + " s");
  }

  /** How many were refused without a line since the last one; -1 when this one gets no line either. */
  private synchronized long suppressedSinceLastLine(String key) {
    long now = clock.millis();
    LogWindow window = windows.get(key);
    if (window == null || now - window.loggedAt() >= LOG_INTERVAL.toMillis()) {
      windows.put(key, new LogWindow(now, 0));
      return window == null ? 0 : window.suppressed();
    }
    windows.put(key, new LogWindow(window.loggedAt(), window.suppressed() + 1));
    return -1;
  }

  /** The claimed sender, shortened and without characters that could forge log lines. */
  static String describe(String sender) {
    if (sender == null || sender.isEmpty()) {
      return "a sender that names no node";
    }
    StringBuilder safe = new StringBuilder("node ");
    for (int i = 0; i < Math.min(sender.length(), MAX_SENDER_CHARS); i++) {
      char c = sender.charAt(i);
      safe.append(Character.isLetterOrDigit(c) || c == '-' || c == '.' || c == '_' || c == ':' ? c : '?');
    }
    if (sender.length() > MAX_SENDER_CHARS) {
      safe.append('…');
    }
    return safe.append(" (as the message claims)").toString();
  }
}
