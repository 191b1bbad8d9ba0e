package io.storedash.common.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * How a process keeps answering under load (docs/DESIGN.md §12): the access log off the request's path, admission
 * of uncached computations, brief caching of failures, and the read replica query-service reads from.
 *
 * @param accessLog          ACCESS_LOG: which requests get an access-log line — {@code off}, {@code errors} (answers
 *                           ≥ 500 and aborted ones, the default) or {@code all}
 * @param accessLogFile      ACCESS_LOG_FILE: the size-capped, rotating file the lines go to; absent: standard output
 * @param accessLogMaxBytes  ACCESS_LOG_MAX_BYTES: what the access-log file and its rotated copies hold together
 * @param admissionBudget    ADMISSION_BUDGET: cost units of uncached computations one query-service instance runs at
 *                           once; as many more may wait, each at most 500 ms; beyond, 429 with Retry-After
 * @param admissionClientBudget ADMISSION_CLIENT_BUDGET: cost units one client (user, token or address) holds in one
 *                           query-service instance; beyond, 429 with Retry-After
 * @param cacheFailureTtl    CACHE_FAILURE_TTL: how long cache-service answers a failed computation's failure (400,
 *                           404, 500) again instead of computing it anew; zero turns it off
 * @param pgReadUrl          PG_READ_URL: a streaming replica query-service reads the dashboards from; absent: PG_URL
 * @param exportMaxRows      EXPORT_MAX_ROWS: the most rows one export (CSV or .xlsx of a view) may have; a larger one is
 *                           refused before its first byte (docs/DESIGN.md §13.1)
 */
public record LoadPolicy(AccessLog accessLog, Optional<Path> accessLogFile, long accessLogMaxBytes, int admissionBudget,
                         int admissionClientBudget, Duration cacheFailureTtl, Optional<String> pgReadUrl,
                         int exportMaxRows) {

  /** The rows an .xlsx sheet holds under its header row (Excel's limit), and so the most EXPORT_MAX_ROWS allows. */
  public static final int MAX_EXPORT_ROWS = 1_048_575;

  /** Which requests the access log writes a line for. */
  public enum AccessLog {
    OFF, ERRORS, ALL
  }
}
