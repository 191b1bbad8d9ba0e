package io.storedash.monitor.push;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The places a message goes, each with its hosts, its message shapes, its signing and how it says a message was
 * taken (docs/DESIGN.md §14.2):
 * <ul>
 *   <li>WeCom group robot: {@code {"msgtype": "markdown", "markdown": {"content"}}} or {@code text}; no signing (the
 *       URL's key is the credential); {@code {"errcode": 0}} when taken;</li>
 *   <li>DingTalk robot: {@code {"msgtype": "markdown", "markdown": {"title", "text"}}} or {@code text}; with a secret,
 *       {@code &timestamp=<ms>&sign=<url-encoded base64 HmacSHA256(key secret, "timestamp\nsecret")>} on the URL;
 *       {@code {"errcode": 0}} when taken;</li>
 *   <li>Feishu bot: {@code {"msg_type": "text" | "post" | "interactive", ...}}; with a secret, {@code "timestamp"}
 *       (seconds) and {@code "sign"} (base64 HmacSHA256 with the key {@code "timestamp\nsecret"} over no data) in the
 *       body; {@code {"code": 0}} when taken;</li>
 *   <li>generic JSON: {@code {"event", "subscription", "delivery", "title", "text", "data"}}; with a secret the
 *       headers {@code X-StoreDash-Timestamp} (seconds) and {@code X-StoreDash-Signature: v1=<hex HmacSHA256(secret,
 *       "timestamp.body")>}; any 2xx when taken.</li>
 * </ul>
 */
enum Platform {
  WECOM(Set.of("qyapi.weixin.qq.com"), List.of("markdown", "text"), 4096),
  DINGTALK(Set.of("oapi.dingtalk.com"), List.of("markdown", "text"), 18_000),
  FEISHU(Set.of("open.feishu.cn", "open.larksuite.com"), List.of("post", "text", "interactive"), 16_000),
  GENERIC(Set.of(), List.of("json"), 200_000);

  /** The generic webhook's headers. */
  static final String TIMESTAMP_HEADER = "X-StoreDash-Timestamp";
  static final String SIGNATURE_HEADER = "X-StoreDash-Signature";
  static final String DELIVERY_HEADER = "X-StoreDash-Delivery";

  private final Set<String> hosts;
  private final List<String> formats;
  /** The most UTF-8 bytes of message text the platform takes (WeCom's markdown: 4096); longer text is cut. */
  private final int maxTextBytes;

  Platform(Set<String> hosts, List<String> formats, int maxTextBytes) {
    this.hosts = hosts;
    this.formats = formats;
    this.maxTextBytes = maxTextBytes;
  }

  /** A request ready to send: the URL (with DingTalk's signature), extra headers and the JSON body. */
  record Outgoing(String url, Map<String, String> headers, Buffer body) {
  }

  String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** @throws IllegalArgumentException naming the platforms */
  static Platform fromWire(String name) {
    for (Platform platform : values()) {
      if (platform.wireName().equals(name)) {
        return platform;
      }
    }
    throw new IllegalArgumentException("platform must be one of wecom, dingtalk, feishu, generic; got '" + name + "'");
  }

  Set<String> hosts() {
    return hosts;
  }

  List<String> formats() {
    return formats;
  }

  /**
   * @param url      the webhook, opened
   * @param secret   the signing secret, or null
   * @param delivery the delivery's stable key (the generic webhook's receiver can drop a repeat by it)
   */
  Outgoing request(String url, String format, String secret, PushMessage message, String subscription, String delivery,
                   Instant now) {
    Map<String, String> headers = new TreeMap<>();
    return switch (this) {
      case WECOM -> new Outgoing(url, headers, wecom(format, message).toBuffer());
      case DINGTALK -> new Outgoing(secret == null ? url : url + (url.contains("?") ? "&" : "?") + dingTalkSignature(secret, now),
        headers, dingTalk(format, message).toBuffer());
      case FEISHU -> new Outgoing(url, headers, feishu(format, message, secret, now).toBuffer());
      case GENERIC -> generic(url, headers, message, secret, subscription, delivery, now);
    };
  }

  /** Null when the platform took the message, else why not (its error code and message, or the HTTP status). */
  String refusal(int status, Buffer body) {
    if (status < 200 || status > 299) {
      return "HTTP " + status;
    }
    if (this == GENERIC) {
      return null;
    }
    JsonObject answer;
    try {
      answer = new JsonObject(body);
    } catch (RuntimeException e) {
      return "HTTP " + status + " with an answer that is not JSON";
    }
    // Feishu answers {"code": 0} (older bots {"StatusCode": 0}); WeCom and DingTalk {"errcode": 0}.
    Object code = this == FEISHU ? answer.getValue("code", answer.getValue("StatusCode")) : answer.getValue("errcode");
    if (code instanceof Number number && number.intValue() == 0) {
      return null;
    }
    String said = this == FEISHU ? answer.getString("msg", "") : answer.getString("errmsg", "");
    return "platform error " + code + (said.isEmpty() ? "" : ": " + cut(said, 200));
  }

  private JsonObject wecom(String format, PushMessage message) {
    if (format.equals("text")) {
      return new JsonObject().put("msgtype", "text").put("text", new JsonObject().put("content", cut(message.text(), 2048)));
    }
    return new JsonObject().put("msgtype", "markdown")
      .put("markdown", new JsonObject().put("content", cut(message.markdown(), maxTextBytes)));
  }

  private JsonObject dingTalk(String format, PushMessage message) {
    if (format.equals("text")) {
      return new JsonObject().put("msgtype", "text").put("text", new JsonObject().put("content", cut(message.text(), maxTextBytes)));
    }
    return new JsonObject().put("msgtype", "markdown").put("markdown", new JsonObject().put("title", message.title())
      .put("text", cut(message.markdown(), maxTextBytes)));
  }

  private JsonObject feishu(String format, PushMessage message, String secret, Instant now) {
    JsonObject body = new JsonObject();
    if (secret != null) {
      long seconds = now.getEpochSecond();
      body.put("timestamp", Long.toString(seconds)).put("sign", feishuSignature(secret, seconds));
    }
    switch (format) {
      case "text" -> body.put("msg_type", "text").put("content", new JsonObject().put("text", cut(message.text(), maxTextBytes)));
      case "interactive" -> body.put("msg_type", "interactive").put("card", new JsonObject()
        .put("header", new JsonObject().put("title", new JsonObject().put("tag", "plain_text").put("content", message.title()))
          .put("template", message.event().equals("alert") ? "red" : "blue"))
        .put("elements", new JsonArray().add(new JsonObject().put("tag", "div")
          .put("text", new JsonObject().put("tag", "lark_md").put("content", cut(message.markdown(), maxTextBytes))))));
      default -> {
        JsonArray paragraphs = new JsonArray();
        for (String line : cut(message.text(), maxTextBytes).split("\n")) {
          paragraphs.add(new JsonArray().add(new JsonObject().put("tag", "text").put("text", line)));
        }
        body.put("msg_type", "post").put("content", new JsonObject().put("post", new JsonObject()
          .put("zh_cn", new JsonObject().put("title", message.title()).put("content", paragraphs))));
      }
    }
    return body;
  }

  private static Outgoing generic(String url, Map<String, String> headers, PushMessage message, String secret,
                                  String subscription, String delivery, Instant now) {
    Buffer body = new JsonObject().put("event", message.event()).put("subscription", subscription).put("delivery", delivery)
      .put("title", message.title()).put("text", message.text()).put("data", message.data()).toBuffer();
    headers.put(DELIVERY_HEADER, delivery);
    if (secret != null) {
      String timestamp = Long.toString(now.getEpochSecond());
      headers.put(TIMESTAMP_HEADER, timestamp);
      headers.put(SIGNATURE_HEADER, "v1=" + HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8),
        Buffer.buffer(timestamp + ".").appendBuffer(body).getBytes())));
    }
    return new Outgoing(url, headers, body);
  }

  /** DingTalk: {@code timestamp=<ms>&sign=<url-encoded base64 HmacSHA256(key secret, "timestamp\nsecret")>}. */
  static String dingTalkSignature(String secret, Instant now) {
    long millis = now.toEpochMilli();
    byte[] mac = hmac(secret.getBytes(StandardCharsets.UTF_8), (millis + "\n" + secret).getBytes(StandardCharsets.UTF_8));
    return "timestamp=" + millis + "&sign=" + URLEncoder.encode(Base64.getEncoder().encodeToString(mac), StandardCharsets.UTF_8);
  }

  /** Feishu: base64 HmacSHA256 whose key is {@code "timestamp\nsecret"}, over no data. */
  static String feishuSignature(String secret, long seconds) {
    return Base64.getEncoder().encodeToString(hmac((seconds + "\n" + secret).getBytes(StandardCharsets.UTF_8), new byte[0]));
  }

  static byte[] hmac(byte[] key, byte[] data) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(data);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
    }
  }

  /** At most {@code maxBytes} of UTF-8, cut at a character and marked, so that a long digest still goes out. */
  static String cut(String text, int maxBytes) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= maxBytes) {
      return text;
    }
    String mark = "\n…";
    int budget = maxBytes - mark.getBytes(StandardCharsets.UTF_8).length;
    StringBuilder kept = new StringBuilder();
    int used = 0;
    for (int i = 0; i < text.length(); ) {
      int cp = text.codePointAt(i);
      int size = new String(Character.toChars(cp)).getBytes(StandardCharsets.UTF_8).length;
      if (used + size > budget) {
        break;
      }
      kept.appendCodePoint(cp);
      used += size;
      i += Character.charCount(cp);
    }
    return kept + mark;
  }
}
