package io.storedash.query.diagnosis;

import io.storedash.query.metrics.ProductSales;

import java.time.LocalDate;
import java.util.Objects;

/**
 * A product's sales over the diagnosed range, with the quantities of its two halves (see
 * {@link ProductDiagnosis#firstHalf}) and the last day it sold.
 */
public record ProductPeriod(ProductSales sales, long firstHalfQuantity, long secondHalfQuantity, LocalDate lastSale) {

  public ProductPeriod {
    Objects.requireNonNull(sales, "sales");
    Objects.requireNonNull(lastSale, "lastSale");
  }
}
