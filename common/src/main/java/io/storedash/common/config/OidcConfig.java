package io.storedash.common.config;

/**
 * Single sign-on with an OpenID Connect issuer, present in {@link StoreDashConfig#oidc()} when OIDC_ISSUER is set.
 *
 * @param issuer        OIDC_ISSUER: the issuer identifier; its {@code /.well-known/openid-configuration} is read at
 *                      start-up and it must equal the id token's {@code iss}
 * @param clientId      OIDC_CLIENT_ID: the gateway's client at the issuer; the id token's audience must contain it
 * @param clientSecret  OIDC_CLIENT_SECRET: the client's secret (also the key that signs the short-lived sign-in cookie,
 *                      so every gateway of a cluster accepts the callback of a sign-in another one started)
 * @param redirectUri   OIDC_REDIRECT_URI: the public URL of {@code /api/v1/session/oidc/callback}, registered at the issuer
 * @param roleClaim     OIDC_ROLE_CLAIM: the claim holding one of hq, manager, viewer, ops
 * @param storesClaim   OIDC_STORES_CLAIM: the claim holding the assigned store codes (array or comma-separated)
 * @param citiesClaim   OIDC_CITIES_CLAIM: the claim holding the assigned cities (array or comma-separated)
 * @param usernameClaim OIDC_USERNAME_CLAIM: the claim holding the user name; {@code sub} when the token lacks it
 */
public record OidcConfig(
  String issuer,
  String clientId,
  String clientSecret,
  String redirectUri,
  String roleClaim,
  String storesClaim,
  String citiesClaim,
  String usernameClaim) {

  /** The path the issuer sends the browser back to; OIDC_REDIRECT_URI must end with it. */
  public static final String CALLBACK_PATH = "/api/v1/session/oidc/callback";

  @Override
  public String toString() {
    // Config records end up in logs: never the secret.
    return "OidcConfig[issuer=" + issuer + ", clientId=" + clientId + ", redirectUri=" + redirectUri
      + ", roleClaim=" + roleClaim + ", storesClaim=" + storesClaim + ", citiesClaim=" + citiesClaim
      + ", usernameClaim=" + usernameClaim + "]";
  }
}
