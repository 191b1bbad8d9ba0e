package io.storedash.monitor.push;

import io.vertx.core.json.JsonObject;

/**
 * One message as every platform gets it, before its platform's shape: a title, the body in markdown and in plain
 * text (each platform takes one or the other), and the facts behind it for the generic webhook.
 *
 * @param event    {@code digest}, {@code alert} or {@code test}
 * @param title    one line
 * @param markdown the body in the markdown the robots share (headings, bold, lists, quotes)
 * @param text     the body as plain text
 * @param data     the facts: the actions answer of a digest, the rule and figures of an alert
 */
record PushMessage(String event, String title, String markdown, String text, JsonObject data) {

  JsonObject toJson() {
    return new JsonObject().put("event", event).put("title", title).put("markdown", markdown).put("text", text)
      .put("data", data);
  }

  static PushMessage fromJson(JsonObject json) {
    return new PushMessage(json.getString("event"), json.getString("title"), json.getString("markdown"),
      json.getString("text"), json.getJsonObject("data", new JsonObject()));
  }
}
