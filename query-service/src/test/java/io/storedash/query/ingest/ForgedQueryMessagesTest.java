package io.storedash.query.ingest;

import io.storedash.common.Addresses;
import io.storedash.common.Failure;
import io.storedash.common.ImportProtocol;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.Eventually;
import io.storedash.common.testing.Forgeries;
import io.storedash.common.testing.TestStorage;
import io.storedash.query.HandMadeSales;
import io.storedash.query.QueryService;
import io.storedash.query.storage.PgPools;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The attacks of issue 17 on query-service, by a process that reached the event bus without being a member: an
 * import (opened, or sent whole with a widened scope), a chunk or an end slipped into someone's import session, and a
 * channel's fee flag changed. Each is refused with 403 and counted, and the data stays as it was; the same messages
 * signed by a member work.
 */
class ForgedQueryMessagesTest {

  /** Revenue for a store that does not exist: what the attacker of the issue imported. */
  private static final String FORGED_FILE = ImportTest.ENGLISH.substring(0, ImportTest.ENGLISH.indexOf('\n') + 1)
    + "X1,S666,Forged,meituan,2026-03-01 12:00:00,P1,可口可乐 330ml,饮料,1000,9989.57,,1.00,,,,,\n";

  private Node node;
  private Pool pool;

  @BeforeEach
  void start() {
    StoreDashConfig config = TestStorage.config(Map.of());
    node = Node.local(config);
    pool = PgPools.create(node.vertx(), config, 1, null);
    node.deploy(QueryService.DESCRIPTOR, 1).await();
    new BulkLoader(node.vertx(), node.signatures(), pool, config.timezone()).load(HandMadeSales.dataset()).await();
  }

  @AfterEach
  void stop() {
    node.vertx().close().await();
  }

  /** The stores, the orders and the dataset version: what an import or a channel change would move. */
  private String data() {
    return pool.query("SELECT (SELECT string_agg(code, ',' ORDER BY code) FROM stores) || ' ' || (SELECT count(*) FROM orders)"
      + " || ' ' || (SELECT version FROM dataset_version) || ' ' || (SELECT string_agg(code || '=' || charges_fee, ',' ORDER BY code)"
      + " FROM channels)").execute().await().iterator().next().getString(0);
  }

  private Map<String, Long> refused(String address) {
    return Forgeries.rejected(node.meterRegistry(), address);
  }

  private void assertForbidden(String what, Object body, DeliveryOptions options, String address) {
    assertThatThrownBy(() -> node.vertx().eventBus().request(address, body, options).await())
      .as(what)
      .isInstanceOfSatisfying(ReplyException.class, e -> {
        assertThat(Failure.of(e)).isEqualTo(Failure.FORBIDDEN);
        assertThat(e.getMessage()).startsWith("refused: ");
      });
  }

