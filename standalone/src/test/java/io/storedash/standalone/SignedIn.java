package io.storedash.standalone;

import io.storedash.gateway.auth.Sessions;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user signed in through the API as the page signs in (POST /api/v1/session), for the browser tests: the session
 * cookie's value, to give the browser or put on requests of the tests' own.
 */
record SignedIn(String base, String cookie) {

  static SignedIn as(HttpClient http, String base, String user, String password) throws IOException, InterruptedException {
    HttpResponse<String> signedIn = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/session"))
      .header("Content-Type", "application/json")
      .POST(HttpRequest.BodyPublishers.ofString(new JsonObject().put("username", user).put("password", password).encode()))
      .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(signedIn.statusCode()).as("signing in as " + user + ": " + signedIn.body()).isEqualTo(200);
    String setCookie = signedIn.headers().allValues("Set-Cookie").stream()
      .filter(c -> c.startsWith(Sessions.COOKIE + "=")).findFirst().orElseThrow();
    return new SignedIn(base, setCookie.substring(Sessions.COOKIE.length() + 1, setCookie.indexOf(';')));
  }

  /** A request to {@code path} that carries this session. */
  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(URI.create(base + path)).header("Cookie", Sessions.COOKIE + "=" + cookie);
  }
}
