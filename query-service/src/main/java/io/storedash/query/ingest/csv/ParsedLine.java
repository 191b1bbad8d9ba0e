package io.storedash.query.ingest.csv;

import io.storedash.query.Channel;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;

/**
 * One valid line of an export, as it is staged: money in cents; exactly one of {@code localTime} (a store-local
 * wall-clock time, turned into an instant with the store's zone when the store is known) and {@code instant} (an
 * ISO-8601 time with an offset) is set. The order-level fees are null when the line leaves them empty (another line
 * of the order may give them).
 *
 * @param storeKey the store's code, or {@code #} and its name when the line names the store by name only
 */
public record ParsedLine(int line, String orderNo, String storeCode, String storeName, String storeKey, Channel channel,
                         LocalDateTime localTime, OffsetDateTime instant, String sku, boolean skuDerived,
                         String productName, String category, int quantity, long unitPrice, long listPrice,
                         long unitCost, Long deliveryCost, Long platformFee, Long discount, Long customerDeliveryFee,
                         Long packagingFee) {
}
