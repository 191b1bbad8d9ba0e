package io.storedash.query.ingest.csv;

import java.time.LocalDateTime;
import java.time.OffsetDateTime;

/**
 * One valid line of an import, as it is staged: money in cents; exactly one of {@code localTime} (a store-local
 * wall-clock time, turned into an instant with the store's zone when the store is known) and {@code instant} (an
 * ISO-8601 time with an offset) is set.
 *
 * @param storeKey   what identifies the store in this file: {@code code:} and its code, {@code id:} and its 门店ID, or
 *                   {@code name:} and its name (docs/DESIGN.md §3.3)
 * @param orderMoney the order-level money of {@link ImportColumn#ORDER_MONEY}, null where the line leaves it empty
 *                   (another line of the order may give it)
 * @param sku        the product's key: the file's sku, else its 条码, else derived from the name
 * @param cost       the line's cost (成本), not a unit cost
 * @param grossProfit the line's 利润额 (computed as 实收价格 × 销量 − 成本 when the file has none)
 */
public record ParsedLine(int line, String orderNo, String orderCode, String storeCode, String storeExternalId,
                         String storeName, String storeKey, String city, String channel, LocalDateTime localTime,
                         OffsetDateTime instant, Integer distance, String deliveryPlatform, Long[] orderMoney,
                         String sku, boolean skuDerived, String barcode, String productName, String category,
                         String subcategory, int quantity, int refundQuantity, Integer stock, long unitPrice,
                         long salePrice, long listPrice, long cost, long grossProfit, long serviceFee,
                         long expectedIncome, long rebate) {

  /** 耗材 (carrier bags and the like): counted in order profit, left out of product and category views. */
  public static final String CONSUMABLES = "耗材";

  public boolean consumable() {
    return CONSUMABLES.equals(category) || CONSUMABLES.equals(subcategory);
  }
}