  private static Buffer utf8(String text) {
    return Buffer.buffer(text.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void aForgedImportOpensNoSessionAndImportsNothing() {
    String before = data();
    JsonObject open = new JsonObject().put(ImportProtocol.FILENAME, "forged.csv");
    for (Forgeries.Forgery forgery : Forgeries.of(node.keys(), Addresses.IMPORT, open,
      new JsonObject().put(ImportProtocol.FILENAME, "honest.csv").put(ImportProtocol.SIZE, 10))) {
      assertForbidden(forgery.name(), forgery.body(), forgery.options(), Addresses.IMPORT);
    }
    Buffer whole = utf8(FORGED_FILE);
    for (Forgeries.Forgery forgery : Forgeries.of(node.keys(), Addresses.IMPORT, whole, utf8(ImportTest.ENGLISH))) {
      assertForbidden(forgery.name() + ", whole file", forgery.body(),
        forgery.options().addHeader(ImportProtocol.FILENAME_HEADER, "forged.csv"), Addresses.IMPORT);
    }
    // A manager's file, signed for their store, sent on with its scope removed: the scope header is signed.
    JsonObject scope = new JsonObject().put(ImportProtocol.SCOPE_STORES, new JsonArray().add("S001"));
    DeliveryOptions scoped = node.signatures().sign(Addresses.IMPORT, whole, new DeliveryOptions()
      .addHeader(ImportProtocol.SCOPE_HEADER, scope.encode()));
    scoped.getHeaders().remove(ImportProtocol.SCOPE_HEADER);
    assertForbidden("scope removed", whole, scoped, Addresses.IMPORT);

    assertThat(refused(Addresses.IMPORT)).isEqualTo(Map.of("missing", 2L, "bad_signature", 5L, "stale", 2L));
    assertThat(data()).as("nothing imported").isEqualTo(before).doesNotContain("S666");

    JsonObject report = node.vertx().eventBus().<JsonObject>request(Addresses.IMPORT, whole,
      node.signatures().sign(Addresses.IMPORT, whole)).await().body();
    assertThat(report.getBoolean("imported")).as("a member's import").isTrue();
    assertThat(data()).contains("S666");
  }

  @Test
  void aForgedChunkOrEndCannotJoinAMembersImport() {
    String before = data();
    ImportClient member = new ImportClient(node.vertx(), node.signatures());
    String session = member.open("honest.csv", -1).await();
    Buffer forged = utf8(FORGED_FILE);
    for (Forgeries.Forgery forgery : Forgeries.of(node.keys(), session, forged, utf8("honest"))) {
      assertForbidden(forgery.name(), forgery.body(), forgery.options(), session);
    }
    assertForbidden("an unsigned end", Buffer.buffer(), new DeliveryOptions().addHeader(ImportProtocol.END, "true"), session);
    assertForbidden("an unsigned abort", Buffer.buffer(), new DeliveryOptions().addHeader(ImportProtocol.ABORT, "true"), session);
    DeliveryOptions signedChunk = node.signatures().sign(session, Buffer.buffer());
    assertForbidden("end added to a member's chunk", Buffer.buffer(), signedChunk.addHeader(ImportProtocol.END, "true"), session);
    assertThat(refused(ImportSessions.SESSIONS)).isEqualTo(Map.of("missing", 3L, "bad_signature", 3L, "stale", 1L));
    assertThat(data()).isEqualTo(before);

    byte[] honest = ImportTest.ENGLISH.getBytes(StandardCharsets.UTF_8);
    member.chunk(session, honest, 0, honest.length).await();
    Message<Object> end = member.end(session).await();
    JsonObject report = (JsonObject) end.body();
    assertThat(report.getLong("orders")).as("only the member's lines").isEqualTo(3);
    assertThat(data()).contains("S010").doesNotContain("S666");
  }

  @Test
  void aForgedChannelChangeChangesNoFigure() {
    String before = data();
    JsonObject set = new JsonObject().put("action", "set").put("code", "meituan").put("charges_fee", false);
    for (Forgeries.Forgery forgery : Forgeries.of(node.keys(), Addresses.CHANNELS, set,
      new JsonObject().put("action", "list"))) {
      assertForbidden(forgery.name(), forgery.body(), forgery.options(), Addresses.CHANNELS);
    }
    assertForbidden("an unsigned list", new JsonObject().put("action", "list"), new DeliveryOptions(), Addresses.CHANNELS);
    assertThat(refused(Addresses.CHANNELS)).isEqualTo(new TreeMap<>(Map.of("missing", 2L, "bad_signature", 2L, "stale", 1L)));
    assertThat(data()).isEqualTo(before).contains("meituan=true");

    JsonObject changed = node.vertx().eventBus().<JsonObject>request(Addresses.CHANNELS, set,
      node.signatures().sign(Addresses.CHANNELS, set)).await().body();
    assertThat(changed.getBoolean("charges_fee")).isFalse();
    assertThat(Eventually.poll(Duration.ofSeconds(5), this::data, d -> d.contains("meituan=false"))).contains("meituan=false");
  }
}
