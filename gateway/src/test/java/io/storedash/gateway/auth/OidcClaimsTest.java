package io.storedash.gateway.auth;

import io.storedash.common.config.OidcConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How an id token's claims, as Keycloak, Azure AD and others write them, become a StoreDash identity. */
class OidcClaimsTest {

  private final OidcClaims claims = new OidcClaims(new OidcConfig("https://sso.example.com", "storedash",
    "0123456789abcdef", "https://dash.example.com/api/v1/session/oidc/callback", "storedash_role", "storedash_stores",
    "storedash_cities", "preferred_username"));

  @Test
  void storesAndCitiesAreArraysOrCommaSeparated() {
    OidcIdentity identity = claims.identity(Map.of("sub", "f81d4fae", "preferred_username", "li.wei",
      "storedash_role", "viewer", "storedash_stores", "S001, S002,,S001", "storedash_cities", List.of("Hangzhou", " Suzhou ")));
    assertThat(identity).isEqualTo(new OidcIdentity("li.wei", Role.VIEWER,
      Access.of(Set.of("S001", "S002"), Set.of("Hangzhou", "Suzhou"))));
  }

  @Test
  void absentListsAreEmptyAndHqSeesEveryStore() {
    assertThat(claims.identity(Map.of("sub", "a", "storedash_role", "ops")).access()).isEqualTo(Access.of(Set.of(), Set.of()));
    assertThat(claims.identity(Map.of("sub", "a", "storedash_role", "hq", "storedash_stores", List.of("S001"))).access())
      .isEqualTo(Access.EVERY_STORE);
  }

  @Test
  void aRoleMayBeAOneElementArrayInAnyCase() {
    assertThat(claims.identity(Map.of("sub", "a", "storedash_role", List.of("Manager"))).role()).isEqualTo(Role.MANAGER);
    assertThatThrownBy(() -> claims.identity(Map.of("sub", "a", "storedash_role", List.of("hq", "viewer"))))
      .isInstanceOf(OidcRefusal.class)
      .hasMessageContaining("several StoreDash roles");
    assertThatThrownBy(() -> claims.identity(Map.of("sub", "a", "storedash_role", List.of())))
      .hasMessageContaining("has no StoreDash role");
  }

  @Test
  void theSubjectNamesTheUserWhenTheUsernameClaimIsMissing() {
    assertThat(claims.identity(Map.of("sub", "f81d4fae-7dec", "storedash_role", "hq")).username()).isEqualTo("f81d4fae-7dec");
    assertThat(claims.identity(Map.of("sub", "x", "preferred_username", " ", "storedash_role", "hq")).username()).isEqualTo("x");
  }

  @Test
  void aNameThatCannotBeAStoreDashUserIsRefused() {
    OidcRefusal refusal = (OidcRefusal) org.junit.jupiter.api.Assertions.assertThrows(OidcRefusal.class,
      () -> claims.identity(Map.of("sub", "x", "preferred_username", "Li Wei", "storedash_role", "hq")));
    assertThat(refusal.status()).isEqualTo(403);
    assertThat(refusal.getMessage()).contains("'Li Wei'", "preferred_username", "OIDC_USERNAME_CLAIM");
    assertThatThrownBy(() -> claims.identity(Map.of("storedash_role", "hq")))
      .hasMessageContaining("names no user");
  }

  @Test
  void aListOfObjectsIsRefused() {
    assertThatThrownBy(() -> claims.identity(Map.of("sub", "a", "storedash_role", "viewer",
      "storedash_stores", List.of(Map.of("code", "S001")))))
      .isInstanceOf(OidcRefusal.class)
      .hasMessageContaining("the claim 'storedash_stores' of the account 'a' must be a list of names");
  }
}
