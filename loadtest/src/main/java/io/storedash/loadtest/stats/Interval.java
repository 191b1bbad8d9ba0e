package io.storedash.loadtest.stats;

import java.util.Map;

/** What happened since the previous progress line. */
public record Interval(long requests, long successes, Map<String, Long> errors, long cacheHits, long cacheAnswered,
                       LatencySummary latency) {
}
