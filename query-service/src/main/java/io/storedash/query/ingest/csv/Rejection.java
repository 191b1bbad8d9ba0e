package io.storedash.query.ingest.csv;

import java.util.Comparator;

/**
 * Why a line of a file cannot be imported.
 *
 * @param line   the physical line (1-based; the header is line 1)
 * @param column the column's English name, or null when the problem is the whole line
 * @param reason a sentence saying what is wrong and what was found
 */
public record Rejection(int line, String column, String reason) {

  /** By line, then column (a line-wide problem first). */
  public static final Comparator<Rejection> ORDER = Comparator.comparingInt(Rejection::line)
    .thenComparing(Rejection::column, Comparator.nullsFirst(Comparator.naturalOrder()))
    .thenComparing(Rejection::reason);
}
