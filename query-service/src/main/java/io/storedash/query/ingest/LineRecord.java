package io.storedash.query.ingest;

/** One product of an order; prices and cost are cents per unit. */
public record LineRecord(String sku, int quantity, long unitPrice, long listPrice, long unitCost) {

  public LineRecord {
    if (quantity <= 0) {
      throw new IllegalArgumentException("quantity must be > 0, got " + quantity);
    }
    if (unitPrice < 0 || unitCost < 0 || listPrice < unitPrice) {
      throw new IllegalArgumentException("need 0 ≤ unit_price ≤ list_price and unit_cost ≥ 0, got " + unitPrice + "/"
        + listPrice + "/" + unitCost + " for " + sku);
    }
  }
}
