package io.storedash.query.metrics;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/** An inclusive range of store-local days. */
public record DayRange(LocalDate from, LocalDate to) {

  /** The range dashboards show when the user picks none. */
  public static final int DEFAULT_DAYS = 30;

  public DayRange {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (from.isAfter(to)) {
      throw new IllegalArgumentException("from (" + from + ") is after to (" + to + ")");
    }
  }

  /** The {@code days} days that end with {@code last}, inclusive. */
  public static DayRange ending(LocalDate last, int days) {
    return new DayRange(last.minusDays(days - 1L), last);
  }

  public long days() {
    return ChronoUnit.DAYS.between(from, to) + 1;
  }

  /** The range of equal length immediately before this one. */
  public DayRange previous() {
    return new DayRange(from.minusDays(days()), from.minusDays(1));
  }

  public boolean contains(LocalDate day) {
    return !day.isBefore(from) && !day.isAfter(to);
  }
}
