package io.storedash.common.security;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.storedash.common.Failure;
import io.storedash.common.ImportProtocol;
import io.storedash.common.testing.ManualClock;
import io.storedash.common.testing.TestStorage;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.impl.codecs.JsonObjectMessageCodec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Signed event-bus messages (docs/DESIGN.md §11.3): what verifies, what is refused and why, and that a signed
 * {@code JsonObject} still verifies after the clustered event bus encoded it in one JVM and decoded it in another.
 */
class MessageSignaturesTest {

  private static final String ADDRESS = "storedash.cache.admin";
  private static final ClusterKeys KEYS = ClusterKeys.of("0123456789abcdef0123456789abcdef-ours");

  private final ManualClock clock = new ManualClock();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final MessageSignatures ours = new MessageSignatures(KEYS, "node-a", new RejectedMessages(registry, clock), clock);
  private final List<Vertx> started = new ArrayList<>();

  @AfterEach
  void stop() throws Exception {
    for (Vertx vertx : started) {
      vertx.close().await(30, TimeUnit.SECONDS);
    }
  }

  private static MultiMap headers(DeliveryOptions options) {
    MultiMap copy = MultiMap.caseInsensitiveMultiMap();
    return options.getHeaders() == null ? copy : copy.addAll(options.getHeaders());
  }

  private MessageSignatures.Verdict verdict(String address, DeliveryOptions options, Object body) {
    return ours.verify(address, headers(options), body).verdict();
  }

  @Test
  void aSignedMessageVerifiesWhateverItsBody() {
    JsonObject flush = new JsonObject().put("action", "flush").put("tier", "L2").put("store", "S001");
    for (Object body : new Object[] {flush, Buffer.buffer("order_no,store\n1,S001\n"), null, "text", new JsonArray().add(1)}) {
      DeliveryOptions options = ours.sign(ADDRESS, body);
      assertThat(options.getHeaders().names()).contains(MessageSignatures.TIMESTAMP_HEADER, MessageSignatures.NODE_HEADER,
        MessageSignatures.SIGNATURE_HEADER);
      assertThat(verdict(ADDRESS, options, body)).as(String.valueOf(body)).isEqualTo(MessageSignatures.Verdict.VALID);
    }
  }

  @Test
  void anUnsignedForgedStaleOrChangedMessageIsRefused() {
    JsonObject flush = new JsonObject().put("action", "flush");
    DeliveryOptions signed = ours.sign(ADDRESS, flush);

    assertThat(verdict(ADDRESS, new DeliveryOptions(), flush)).isEqualTo(MessageSignatures.Verdict.MISSING);
    MessageSignatures theirs = new MessageSignatures(ClusterKeys.of("another-secret-another-secret-another"), "intruder",
      new RejectedMessages(registry, clock), clock);
    assertThat(verdict(ADDRESS, theirs.sign(ADDRESS, flush), flush)).as("another key")
      .isEqualTo(MessageSignatures.Verdict.BAD_SIGNATURE);
    assertThat(verdict(ADDRESS, signed, flush.copy().put("tier", "L2"))).as("a changed body")
      .isEqualTo(MessageSignatures.Verdict.BAD_SIGNATURE);
    assertThat(verdict("storedash.query.import", signed, flush)).as("another address")
      .isEqualTo(MessageSignatures.Verdict.BAD_SIGNATURE);
    assertThat(verdict(ADDRESS, signed, Buffer.buffer(flush.encode()))).as("the same JSON as a Buffer")
      .isEqualTo(MessageSignatures.Verdict.BAD_SIGNATURE);

    MultiMap otherNode = headers(signed).set(MessageSignatures.NODE_HEADER, "node-b");
    assertThat(ours.verify(ADDRESS, otherNode, flush).verdict()).as("another sender named").isEqualTo(MessageSignatures.Verdict.BAD_SIGNATURE);
    MultiMap badTimestamp = headers(signed).set(MessageSignatures.TIMESTAMP_HEADER, "yesterday");
    assertThat(ours.verify(ADDRESS, badTimestamp, flush).verdict()).isEqualTo(MessageSignatures.Verdict.MALFORMED);
    MultiMap badSignature = headers(signed).set(MessageSignatures.SIGNATURE_HEADER, "not base64 !");
    assertThat(ours.verify(ADDRESS, badSignature, flush).verdict()).isEqualTo(MessageSignatures.Verdict.MALFORMED);
    MultiMap shortSignature = headers(signed).set(MessageSignatures.SIGNATURE_HEADER, "AAAA");
    assertThat(ours.verify(ADDRESS, shortSignature, flush).verdict()).isEqualTo(MessageSignatures.Verdict.MALFORMED);
    MultiMap laterTimestamp = headers(signed).set(MessageSignatures.TIMESTAMP_HEADER,
      String.valueOf(Long.parseLong(signed.getHeaders().get(MessageSignatures.TIMESTAMP_HEADER)) + 1));
    assertThat(ours.verify(ADDRESS, laterTimestamp, flush).verdict()).as("a moved timestamp")
      .isEqualTo(MessageSignatures.Verdict.BAD_SIGNATURE);

    clock.advance(Duration.ofSeconds(119));
    assertThat(verdict(ADDRESS, signed, flush)).as("within two minutes").isEqualTo(MessageSignatures.Verdict.VALID);
    clock.advance(Duration.ofSeconds(2));
    assertThat(verdict(ADDRESS, signed, flush)).as("after two minutes").isEqualTo(MessageSignatures.Verdict.STALE);
    assertThat(ours.verify(ADDRESS, headers(signed), flush).explanation()).contains("121 s ago", "NTP");
  }

