package io.storedash.common.config;

import java.time.Duration;
import java.time.LocalTime;

/**
 * The 今日必做 list in cache-service (docs/DESIGN.md §14.1).
 *
 * @param warmAt   ACTIONS_WARM_AT: the time of day, in TIMEZONE, at which the hot stores' lists are computed into the
 *                 cache before the stores open (default 07:30)
 * @param cacheTtl CACHE_TTL_ACTIONS: the list's soft TTL; it is of a closed day, so only an import (a new data version)
 *                 or a change of the thresholds (a flush) changes it (default 60 min)
 */
public record ActionsPolicy(LocalTime warmAt, Duration cacheTtl) {
}
