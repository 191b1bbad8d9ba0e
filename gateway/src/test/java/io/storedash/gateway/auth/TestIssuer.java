package io.storedash.gateway.auth;

import io.vertx.core.json.JsonObject;
import no.nav.security.mock.oauth2.MockOAuth2Server;
import no.nav.security.mock.oauth2.http.OAuth2HttpRequest;
import no.nav.security.mock.oauth2.http.OAuth2HttpResponse;
import no.nav.security.mock.oauth2.http.Route;
import no.nav.security.mock.oauth2.token.DefaultOAuth2TokenCallback;
import okhttp3.Headers;

import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The OpenID Connect issuer of the single sign-on tests: mock-oauth2-server on 127.0.0.1, whose authorize endpoint
 * issues a code at once (no login form). The claims of the next tokens it gives are set with {@link #enqueue}; an id
 * token it would never issue itself (another client's, one for another sign-in) is given once with
 * {@link #answerNextTokenRequest}.
 */
public final class TestIssuer implements AutoCloseable {

  public static final String ISSUER_ID = "default";
  public static final String CLIENT_ID = "storedash";
  public static final String CLIENT_SECRET = "a-client-secret-for-tests-only";

  private final MockOAuth2Server server;
  /** A token endpoint answer the issuer gives instead of its own, once. */
  private final AtomicReference<String> craftedTokenAnswer = new AtomicReference<>();

  private TestIssuer(int port) throws IOException {
    server = new MockOAuth2Server(craftedTokens());
    server.start(InetAddress.getByName("127.0.0.1"), port);
  }

  /** An issuer on a free port. */
  public static TestIssuer start() throws IOException {
    return start(0);
  }

  /** An issuer on this port: one that comes up where the gateway was told it would be. */
  public static TestIssuer start(int port) throws IOException {
    return new TestIssuer(port);
  }

  public String issuerUrl() {
    return server.issuerUrl(ISSUER_ID).toString();
  }

  public String authorizationEndpointUrl() {
    return server.authorizationEndpointUrl(ISSUER_ID).toString();
  }

  /** The next tokens the issuer gives are for {@code subject}, addressed to {@code audience}, with these claims. */
  public void enqueue(String subject, List<String> audience, Map<String, Object> claims, long expirySeconds) {
    server.enqueueCallback(token(subject, audience, claims, expirySeconds));
  }

  /**
   * A token endpoint answer whose id token the issuer signed for {@code subject}, addressed to {@code audience}, with
   * these claims: to give with {@link #answerNextTokenRequest}.
   */
  public String tokenAnswer(String subject, List<String> audience, Map<String, Object> claims, long expirySeconds) {
    String idToken = server.issueToken(ISSUER_ID, CLIENT_ID, token(subject, audience, claims, expirySeconds)).serialize();
    return new JsonObject()
      .put("token_type", "Bearer")
      .put("access_token", "opaque-access-token")
      .put("expires_in", 3600)
      .put("id_token", idToken)
      .encode();
  }

  /** The issuer's token endpoint answers its next request with {@code answer} instead of its own tokens. */
  public void answerNextTokenRequest(String answer) {
    craftedTokenAnswer.set(answer);
  }

  /** The decoded query parameters of a redirect: what the gateway sent the issuer, or the issuer the gateway. */
  public static Map<String, String> query(String url) {
    Map<String, String> out = new HashMap<>();
    for (String pair : URI.create(url).getRawQuery().split("&")) {
      int eq = pair.indexOf('=');
      out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
    }
    return out;
  }

  @Override
  public void close() {
    server.shutdown();
  }

  /** The issuer's token endpoint, answering once with {@link #craftedTokenAnswer} when one is set. */
  private Route craftedTokens() {
    return new Route() {
      @Override
      public boolean match(OAuth2HttpRequest request) {
        return "POST".equals(request.getMethod()) && request.getUrl().encodedPath().endsWith("/token")
          && craftedTokenAnswer.get() != null;
      }

      @Override
      public OAuth2HttpResponse invoke(OAuth2HttpRequest request) {
        return new OAuth2HttpResponse(Headers.of("Content-Type", "application/json"), 200,
          craftedTokenAnswer.getAndSet(null), null);
      }
    };
  }

  private static DefaultOAuth2TokenCallback token(String subject, List<String> audience, Map<String, Object> claims,
                                                  long expirySeconds) {
    return new DefaultOAuth2TokenCallback(ISSUER_ID, subject, "JWT", audience, claims, expirySeconds);
  }
}