  @Test
  void aMessageFromTheFutureIsRefusedToo() {
    ManualClock ahead = new ManualClock(clock.instant().plus(Duration.ofMinutes(3)));
    MessageSignatures fast = new MessageSignatures(KEYS, "node-b", new RejectedMessages(registry, ahead), ahead);
    JsonObject body = new JsonObject().put("id", "s1");
    MessageSignatures.Verification verification = ours.verify(ADDRESS, headers(fast.sign(ADDRESS, body)), body);
    assertThat(verification.verdict()).isEqualTo(MessageSignatures.Verdict.STALE);
    assertThat(verification.explanation()).contains("180 s ahead");
  }

  @Test
  void theImportHeadersAreSignedAndOtherHeadersAreNot() {
    Buffer file = Buffer.buffer("order_no,store\n1,S001\n");
    JsonObject scope = new JsonObject().put(ImportProtocol.SCOPE_STORES, new JsonArray().add("S001"));
    DeliveryOptions signed = ours.sign("storedash.query.import", file, new DeliveryOptions()
      .addHeader(ImportProtocol.FILENAME_HEADER, "march.csv").addHeader(ImportProtocol.SCOPE_HEADER, scope.encode()));

    MultiMap widened = headers(signed);
    widened.remove(ImportProtocol.SCOPE_HEADER);
    assertThat(ours.verify("storedash.query.import", widened, file).verdict()).as("scope removed")
      .isEqualTo(MessageSignatures.Verdict.BAD_SIGNATURE);
    MultiMap ended = headers(signed).add(ImportProtocol.END, "true");
    assertThat(ours.verify("storedash.query.import", ended, file).verdict()).as("end added")
      .isEqualTo(MessageSignatures.Verdict.BAD_SIGNATURE);
    MultiMap traced = headers(signed).add("traceparent", "00-abc-def-01");
    assertThat(ours.verify("storedash.query.import", traced, file).verdict()).as("a tracing header added on the way")
      .isEqualTo(MessageSignatures.Verdict.VALID);
  }

  @Test
  void onlyBodiesTheBusCarriesAsBytesCanBeSigned() {
    assertThatThrownBy(() -> ours.sign(ADDRESS, 42)).isInstanceOf(IllegalArgumentException.class)
      .hasMessageContaining("Integer");
  }

  /** What the clustered event bus does to a JsonObject: encoded by the sender's codec, decoded by the receiver's. */
  private static JsonObject overTheWire(JsonObject sent) {
    JsonObjectMessageCodec codec = new JsonObjectMessageCodec();
    Buffer wire = Buffer.buffer();
    codec.encodeToWire(wire, sent);
    return codec.decodeFromWire(0, wire);
  }

  @Test
  void aSignedJsonObjectVerifiesAfterTheClusteredCodec() {
    Random random = new Random(17);
    for (int i = 0; i < 500; i++) {
      JsonObject sent = randomObject(random, 0);
      DeliveryOptions options = ours.sign(ADDRESS, sent);
      JsonObject received = overTheWire(sent);
      assertThat(verdict(ADDRESS, options, received)).as(sent.encode()).isEqualTo(MessageSignatures.Verdict.VALID);
    }
    JsonObject edges = edgeCases();
    assertThat(verdict(ADDRESS, ours.sign(ADDRESS, edges), overTheWire(edges))).as(edges.encode())
      .isEqualTo(MessageSignatures.Verdict.VALID);
  }

