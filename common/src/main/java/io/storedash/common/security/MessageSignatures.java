package io.storedash.common.security;

import io.micrometer.core.instrument.MeterRegistry;
import io.storedash.common.Failure;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Signatures on the event-bus messages that change state or that other services trust (imports, cache admin, data
 * changed, users, sessions and tokens, heartbeats, the monitor's updates; docs/DESIGN.md §11.3), so that a process
 * that reached the event bus without being one of ours cannot change anything.
 *
 * <p>The sender adds three headers: {@value #TIMESTAMP_HEADER} (its clock, epoch milliseconds), {@value #NODE_HEADER}
 * (its node id, for the logs) and {@value #SIGNATURE_HEADER}, the HMAC-SHA256 under the key
 * {@link ClusterKeys#MESSAGE_SIGNATURE} of the address, the timestamp, the node, every other header whose name starts
 * with {@code sd-} (an import's name, scope, end and abort travel in headers) and the body's bytes, each field
 * length-prefixed so that none can be shifted into another. The body's bytes are a {@code Buffer}'s bytes as they are,
 * and for a {@code JsonObject} or {@code JsonArray} Vert.x's own JSON encoding of it: the encoding the clustered
 * event bus sends, which a receiver in another JVM gets back byte for byte when it encodes the object it decoded
 * (MessageSignaturesTest proves it for numbers, unicode and nested arrays, through Vert.x's codec and over a real
 * cluster). A body must not be changed after it was signed.
 *
 * <p>The receiver refuses a message without the headers, with headers that do not parse, signed more than
 * {@link #MAX_SKEW} away from its own clock (checked before the signature, which costs a pass over the body), or
 * whose signature does not verify. Within the window a captured message could be replayed; capturing one needs a
 * member's TLS key (the event bus is TLS, §11.2), and what the signed messages do is idempotent or harmless twice (a
 * data-changed event, a flush, an ended session) — except an import, which a replay would run twice: its lines then
 * update the same orders, so the data ends the same.
 *
 * <p>A refused request is answered with {@link Failure#FORBIDDEN}; a refused published message is dropped. Both are
 * counted and logged by {@link RejectedMessages}.
 */
public final class MessageSignatures {

  /** The signer's clock when it signed, epoch milliseconds. */
  public static final String TIMESTAMP_HEADER = "sd-sig-ts";
  /** The signer's node id. Signed, but only ever shown: the key, not this, says a member sent the message. */
  public static final String NODE_HEADER = "sd-sig-node";
  /** The HMAC-SHA256, base64url without padding. */
  public static final String SIGNATURE_HEADER = "sd-sig";
  /** How far a signature's timestamp may be from the receiver's clock, either way. */
  public static final Duration MAX_SKEW = Duration.ofMinutes(2);

  private static final String SIGNED_HEADERS = "sd-";
  private static final int MAC_BYTES = 32;
  private static final byte[] DOMAIN = "storedash/event-bus-message/v1".getBytes(StandardCharsets.US_ASCII);

  /** What a received message's signature says. */
  public enum Verdict {
    VALID, MISSING, MALFORMED, STALE, BAD_SIGNATURE;

    /** The {@code reason} label of the rejected-messages counter. */
    public String reason() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * A verdict and, when the message is refused, the sentence its sender is answered with.
   *
   * @param sender the node the message names in {@value #NODE_HEADER}, or null
   */
  public record Verification(Verdict verdict, String sender, String explanation) {
    public boolean valid() {
      return verdict == Verdict.VALID;
    }
  }

  private final SecretKeySpec key;
  private final String node;
  private final RejectedMessages rejected;
  private final Clock clock;

  /**
   * @param keys     this cluster's keys; the signatures use {@link ClusterKeys#MESSAGE_SIGNATURE}
   * @param node     this process's node id, sent with every signature
   * @param rejected where refused messages are counted and logged
   * @param clock    what timestamps are taken and judged by
   */
  public MessageSignatures(ClusterKeys keys, String node, RejectedMessages rejected, Clock clock) {
    this.key = ClusterKeys.hmacKey(keys.derive(ClusterKeys.MESSAGE_SIGNATURE));
    this.node = node;
    this.rejected = rejected;
    this.clock = clock;
  }

  /** Signatures by this process's clock, refusals counted in {@code registry}. */
  public static MessageSignatures of(ClusterKeys keys, String node, MeterRegistry registry) {
    Clock clock = Clock.systemUTC();
    return new MessageSignatures(keys, node, new RejectedMessages(registry, clock), clock);
  }

  /**
   * Signatures of a process that is a member of no cluster (a command-line tool on a local event bus of its own):
   * under a random key, so that nothing it publishes is trusted anywhere else.
   */
  public static MessageSignatures unshared(String node) {
    return of(ClusterKeys.random(), node, new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
  }

  /** Where this process counts refused messages (for refusals that are not about signatures, e.g. a data version). */
  public RejectedMessages rejected() {
    return rejected;
  }

  /** New delivery options that carry this member's signature of {@code body} sent to {@code address}. */
  public DeliveryOptions sign(String address, Object body) {
    return sign(address, body, new DeliveryOptions());
  }

  /**
   * Adds this member's signature of {@code body} sent to {@code address} to {@code options} and returns them. The
   * {@code sd-} headers already in {@code options} are signed too, so add them first.
   *
   * @throws IllegalArgumentException when the body is not null, a Buffer, a JsonObject, a JsonArray or a String
   */
  public DeliveryOptions sign(String address, Object body, DeliveryOptions options) {
    long timestamp = clock.millis();
    MultiMap headers = options.getHeaders() == null ? MultiMap.caseInsensitiveMultiMap() : options.getHeaders();
    byte[] mac = mac(address, timestamp, node, headers, body);
    return options.addHeader(TIMESTAMP_HEADER, Long.toString(timestamp))
      .addHeader(NODE_HEADER, node)
      .addHeader(SIGNATURE_HEADER, Base64.getUrlEncoder().withoutPadding().encodeToString(mac));
  }

  /** Whether a message received at {@code address} was signed by a member of this cluster within {@link #MAX_SKEW}. */
  public Verification verify(String address, MultiMap headers, Object body) {
    return verify(address, address, headers, body);
  }

  /** As {@link #verify(String, MultiMap, Object)}; the explanation names the address {@code shownAs}. */
  private Verification verify(String shownAs, String address, MultiMap headers, Object body) {
    String sender = headers.get(NODE_HEADER);
    String timestampHeader = headers.get(TIMESTAMP_HEADER);
    String signatureHeader = headers.get(SIGNATURE_HEADER);
    if (timestampHeader == null || signatureHeader == null) {
      return new Verification(Verdict.MISSING, sender, "the message to " + shownAs + " is not signed; only members of "
        + "this StoreDash cluster, which share its CLUSTER_SECRET, may send it (docs/DESIGN.md §11.3)");
    }
    long timestamp;
    byte[] signature;
    try {
      timestamp = Long.parseLong(timestampHeader);
      signature = Base64.getUrlDecoder().decode(signatureHeader);
    } catch (IllegalArgumentException e) {
      return malformed(shownAs, sender);
    }
    if (signature.length != MAC_BYTES) {
      return malformed(shownAs, sender);
    }
    long skew = clock.millis() - timestamp;
    if (Math.abs(skew) > MAX_SKEW.toMillis()) {
      return new Verification(Verdict.STALE, sender, "the message to " + shownAs + " was signed " + Math.abs(skew / 1000)
        + " s " + (skew > 0 ? "ago" : "ahead of this member's clock") + ", more than the " + MAX_SKEW.toSeconds()
        + " s allowed: check that every member's clock is synchronised (NTP)");
    }
    byte[] expected;
    try {
      expected = mac(address, timestamp, sender, headers, body);
    } catch (IllegalArgumentException e) {
      return malformed(shownAs, sender);
    }
    if (!ClusterKeys.same(expected, signature)) {
      return new Verification(Verdict.BAD_SIGNATURE, sender, "the signature of the message to " + shownAs
        + " does not verify: the sender does not share this cluster's CLUSTER_SECRET, or the message was changed on "
        + "the way");
    }
    return new Verification(Verdict.VALID, sender, null);
  }

  private static Verification malformed(String address, String sender) {
    return new Verification(Verdict.MALFORMED, sender, "the signature headers of the message to " + address
      + " are malformed (" + TIMESTAMP_HEADER + " must be epoch milliseconds, " + SIGNATURE_HEADER
      + " a base64url HMAC-SHA256)");
  }

  /** {@code handler}, called only for messages that {@link #verify} as signed; the rest are refused. */
  public <T> Handler<Message<T>> verified(String address, Handler<Message<T>> handler) {
    return message -> {
      if (admit(address, message)) {
        handler.handle(message);
      }
    };
  }

  /**
   * Whether the message is signed. When it is not, it is counted and logged; a request is answered with
   * {@link Failure#FORBIDDEN}, a published message dropped.
   *
   * @param address the address as metrics and the answer name it (the import sessions' many addresses share one)
   */
  public boolean admit(String address, Message<?> message) {
    Verification verification = verify(address, message.address(), message.headers(), message.body());
    if (verification.valid()) {
      return true;
    }
    rejected.reject(address, verification.verdict().reason(), verification.sender(), verification.explanation());
    if (message.replyAddress() != null) {
      message.fail(Failure.FORBIDDEN.code(), "refused: " + verification.explanation());
    }
    return false;
  }

  private byte[] mac(String address, long timestamp, String sender, MultiMap headers, Object body) {
    Mac mac = newMac();
    field(mac, DOMAIN);
    field(mac, utf8(address));
    field(mac, utf8(Long.toString(timestamp)));
    field(mac, utf8(sender == null ? "" : sender));
    List<Map.Entry<String, String>> signed = new ArrayList<>();
    for (Map.Entry<String, String> header : headers) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (name.startsWith(SIGNED_HEADERS) && !name.equals(TIMESTAMP_HEADER) && !name.equals(NODE_HEADER)
        && !name.equals(SIGNATURE_HEADER)) {
        signed.add(Map.entry(name, header.getValue()));
      }
    }
    // A stable sort: the values of one header keep their order.
    signed.sort(Comparator.comparing(Map.Entry::getKey));
    field(mac, utf8(Integer.toString(signed.size())));
    for (Map.Entry<String, String> header : signed) {
      field(mac, utf8(header.getKey()));
      field(mac, utf8(header.getValue()));
    }
    body(mac, body);
    return mac.doFinal();
  }

  /** The body's kind, then its bytes. */
  private static void body(Mac mac, Object body) {
    if (body == null) {
      mac.update((byte) 0);
      field(mac, new byte[0]);
    } else if (body instanceof Buffer buffer) {
      mac.update((byte) 1);
      field(mac, buffer.getBytes());
    } else if (body instanceof JsonObject json) {
      mac.update((byte) 2);
      field(mac, json.toBuffer().getBytes());
    } else if (body instanceof JsonArray json) {
      mac.update((byte) 3);
      field(mac, json.toBuffer().getBytes());
    } else if (body instanceof String text) {
      mac.update((byte) 4);
      field(mac, utf8(text));
    } else {
      throw new IllegalArgumentException("a signed message's body is null, a Buffer, a JsonObject, a JsonArray or a "
        + "String, not a " + body.getClass().getSimpleName());
    }
  }

  private static void field(Mac mac, byte[] bytes) {
    mac.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
    mac.update(bytes);
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private Mac newMac() {
    return ClusterKeys.newMac(key);
  }

  @Override
  public String toString() {
    return "MessageSignatures[node " + node + "]";
  }
}
