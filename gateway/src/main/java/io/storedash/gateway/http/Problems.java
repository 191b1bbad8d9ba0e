package io.storedash.gateway.http;

import io.storedash.common.security.Redaction;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

import java.util.regex.Pattern;

/** Errors as {@code application/problem+json} (RFC 9457): a status, a title and a detail a user can act on. */
public final class Problems {

  public static final String CONTENT_TYPE = "application/problem+json";

  /** The longest detail an answer carries; a longer message is cut. */
  static final int MAX_DETAIL = 400;

  /**
   * What an internal message looks like rather than a sentence for a user: a stack frame, an exception class, SQL,
   * a driver's message. Such text never goes into an answer.
   */
  private static final Pattern INTERNALS = Pattern.compile(
    "(?s).*(\\n|\\tat |\\bat [a-z]+\\.[a-z]|Exception|\\bSELECT\\b|\\bINSERT\\b|\\bUPDATE\\b|\\bDELETE FROM\\b|"
      + "\\bFROM [a-z_]+ WHERE\\b|ERROR:|SQLSTATE|org\\.postgresql|io\\.vertx|java\\.).*");

  private Problems() {
  }

  public static String title(int status) {
    return switch (status) {
      case 400 -> "Bad request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not found";
      case 405 -> "Method not allowed";
      case 408 -> "Request timeout";
      case 409 -> "Conflict";
      case 413 -> "Payload too large";
      case 414 -> "URI too long";
      case 415 -> "Unsupported media type";
      case 422 -> "Unprocessable content";
      case 429 -> "Too many requests";
      case 431 -> "Request header fields too large";
      case 503 -> "Service unavailable";
      case 504 -> "Gateway timeout";
      default -> "Internal error";
    };
  }

  /** A value a client sent, as a detail quotes it: at most 40 characters, control characters shown as '?'. */
  public static String shown(String value) {
    if (value == null) {
      return "";
    }
    String v = value.length() > 40 ? value.substring(0, 40) + "…" : value;
    StringBuilder out = new StringBuilder(v.length());
    v.codePoints().forEach(c -> out.appendCodePoint(Character.isISOControl(c) ? '?' : c));
    return out.toString();
  }

  public static JsonObject problem(int status, String detail, String instance) {
    return new JsonObject()
      .put("type", "about:blank")
      .put("title", title(status))
      .put("status", status)
      .put("detail", detail)
      .put("instance", instance);
  }

  /** A sentence cut to {@link #MAX_DETAIL} characters: details that quote what a client sent stay short. */
  public static String capped(String message) {
    return message == null || message.length() <= MAX_DETAIL ? message : message.substring(0, MAX_DETAIL) + "…";
  }

  /**
   * A message fit for an answer: itself when it reads as a sentence, else {@code fallback}. Stack traces, exception
   * names and SQL stay in the logs; a secret stays nowhere ({@link Redaction}: a service's failure may quote a URL).
   */
  public static String safeDetail(String message, String fallback) {
    if (message == null || message.isBlank() || INTERNALS.matcher(message).matches()) {
      return fallback;
    }
    String redacted = Redaction.redact(message);
    return redacted.length() > MAX_DETAIL ? redacted.substring(0, MAX_DETAIL) + "…" : redacted;
  }

  public static Future<Void> send(HttpServerResponse response, int status, String detail, String instance) {
    return send(response, problem(status, detail, instance));
  }

  /** Sends a problem built by {@link #problem} and perhaps extended with members of its own. */
  public static Future<Void> send(HttpServerResponse response, JsonObject problem) {
    if (response.headWritten()) {
      response.reset();
      return Future.succeededFuture();
    }
    return response.setStatusCode(problem.getInteger("status"))
      .putHeader("Content-Type", CONTENT_TYPE)
      .putHeader("Cache-Control", "no-store")
      .end(problem.encode());
  }
}
