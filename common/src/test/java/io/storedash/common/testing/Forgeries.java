package io.storedash.common.testing;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.storedash.common.security.ClusterKeys;
import io.storedash.common.security.MessageSignatures;
import io.storedash.common.security.RejectedMessages;
import io.vertx.core.eventbus.DeliveryOptions;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ways a message that is not a member's reaches a consumer that checks signatures (docs/DESIGN.md §11.3): for the
 * attack tests of every service, which send each of them and expect nothing to change.
 */
public final class Forgeries {

  /**
   * One forged message.
   *
   * @param name    what it is, for assertions' descriptions
   * @param reason  the {@code reason} label it is counted under
   * @param body    what to send
   * @param options its headers (a send timeout for requests)
   */
  public record Forgery(String name, String reason, Object body, DeliveryOptions options) {
  }

  private Forgeries() {
  }

  /**
   * Four ways to deliver {@code forged} to {@code address}: unsigned; signed with another cluster's key; signed with
   * ours three minutes ago (a replay); and with the signature of a member's {@code honest} message, whose body was
   * exchanged for {@code forged} on the way.
   */
  public static List<Forgery> of(ClusterKeys ours, String address, Object forged, Object honest) {
    MeterRegistry ignored = new SimpleMeterRegistry();
    MessageSignatures theirs = MessageSignatures.of(ClusterKeys.of("a-secret-that-is-not-this-clusters-secret"), "intruder",
      ignored);
    Clock past = Clock.offset(Clock.systemUTC(), Duration.ofMinutes(-3));
    MessageSignatures replayed = new MessageSignatures(ours, "member", new RejectedMessages(ignored, past), past);
    MessageSignatures member = MessageSignatures.of(ours, "member", ignored);
    return List.of(
      new Forgery("unsigned", "missing", forged, options().addHeader(MessageSignatures.NODE_HEADER, "intruder")),
      new Forgery("signed with another key", "bad_signature", forged, theirs.sign(address, forged, options())),
      new Forgery("signed three minutes ago", "stale", forged, replayed.sign(address, forged, options())),
      new Forgery("body changed after signing", "bad_signature", forged, member.sign(address, honest, options())));
  }

  private static DeliveryOptions options() {
    return new DeliveryOptions().setSendTimeout(5000);
  }

  /** How many messages to {@code address} were refused, by reason. */
  public static Map<String, Long> rejected(MeterRegistry registry, String address) {
    Map<String, Long> byReason = new TreeMap<>();
    for (Counter counter : registry.find(RejectedMessages.METRIC).tag("address", address).counters()) {
      byReason.put(counter.getId().getTag("reason"), (long) counter.count());
    }
    return byReason;
  }

  /** What {@link #rejected} says after every forgery of {@link #of} was refused {@code times} times. */
  public static Map<String, Long> everyForgeryRefused(long times) {
    return new TreeMap<>(Map.of("missing", times, "bad_signature", 2 * times, "stale", times));
  }
}
