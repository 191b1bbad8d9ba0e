package io.storedash.cache;

import io.storedash.common.DashboardQuery;
import io.storedash.common.QueryKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.OptionalLong;

import static org.assertj.core.api.Assertions.assertThat;

class StoreVersionsTest {

  private final StoreVersions versions = new StoreVersions();

  private static DashboardQuery overview(String store) {
    return DashboardQuery.of(QueryKind.OVERVIEW, store, null, null);
  }

  private void load() {
    versions.load(new JsonObject().put("version", 12).put("stores", new JsonObject().put("S001", 10).put("S002", 12)));
  }

  private static JsonObject changed(long version, String... stores) {
    return new JsonObject().put("version", version).put("stores", new JsonArray(java.util.List.of((Object[]) stores)));
  }

  @Test
  void untilLoadedNoVersionIsKnownSoTheCacheIsBypassed() {
    assertThat(versions.known()).isFalse();
    assertThat(versions.versionOf(overview("S001"))).isEmpty();
    versions.changed(changed(20, "S001"));
    assertThat(versions.versionOf(overview("S001"))).as("an event alone does not make them known").isEmpty();
    assertThat(versions.previousVersionOf(overview("S001"))).isEmpty();
  }

  @Test
  void loadedVersionsAreEachStoresAndTheChainsForAll() {
    load();
    assertThat(versions.known()).isTrue();
    assertThat(versions.versionOf(overview("S001"))).isEqualTo(OptionalLong.of(10));
    assertThat(versions.versionOf(overview("S002"))).isEqualTo(OptionalLong.of(12));
    assertThat(versions.versionOf(overview(DashboardQuery.ALL_STORES))).isEqualTo(OptionalLong.of(12));
    assertThat(versions.versionOf(overview("S009"))).as("a store without data yet").isEqualTo(OptionalLong.of(0));
    assertThat(versions.stores()).containsExactly("S001", "S002");
  }

  @Test
  void dataChangedRaisesTheNamedStoresAndTheChainAndKeepsThePreviousVersion() {
    load();
    assertThat(versions.changed(changed(13, "S001", "S003"))).containsExactly("S001", "S003");
    assertThat(versions.versionOf(overview("S001"))).isEqualTo(OptionalLong.of(13));
    assertThat(versions.previousVersionOf(overview("S001"))).isEqualTo(OptionalLong.of(10));
    assertThat(versions.versionOf(overview("S002"))).as("not named").isEqualTo(OptionalLong.of(12));
    assertThat(versions.versionOf(overview(DashboardQuery.ALL_STORES))).isEqualTo(OptionalLong.of(13));
    assertThat(versions.previousVersionOf(overview(DashboardQuery.ALL_STORES))).isEqualTo(OptionalLong.of(12));
    assertThat(versions.versionOf(overview("S003"))).isEqualTo(OptionalLong.of(13));
    assertThat(versions.previousVersionOf(overview("S003"))).as("a new store has no older data").isEmpty();
    assertThat(versions.stores()).containsExactly("S001", "S002", "S003");
  }

  @Test
  void anEventOlderThanWhatIsKnownChangesNothing() {
    load();
    versions.changed(changed(9, "S001"));
    assertThat(versions.versionOf(overview("S001"))).isEqualTo(OptionalLong.of(10));
    assertThat(versions.previousVersionOf(overview("S001"))).isEmpty();
  }

  @Test
  void aVersionMoreThanADayAheadOfTheClockIsImplausibleUntilQueryServiceHasReachedIt() {
    long now = 1_767_225_600_000L;
    assertThat(StoreVersions.plausible(now, now)).isTrue();
    assertThat(StoreVersions.plausible(now + StoreVersions.MAX_AHEAD.toMillis(), now)).as("a database clock a day ahead").isTrue();
    assertThat(StoreVersions.plausible(now + StoreVersions.MAX_AHEAD.toMillis() + 1, now)).isFalse();
    assertThat(StoreVersions.plausible(Long.MAX_VALUE, now)).isFalse();
    assertThat(StoreVersions.plausible(7, now)).as("an old counter-style version").isTrue();
    assertThat(StoreVersions.confirms(new JsonObject().put("version", Long.MAX_VALUE), Long.MAX_VALUE)).isTrue();
    assertThat(StoreVersions.confirms(new JsonObject().put("version", now), Long.MAX_VALUE)).isFalse();
    assertThat(StoreVersions.confirms(new JsonObject(), Long.MAX_VALUE)).isFalse();
  }
}
