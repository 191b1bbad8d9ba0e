package io.storedash.gateway.http;

import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;

/** Errors as {@code application/problem+json} (RFC 9457): a status, a title and a detail a user can act on. */
public final class Problems {

  public static final String CONTENT_TYPE = "application/problem+json";

  private Problems() {
  }

  public static String title(int status) {
    return switch (status) {
      case 400 -> "Bad request";
      case 401 -> "Unauthorized";
      case 403 -> "Forbidden";
      case 404 -> "Not found";
      case 405 -> "Method not allowed";
      case 413 -> "Payload too large";
      case 422 -> "Unprocessable content";
      case 503 -> "Service unavailable";
      case 504 -> "Gateway timeout";
      default -> "Internal error";
    };
  }

  public static JsonObject problem(int status, String detail, String instance) {
    return new JsonObject()
      .put("type", "about:blank")
      .put("title", title(status))
      .put("status", status)
      .put("detail", detail)
      .put("instance", instance);
  }

  public static void send(HttpServerResponse response, int status, String detail, String instance) {
    if (response.headWritten()) {
      response.reset();
      return;
    }
    response.setStatusCode(status)
      .putHeader("Content-Type", CONTENT_TYPE)
      .end(problem(status, detail, instance).encode());
  }
}
