package io.storedash.query.ingest;

import io.storedash.query.ingest.csv.ParsedLine;

import java.util.Objects;

/**
 * A product as a load names it: its key ({@code sku}, the export's 条码), name, 一级分类名 (defaults to 未分类) and
 * 三级分类名 (may be null).
 */
public record ProductRecord(String sku, String name, String category, String subcategory) {

  public static final String NO_CATEGORY = "未分类";

  public ProductRecord {
    Objects.requireNonNull(sku, "sku");
    Objects.requireNonNull(name, "name");
    category = category == null || category.isBlank() ? NO_CATEGORY : category;
  }

  public ProductRecord(String sku, String name, String category) {
    this(sku, name, category, null);
  }

  /** 耗材 (carrier bags): in order profit, not in product views; the import's rule ({@link ParsedLine#consumable()}). */
  public boolean consumable() {
    return ParsedLine.CONSUMABLES.equals(category) || ParsedLine.CONSUMABLES.equals(subcategory);
  }
}
