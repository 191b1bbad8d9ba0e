package io.storedash.loadtest.stats;

import java.util.Locale;

/** What an {@code X-Cache} response header says: a tier (L1..L4) is a hit; MISS, STALE, BYPASS are not. */
public enum CacheOutcome {
  HIT, MISS, STALE, BYPASS, OTHER, NONE;

  public static CacheOutcome of(String header) {
    if (header == null || header.isBlank()) {
      return NONE;
    }
    String v = header.trim().toUpperCase(Locale.ROOT);
    if (v.matches("L\\d+")) {
      return HIT;
    }
    return switch (v) {
      case "MISS" -> MISS;
      case "STALE" -> STALE;
      case "BYPASS" -> BYPASS;
      default -> OTHER;
    };
  }

  /** The key a header value is counted under: the tier name for hits, else the outcome. */
  public static String countingKey(String header) {
    CacheOutcome o = of(header);
    return switch (o) {
      case HIT -> header.trim().toUpperCase(Locale.ROOT);
      case NONE -> "none";
      default -> o.name();
    };
  }
}
