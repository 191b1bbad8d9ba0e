package io.storedash.query.ingest.csv;


import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Objects;

/**
 * Checks the lines of one order against each other, fed in line order: the store, the channel and the time must be
 * those of its first line, and each order-level fee the same on every line that gives it (an empty fee agrees with
 * any). Each disagreeing cell becomes a {@link Rejection} that names the line it disagrees with.
 */
public final class OrderConsistency {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final String[] FEES = ImportColumn.ORDER_MONEY.stream().map(ImportColumn::english).toArray(String[]::new);

  /** The order-level values of one staged line. */
  public record OrderValues(int line, String orderNo, String storeKey, String channel, LocalDateTime localTime,
                            OffsetDateTime instant, Long[] fees) {
  }

  private final String storeColumn;
  private final RejectionList rejections;
  private OrderValues first;
  private final Long[] fee = new Long[FEES.length];
  private final int[] feeLine = new int[FEES.length];

  /**
   * @param storeColumn the column that names stores in this file: store_code, or store_name when it has no codes
   */
  public OrderConsistency(String storeColumn, RejectionList rejections) {
    this.storeColumn = storeColumn;
    this.rejections = rejections;
  }

  /** The next line; lines of one order must come together, first line first. */
  public void accept(OrderValues line) {
    if (first == null || !first.orderNo().equals(line.orderNo())) {
      first = line;
      for (int i = 0; i < FEES.length; i++) {
        fee[i] = line.fees()[i];
        feeLine[i] = line.line();
      }
      return;
    }
    String order = "order " + line.orderNo();
    if (!first.storeKey().equals(line.storeKey())) {
      reject(line, storeColumn, order + " mixes stores: " + store(line.storeKey()) + " here, " + store(first.storeKey())
        + " on line " + first.line() + "; an order belongs to one store");
    }
    if (!first.channel().equals(line.channel())) {
      reject(line, "channel", order + " is " + channel(line.channel()) + " here but " + channel(first.channel())
        + " on line " + first.line() + "; an order has one channel");
    }
    if (!Objects.equals(first.localTime(), line.localTime()) || !Objects.equals(first.instant(), line.instant())) {
      reject(line, "ordered_at", order + " was placed at " + time(line) + " here but at " + time(first) + " on line "
        + first.line() + "; every line of an order repeats its time");
    }
    for (int i = 0; i < FEES.length; i++) {
      Long value = line.fees()[i];
      if (value == null) {
        continue;
      }
      if (fee[i] == null) {
        fee[i] = value;
        feeLine[i] = line.line();
      } else if (!fee[i].equals(value)) {
        reject(line, FEES[i], order + " has " + FEES[i] + " " + yuan(value) + " here but " + yuan(fee[i]) + " on line "
          + feeLine[i] + "; an order-level value repeats on every line of the order and counts once");
      }
    }
  }

  private void reject(OrderValues line, String column, String reason) {
    rejections.add(new Rejection(line.line(), column, reason));
  }

  private static String store(String key) {
    return "'" + key.substring(key.indexOf(':') + 1) + "'";
  }

  private static String channel(String channel) {
    return "'" + channel + "'";
  }

  private static String time(OrderValues v) {
    return v.instant() != null ? v.instant().toString() : TIME.format(v.localTime());
  }

  private static String yuan(long cents) {
    return BigDecimal.valueOf(cents, 2).toPlainString();
  }
}
