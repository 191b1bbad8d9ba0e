package io.storedash.query.ingest;

import io.storedash.query.Channel;

import java.time.LocalDateTime;
import java.util.List;
import java.util.Objects;

/**
 * One order with all its lines, as a load writes it. Fees are cents and belong to the order, not to a line.
 *
 * @param orderedAt store-local wall-clock time; the loader turns it into an instant with the store's zone
 * @param lines     one line per product (a product appears at most once)
 */
public record OrderRecord(
  String orderNo,
  String storeCode,
  Channel channel,
  LocalDateTime orderedAt,
  long deliveryCost,
  long platformFee,
  long discount,
  long customerDeliveryFee,
  long packagingFee,
  List<LineRecord> lines) {

  public OrderRecord {
    Objects.requireNonNull(orderNo, "orderNo");
    Objects.requireNonNull(storeCode, "storeCode");
    Objects.requireNonNull(channel, "channel");
    Objects.requireNonNull(orderedAt, "orderedAt");
    if (lines == null || lines.isEmpty()) {
      throw new IllegalArgumentException("order " + orderNo + " has no lines");
    }
    if (deliveryCost < 0 || platformFee < 0 || discount < 0 || customerDeliveryFee < 0 || packagingFee < 0) {
      throw new IllegalArgumentException("order " + orderNo + " has a negative fee");
    }
    lines = List.copyOf(lines);
  }
}
