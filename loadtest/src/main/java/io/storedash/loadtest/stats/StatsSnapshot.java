package io.storedash.loadtest.stats;

import java.util.List;

/** A run's figures: one row per endpoint in mix order, and their sum. */
public record StatsSnapshot(List<EndpointSnapshot> endpoints, EndpointSnapshot overall) {
}
