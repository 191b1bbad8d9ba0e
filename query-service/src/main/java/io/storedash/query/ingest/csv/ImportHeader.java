package io.storedash.query.ingest.csv;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The header row of an export: where each known column is, which cells were not recognised (kept out of the
 * import, named in the report), and what is wrong with it (missing required columns, a column named twice).
 */
public final class ImportHeader {

  private final Map<ImportColumn, Integer> positions = new EnumMap<>(ImportColumn.class);
  private final List<String> ignored = new ArrayList<>();
  private final List<String> personal = new ArrayList<>();
  private final List<Rejection> problems = new ArrayList<>();
  /** Every non-blank header cell in file order, with what it was read as: what a dry run shows. */
  private final List<Map<String, Object>> read = new ArrayList<>();
  private final int width;

  private ImportHeader(int width) {
    this.width = width;
  }

  /**
   * @param line the header's line number
   * @throws ImportRefused (400) when no cell names a known column: the file is not an order export
   */
  public static ImportHeader parse(int line, List<String> cells) {
    ImportHeader header = new ImportHeader(cells.size());
    Map<ImportColumn, String> seenAs = new EnumMap<>(ImportColumn.class);
    for (int i = 0; i < cells.size(); i++) {
      String cell = cells.get(i);
      ImportColumn column = ImportColumn.ofHeader(cell);
      if (column == null) {
        if (!cell.isBlank()) {
          header.ignored.add(cell.strip());
          header.read(cell, null, "ignored");
        }
      } else if (column.kind() == ImportColumn.Kind.PERSONAL) {
        header.personal.add(cell.strip());
        header.read(cell, null, "personal");
      } else if (header.positions.containsKey(column)) {
        header.problems.add(new Rejection(line, column.english(), "the column is named twice (as '" + seenAs.get(column)
          + "' and '" + cell.strip() + "'): keep one"));
        header.read(cell, column.english(), "twice");
      } else {
        header.positions.put(column, i);
        seenAs.put(column, cell.strip());
        header.read(cell, column.english(), "read");
      }
    }
    if (header.positions.isEmpty()) {
      throw new ImportRefused(400, "the first line names none of the columns of an order export (such as "
        + ImportColumn.ORDER_ID.bothNames() + ", " + ImportColumn.QUANTITY.bothNames() + "): this is not an order export "
        + "CSV, or its header row is missing");
    }
    for (ImportColumn column : ImportColumn.values()) {
      if (column.need() == ImportColumn.Need.REQUIRED && !header.positions.containsKey(column)) {
        header.problems.add(new Rejection(line, column.english(), "required column " + column.bothNames() + " is missing"));
      }
    }
    if (!header.has(ImportColumn.STORE_CODE) && !header.has(ImportColumn.STORE_ID) && !header.has(ImportColumn.STORE_NAME)) {
      header.problems.add(new Rejection(line, ImportColumn.STORE_NAME.english(), "the store is missing: add the column "
        + ImportColumn.STORE_ID.bothNames() + " or " + ImportColumn.STORE_NAME.bothNames()));
    }
    if (!header.has(ImportColumn.COST) && !header.has(ImportColumn.UNIT_COST)) {
      header.problems.add(new Rejection(line, ImportColumn.COST.english(), "required column " + ImportColumn.COST.bothNames()
        + " (the line's cost) is missing"));
    } else if (header.has(ImportColumn.COST) && header.has(ImportColumn.UNIT_COST)) {
      header.problems.add(new Rejection(line, ImportColumn.UNIT_COST.english(), "the file gives both "
        + ImportColumn.COST.bothNames() + " (the line's cost) and " + ImportColumn.UNIT_COST.english()
        + " (the cost of one unit): keep one"));
    }
    return header;
  }

  private void read(String cell, String field, String status) {
    Map<String, Object> column = new LinkedHashMap<>();
    column.put("header", cell.strip());
    column.put("field", field);
    column.put("status", status);
    read.add(column);
  }

  /**
   * The header as read, cell by cell: {@code {"header", "field", "status"}} where status is {@code read} (the cell is
   * the column {@code field}), {@code ignored} (no column of an export), {@code personal} (personal data, dropped) or
   * {@code twice} (a second cell for a column already read: the file is refused).
   */
  public List<Map<String, Object>> columns() {
    return Collections.unmodifiableList(read);
  }

  public boolean has(ImportColumn column) {
    return positions.containsKey(column);
  }

  /** Where a column is in a record (0-based), or -1 when the file has no such column. */
  public int index(ImportColumn column) {
    Integer position = positions.get(column);
    return position == null ? -1 : position;
  }

  /** The column at a position (0-based), or null when the header cell there names none (or a column named twice). */
  public ImportColumn columnAt(int index) {
    for (Map.Entry<ImportColumn, Integer> e : positions.entrySet()) {
      if (e.getValue() == index) {
        return e.getKey();
      }
    }
    return null;
  }

  /** The cell of a column in a record, or null when the file has no such column. */
  public String cell(List<String> fields, ImportColumn column) {
    Integer position = positions.get(column);
    return position == null || position >= fields.size() ? null : fields.get(position);
  }

  /** Fields in the header row. */
  public int width() {
    return width;
  }

  public List<String> ignored() {
    return Collections.unmodifiableList(ignored);
  }

  /** Columns of personal data (收货地址, 用户ID, 用户支付金额): never read, never stored. */
  public List<String> personal() {
    return Collections.unmodifiableList(personal);
  }

  public List<Rejection> problems() {
    return Collections.unmodifiableList(problems);
  }
}
