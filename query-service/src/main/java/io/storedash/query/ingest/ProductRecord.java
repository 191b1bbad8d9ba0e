package io.storedash.query.ingest;

import java.util.Objects;

/** A product as a load names it; category defaults to 未分类. */
public record ProductRecord(String sku, String name, String category) {

  public static final String NO_CATEGORY = "未分类";

  public ProductRecord {
    Objects.requireNonNull(sku, "sku");
    Objects.requireNonNull(name, "name");
    category = category == null || category.isBlank() ? NO_CATEGORY : category;
  }
}
