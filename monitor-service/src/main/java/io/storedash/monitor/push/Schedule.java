package io.storedash.monitor.push;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;

/** When a daily digest at a store-local time is due. */
final class Schedule {

  private Schedule() {
  }

  /** The first instant after {@code after} at which the local time in {@code zone} is {@code at}. */
  static Instant next(LocalTime at, ZoneId zone, Instant after) {
    LocalDate day = after.atZone(zone).toLocalDate();
    ZonedDateTime candidate = ZonedDateTime.of(day, at, zone);
    while (!candidate.toInstant().isAfter(after)) {
      day = day.plusDays(1);
      candidate = ZonedDateTime.of(day, at, zone);
    }
    return candidate.toInstant();
  }

  /**
   * The digest day of a run at {@code now}: the local date of the latest occurrence of {@code at} not after it. A
   * digest missed while no instance ran is sent once, for the latest day, not once for each day missed.
   */
  static LocalDate digestDay(LocalTime at, ZoneId zone, Instant now) {
    LocalDate today = now.atZone(zone).toLocalDate();
    return ZonedDateTime.of(today, at, zone).toInstant().isAfter(now) ? today.minusDays(1) : today;
  }
}
