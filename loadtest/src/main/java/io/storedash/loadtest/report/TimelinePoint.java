package io.storedash.loadtest.report;

import java.util.Map;

/**
 * One second of a run, as the progress line shows it: what ended in that second, its p99 and its errors. Fault
 * tests read recovery times from it.
 *
 * @param second seconds since the run started (warm-up included)
 * @param phase  warm-up, measured or draining
 */
public record TimelinePoint(long second, String phase, long requests, long successes, double p99Millis,
                            Map<String, Long> errors) {
}
