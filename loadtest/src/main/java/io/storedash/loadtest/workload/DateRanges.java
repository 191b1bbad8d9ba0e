package io.storedash.loadtest.workload;

import java.time.LocalDate;
import java.util.List;

/**
 * The date ranges a visit picks from: the last N days (7, 30, 90 by default) up to an end date, inclusive. Without
 * an end date there is one choice, the server's default range (no from/to parameters).
 */
public final class DateRanges {

  /** A range as sent; both null for the server's default. */
  public record Range(String from, String to) {
  }

  private final List<Range> ranges;

  public DateRanges(LocalDate end, List<Integer> lastDays) {
    if (end == null) {
      ranges = List.of(new Range(null, null));
      return;
    }
    if (lastDays.isEmpty()) {
      throw new IllegalArgumentException("at least one range length is needed with an end date");
    }
    ranges = lastDays.stream().map(days -> {
      if (days < 1) {
        throw new IllegalArgumentException("a range covers at least 1 day, got " + days);
      }
      return new Range(end.minusDays(days - 1L).toString(), end.toString());
    }).toList();
  }

  public List<Range> all() {
    return ranges;
  }

  /** The pick for a uniform random u in [0, 1). */
  public Range pick(double u) {
    return ranges.get(Math.min((int) (u * ranges.size()), ranges.size() - 1));
  }
}
