package io.storedash.standalone;

import io.storedash.common.Addresses;
import io.storedash.common.Failure;
import io.storedash.common.ImportProtocol;
import io.storedash.common.testing.Eventually;
import io.storedash.common.testing.Forgeries;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The whole standalone (every service on one event bus, as in production but local) against what a process that is
 * not a member sends to every address of {@link Addresses#SIGNED} (docs/DESIGN.md §11.3): the attacks — a
 * flush, an import of a store's revenue, a data version of {@code Long.MAX_VALUE}, a changed fee flag, users signed
 * out, a forged instance and monitor — each refused and counted at its address, and the data as it was.
 */
class UnsignedMessagesTest {

  private static HostileStack stack;

  @BeforeAll
  static void start() {
    stack = new HostileStack();
  }

  @AfterAll
  static void stop() {
    stack.close();
  }

  /** What an attacker sends to each address: the message that would do harm there. */
  private static Map<String, Object> attacks() {
    Map<String, Object> attacks = new LinkedHashMap<>();
    // A valid export: with signatures off it is imported (¥9,989,570 more for S001).
    attacks.put(Addresses.IMPORT, Buffer.buffer(("order_id,store_code,store_name,channel,ordered_at,sku,product_name,category,"
      + "quantity,unit_price,list_price,unit_cost,delivery_cost,platform_fee,discount,customer_delivery_fee,packaging_fee\n"
      + "X1,S001,Forged,meituan,2026-10-01 12:00:00,P1,可口可乐 330ml,饮料,1000,9989.57,,1.00,,,,,\n")
      .getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    // The undo of an import: with signatures off, anyone on the bus could take a week's data back.
    attacks.put(Addresses.IMPORT_HISTORY, new JsonObject().put("action", "undo").put("id", 1));
    attacks.put(Addresses.CACHE_ADMIN, new JsonObject().put("action", "flush"));
    attacks.put(Addresses.CACHE_FLUSHED, new JsonObject().put("tier", (String) null).put("store", (String) null));
    attacks.put(Addresses.CHANNELS, new JsonObject().put("action", "set").put("code", "meituan").put("charges_fee", false));
    // Thresholds that hide every money-losing order from the 今日必做 list.
    attacks.put(Addresses.ACTION_SETTINGS, new JsonObject().put("action", "set")
      .put("thresholds", new JsonObject().put("delivery_cost_max", 1000).put("max_items", 1)).put("by", "attacker"));
    attacks.put(Addresses.DATA_CHANGED, new JsonObject().put("stores", new JsonArray().add("S001")).put("version", Long.MAX_VALUE));
    attacks.put(Addresses.USER_CHANGED, new JsonObject().put("username", "admin"));
    attacks.put(Addresses.SESSION_ENDED, new JsonObject().put("id", "any"));
    attacks.put(Addresses.TOKEN_REVOKED, new JsonObject().put("id", "any"));
    attacks.put(Addresses.HEARTBEAT, new JsonObject().put("service", "query-service").put("node", "forged"));
    attacks.put(Addresses.HEARTBEAT_REQUEST, new JsonObject());
    attacks.put(Addresses.MONITOR_UPDATES, new JsonObject().put("status", "green").put("reasons", new JsonArray()));
    attacks.put(Addresses.PUSH_SUBSCRIPTIONS, new JsonObject().put("action", "create")
      .put("caller", new JsonObject().put("name", "admin").put("role", "hq"))
      .put("subscription", new JsonObject().put("name", "exfiltrate").put("platform", "wecom").put("scope", "group")
        .put("webhook", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=attacker").put("digest_time", "08:00")
        .put("stores", new JsonArray().add("all"))));
    return attacks;
  }

  private static final List<String> REQUESTED = List.of(Addresses.IMPORT, Addresses.IMPORT_HISTORY, Addresses.CACHE_ADMIN,
    Addresses.CHANNELS, Addresses.ACTION_SETTINGS, Addresses.PUSH_SUBSCRIPTIONS);

  @Test
  void everySignedAddressRefusesWhatNoMemberSignedAndNothingChanges() {
    Map<String, String> before = stack.tables();
    Map<String, Object> attacks = attacks();
    assertThat(attacks.keySet()).as("an attack for every signed address").containsExactlyInAnyOrderElementsOf(Addresses.SIGNED);

    for (Map.Entry<String, Object> attack : attacks.entrySet()) {
      String address = attack.getKey();
      for (Forgeries.Forgery forgery : Forgeries.of(stack.node.keys(), address, attack.getValue(), honest(attack.getValue()))) {
        if (REQUESTED.contains(address)) {
          assertThatThrownBy(() -> stack.node.vertx().eventBus().request(address, forgery.body(), forgery.options()).await())
            .as(address + ", " + forgery.name())
            .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(Failure.of(e)).isEqualTo(Failure.FORBIDDEN));
        } else {
          stack.node.vertx().eventBus().publish(address, forgery.body(), forgery.options());
        }
      }
    }
    for (String address : Addresses.SIGNED) {
      // A published message is refused by every consumer of it (the gateway's and the monitor's, say): at least once.
      Map<String, Long> refused = Eventually.poll(Duration.ofSeconds(10),
        () -> Forgeries.rejected(stack.node.meterRegistry(), address),
        r -> r.keySet().containsAll(List.of("missing", "bad_signature", "stale")));
      assertThat(refused).as("refusals at " + address).containsKeys("missing", "bad_signature", "stale");
    }
    assertThat(stack.tables()).as("the database after every attack").isEqualTo(before);

    // The session an import opens is refused what no member signed too.
    JsonObject open = new JsonObject().put(ImportProtocol.FILENAME, "honest.csv");
    String session = stack.node.vertx().eventBus().<JsonObject>request(Addresses.IMPORT, open,
      stack.node.signatures().sign(Addresses.IMPORT, open)).await().body().getString(ImportProtocol.SESSION);
    assertThatThrownBy(() -> stack.node.vertx().eventBus().request(session, attacks.get(Addresses.IMPORT),
      new DeliveryOptions().addHeader(ImportProtocol.END, "true")).await())
      .isInstanceOfSatisfying(ReplyException.class, e -> assertThat(Failure.of(e)).isEqualTo(Failure.FORBIDDEN));
    assertThat(Forgeries.rejected(stack.node.meterRegistry(), Addresses.IMPORT_SESSIONS)).containsEntry("missing", 1L);
    stack.node.vertx().eventBus().request(session, Buffer.buffer(), stack.node.signatures().sign(session, Buffer.buffer(),
      new DeliveryOptions().addHeader(ImportProtocol.ABORT, "true"))).await();
    assertThat(stack.tables()).isEqualTo(before);
  }

  /** A member's harmless message of the same kind, whose signature the last forgery carries over a changed body. */
  private static Object honest(Object attack) {
    return attack instanceof Buffer ? Buffer.buffer("order_id\n") : new JsonObject().put("honest", true);
  }
}
