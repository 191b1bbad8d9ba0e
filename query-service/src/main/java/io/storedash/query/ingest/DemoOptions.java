package io.storedash.query.ingest;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Objects;

/**
 * The parameters of a generated demo dataset. Equal options always give identical data.
 *
 * @param stores       how many stores (S001, S002, ...)
 * @param rowsPerStore order lines per store on average; store sizes are Zipf-skewed around it
 * @param days         how many days of orders, ending with {@code endDate}
 * @param seed         the random seed
 * @param endDate      the last day with orders (store-local)
 */
public record DemoOptions(int stores, int rowsPerStore, int days, long seed, LocalDate endDate) {

  public static final int DEFAULT_STORES = 100;
  public static final int DEFAULT_ROWS_PER_STORE = 30_000;
  public static final int DEFAULT_DAYS = 90;
  public static final long DEFAULT_SEED = 42;

  public DemoOptions {
    Objects.requireNonNull(endDate, "endDate");
    if (stores < 1 || stores > 10_000) {
      throw new IllegalArgumentException("stores must be between 1 and 10000, got " + stores);
    }
    if (rowsPerStore < 1 || rowsPerStore > 10_000_000) {
      throw new IllegalArgumentException("rows per store must be between 1 and 10000000, got " + rowsPerStore);
    }
    if (days < 1 || days > 3_660) {
      throw new IllegalArgumentException("days must be between 1 and 3660, got " + days);
    }
  }

  /** The reference benchmark set: 100 stores × 30,000 lines over 90 days. */
  public static DemoOptions reference(LocalDate endDate) {
    return new DemoOptions(DEFAULT_STORES, DEFAULT_ROWS_PER_STORE, DEFAULT_DAYS, DEFAULT_SEED, endDate);
  }

  /** Yesterday in the given zone: the natural end of a demo dataset, so "the last 30 days" are full. */
  public static LocalDate yesterday(ZoneId zone) {
    return LocalDate.now(zone).minusDays(1);
  }

  public LocalDate firstDate() {
    return endDate.minusDays(days - 1L);
  }
}
