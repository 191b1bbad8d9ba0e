package io.storedash.query.metrics;

import java.time.LocalDate;
import java.util.List;

/**
 * Where one page of a newest-first list of order lines lies, found from the number of lines per day (a rollup)
 * instead of by counting lines: the days the page spans and how many lines of the newest of them to skip. The
 * lines query then reads those days only, so a deep page costs no more than the first.
 *
 * @param newest the newest day the page spans (null when the page is past the end)
 * @param oldest the oldest day the page spans
 * @param skip   lines of the spanned days to skip, newest first
 * @param total  lines in the whole range
 */
public record PageWindow(LocalDate newest, LocalDate oldest, long skip, long total) {

  /** A day and its number of lines. */
  public record DayLines(LocalDate day, long lines) {
  }

  public boolean isEmpty() {
    return newest == null;
  }

  /**
   * @param days  the days with lines, newest first
   * @param page  1-based page number
   * @param size  lines per page
   */
  public static PageWindow of(List<DayLines> days, int page, int size) {
    long total = days.stream().mapToLong(DayLines::lines).sum();
    long from = (long) (page - 1) * size;
    long to = from + size;
    LocalDate newest = null;
    LocalDate oldest = null;
    long skip = 0;
    long before = 0;
    for (DayLines day : days) {
      long after = before + day.lines();
      if (newest == null && after > from) {
        newest = day.day();
        skip = from - before;
      }
      if (newest != null) {
        oldest = day.day();
        if (after >= to) {
          break;
        }
      }
      before = after;
    }
    return new PageWindow(newest, oldest, skip, total);
  }
}
