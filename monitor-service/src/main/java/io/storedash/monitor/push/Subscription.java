package io.storedash.monitor.push;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.Instant;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * A subscription as stored: who made it, for whom (a user's own, or a store group of HQ's), where it goes (the
 * webhook sealed, its host shown), which stores, the digest's store-local time and the alert rules.
 *
 * @param stores       store codes, or {@code ["all"]}: every store the owner may see (the whole chain for a group)
 * @param digestTime   the store-local time of the daily digest, or null for none
 * @param nextDigestAt when the next digest is due, or null
 * @param alerts       {@code [{"rule": "losing_order", "above": n}, {"rule": "monitor_red"}]}
 */
record Subscription(String id, String owner, String scope, String name, Platform platform, String format,
                    String webhookHost, String sealedWebhook, String sealedSecret, String webhookKey, List<String> stores,
                    String lang, LocalTime digestTime, ZoneId timezone, Instant nextDigestAt, JsonArray alerts,
                    Instant createdAt) {

  static final String ALL = "all";
  static final String USER = "user";
  static final String GROUP = "group";
  private static final DateTimeFormatter HOUR_MINUTE = DateTimeFormatter.ofPattern("HH:mm");

  static Subscription of(Row row) {
    OffsetDateTime next = row.getOffsetDateTime("next_digest_at");
    return new Subscription(row.getString("id"), row.getString("owner"), row.getString("scope"), row.getString("name"),
      Platform.fromWire(row.getString("platform")), row.getString("format"), row.getString("webhook_host"),
      row.getString("webhook"), row.getString("secret"), row.getString("webhook_key"),
      List.of(row.getArrayOfStrings("stores")), row.getString("lang"), row.getLocalTime("digest_time"),
      ZoneId.of(row.getString("timezone")), next == null ? null : next.toInstant(), (JsonArray) row.getValue("alerts"),
      row.getOffsetDateTime("created_at").toInstant());
  }

  boolean wholeScope() {
    return stores.contains(ALL);
  }

  /** The alert rule's settings, or null when the subscription does not ask for it. */
  JsonObject alert(String rule) {
    for (int i = 0; i < alerts.size(); i++) {
      if (rule.equals(alerts.getJsonObject(i).getString("rule"))) {
        return alerts.getJsonObject(i);
      }
    }
    return null;
  }

  /** What the API shows: never the webhook's URL nor its secret, only the host and whether it signs. */
  JsonObject toJson() {
    return new JsonObject().put("id", id).put("owner", owner).put("scope", scope).put("name", name)
      .put("platform", platform.wireName()).put("format", format).put("webhook_host", webhookHost)
      .put("signed", sealedSecret != null).put("stores", new JsonArray(stores)).put("lang", lang)
      .put("digest_time", digestTime == null ? null : digestTime.format(HOUR_MINUTE)).put("timezone", timezone.getId())
      .put("next_digest_at", nextDigestAt == null ? null : nextDigestAt.toString()).put("alerts", alerts.copy())
      .put("created_at", createdAt.toString());
  }
}