  /** The values a heartbeat, a snapshot or an admin command carries, at their edges. */
  private static JsonObject edgeCases() {
    return new JsonObject()
      .put("int", Integer.MIN_VALUE).put("long", Long.MAX_VALUE).put("small_long", 5L).put("negative", -1L)
      .put("double", 0.1).put("tiny", 1e-7).put("huge", 1e20).put("negative_zero", -0.0).put("max", Double.MAX_VALUE)
      .put("min", Double.MIN_VALUE).put("whole", 2.0).put("ratio", 2.0 / 3)
      .put("cjk", "宁波 杭州 耗材 未分类").put("emoji", "📈🏪").put("escapes", "quote \" backslash \\ slash / tab \t nl \n \u0001 \u007f")
      .put("empty", "").put("null", (Object) null).put("yes", true).put("no", false)
      .put("nested", new JsonArray().add(new JsonArray().add(1).add(new JsonArray())).add(new JsonObject()).add((Object) null)
        .add(new JsonObject().put("stores", new JsonArray().add("S001").add("S002")).put("version", 1767225600123L)));
  }

  private static JsonObject randomObject(Random random, int depth) {
    JsonObject object = new JsonObject();
    int fields = random.nextInt(6);
    for (int i = 0; i < fields; i++) {
      object.put(randomString(random), randomValue(random, depth));
    }
    return object;
  }

  private static Object randomValue(Random random, int depth) {
    int kind = random.nextInt(depth >= 3 ? 7 : 9);
    return switch (kind) {
      case 0 -> random.nextInt();
      case 1 -> random.nextLong();
      case 2 -> random.nextDouble() * Math.pow(10, random.nextInt(40) - 20);
      case 3 -> randomString(random);
      case 4 -> random.nextBoolean();
      case 5 -> null;
      case 6 -> (long) random.nextInt(1000);
      case 7 -> {
        JsonArray array = new JsonArray();
        for (int i = random.nextInt(4); i > 0; i--) {
          array.add(randomValue(random, depth + 1));
        }
        yield array;
      }
      default -> randomObject(random, depth + 1);
    };
  }

  private static String randomString(Random random) {
    StringBuilder text = new StringBuilder();
    for (int i = random.nextInt(8); i > 0; i--) {
      int pick = random.nextInt(5);
      text.appendCodePoint(switch (pick) {
        case 0 -> 'a' + random.nextInt(26);
        case 1 -> 0x4e00 + random.nextInt(0x5000);
        case 2 -> 0x1f300 + random.nextInt(0x200);
        case 3 -> random.nextInt(0x20);
        default -> "\"\\/'<>&%".charAt(random.nextInt(8));
      });
    }
    return text.toString();
  }

  private Vertx clusteredNode(String name, int port) throws Exception {
    Config hz = ConfigUtil.loadConfig();
    hz.setClusterName(name);
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    NetworkConfig network = hz.getNetworkConfig();
    network.setPort(port).setPortAutoIncrement(true).setPortCount(5);
    network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
    hz.setProperty("hazelcast.socket.bind.any", "false");
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1");
    Vertx vertx = Vertx.builder()
      .with(new VertxOptions().setEventBusOptions(new EventBusOptions().setHost("127.0.0.1").setClusterPublicHost("127.0.0.1")))
      .withClusterManager(new HazelcastClusterManager(hz))
      .buildClustered()
      .await(60, TimeUnit.SECONDS);
    started.add(vertx);
    return vertx;
  }

  /**
   * The real thing: a signed JsonObject and a signed Buffer sent from one clustered Vert.x to a consumer that only the
   * other has, so they cross the wire, verify there; a changed copy does not.
   */
  @Test
  void aSignedMessageVerifiesOnAnotherClusterMember() throws Exception {
    String name = "signatures-" + UUID.randomUUID().toString().substring(0, 8);
    int port = TestStorage.freePort();
    Vertx receiver = clusteredNode(name, port);
    Vertx sender = clusteredNode(name, port);
    MessageSignatures atReceiver = MessageSignatures.of(KEYS, "receiver", registry);
    MessageSignatures atSender = MessageSignatures.of(KEYS, "sender", registry);
    List<Object> admitted = new CopyOnWriteArrayList<>();
    receiver.eventBus().consumer("test.signed", atReceiver.verified("test.signed", message -> {
      admitted.add(message.body());
      message.reply("admitted");
    })).completion().await();

    JsonObject edges = edgeCases();
    Buffer file = Buffer.buffer("order_no,store,day\n1,S001,2026-03-01\n".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    Object reply = awaitReply(sender, edges, atSender.sign("test.signed", edges));
    assertThat(reply).isEqualTo("admitted");
    assertThat(admitted).hasSize(1);
    assertThat(((JsonObject) admitted.get(0)).getValue("long")).as("it did cross the wire: decoded, not copied").isEqualTo(Long.MAX_VALUE);
    assertThat(awaitReply(sender, file, atSender.sign("test.signed", file,
      new DeliveryOptions().addHeader(ImportProtocol.END, "true")))).isEqualTo("admitted");

    JsonObject changed = edges.copy().put("long", 1);
    assertThatThrownBy(() -> awaitReply(sender, changed, atSender.sign("test.signed", edges)))
      .isInstanceOfSatisfying(ReplyException.class, e -> {
        assertThat(e.failureCode()).isEqualTo(Failure.FORBIDDEN.code());
        assertThat(e.getMessage()).contains("does not verify");
      });
    assertThat(admitted).hasSize(2);
  }

  private static Object awaitReply(Vertx sender, Object body, DeliveryOptions options) {
    // The consumer's registration reaches the sender's view of the cluster a moment after it was made.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try {
        return sender.eventBus().request("test.signed", body, options.setSendTimeout(5000)).await().body();
      } catch (ReplyException e) {
        if (e.failureType() != io.vertx.core.eventbus.ReplyFailure.NO_HANDLERS || System.nanoTime() > deadline) {
          throw e;
        }
      }
    }
  }

  @Test
  void aRefusedRequestIsAnsweredForbiddenAPublishedOneDroppedAndBothAreCountedAndLogged() {
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    Logger logger = (Logger) LoggerFactory.getLogger(RejectedMessages.class);
    logger.addAppender(lines);
    lines.start();
    Vertx vertx = Vertx.vertx();
    started.add(vertx);
    try {
      List<Object> handled = new CopyOnWriteArrayList<>();
      vertx.eventBus().consumer(ADDRESS, ours.verified(ADDRESS, message -> {
        handled.add(message.body());
        message.reply("done");
      })).completion().await();
      JsonObject flush = new JsonObject().put("action", "flush");

      assertThatThrownBy(() -> vertx.eventBus().request(ADDRESS, flush, new DeliveryOptions()
        .addHeader(MessageSignatures.NODE_HEADER, "intruder\nFAKE LOG LINE")).await())
        .isInstanceOfSatisfying(ReplyException.class, e -> {
          assertThat(e.failureCode()).isEqualTo(403);
          assertThat(Failure.of(e)).isEqualTo(Failure.FORBIDDEN);
          assertThat(e.getMessage()).startsWith("refused: the message to " + ADDRESS + " is not signed");
        });
      vertx.eventBus().publish(ADDRESS, flush);
      vertx.eventBus().publish(ADDRESS, flush, new MessageSignatures(ClusterKeys.of("another-secret-another-secret-another"),
        "intruder", new RejectedMessages(registry, clock), clock).sign(ADDRESS, flush));
      assertThat(vertx.eventBus().request(ADDRESS, flush, ours.sign(ADDRESS, flush)).await().body()).isEqualTo("done");

      assertThat(handled).containsExactly(flush);
      assertThat(registry.counter(RejectedMessages.METRIC, "address", ADDRESS, "reason", "missing").count()).isEqualTo(2);
      assertThat(registry.counter(RejectedMessages.METRIC, "address", ADDRESS, "reason", "bad_signature").count()).isEqualTo(1);
      List<String> warnings = lines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
      assertThat(warnings).hasSize(2).allSatisfy(line -> {
        assertThat(line).contains(ADDRESS).doesNotContain("\n");
        assertThat(line).doesNotContain(java.util.HexFormat.of().formatHex(KEYS.derive(ClusterKeys.MESSAGE_SIGNATURE)));
      });
      assertThat(warnings.get(0)).contains("(missing) from node intruder?FAKE");
      assertThat(warnings.get(1)).contains("(bad_signature) from node intruder (as the message claims)");
    } finally {
      logger.detachAppender(lines);
    }
  }

  @Test
  void aFloodOfRefusalsGetsOneLogLinePerAddressAndReasonEveryTenSeconds() {
    ListAppender<ILoggingEvent> lines = new ListAppender<>();
    Logger logger = (Logger) LoggerFactory.getLogger(RejectedMessages.class);
    logger.addAppender(lines);
    lines.start();
    try {
      RejectedMessages rejected = new RejectedMessages(registry, clock);
      for (int i = 0; i < 1000; i++) {
        rejected.reject(ADDRESS, "missing", null, "not signed");
      }
      rejected.reject(ADDRESS, "stale", null, "old");
      clock.advance(RejectedMessages.LOG_INTERVAL);
      rejected.reject(ADDRESS, "missing", null, "not signed");

      assertThat(registry.counter(RejectedMessages.METRIC, "address", ADDRESS, "reason", "missing").count()).isEqualTo(1001);
      assertThat(lines.list).hasSize(3);
      assertThat(lines.list.get(2).getFormattedMessage()).endsWith("999 more like it refused in the last 10 s");
    } finally {
      logger.detachAppender(lines);
    }
  }
}
