package io.storedash.query.ingest.csv;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an import did, or why it did nothing. {@link #toMap()} is the JSON the importer receives:
 * <pre>
 * {"file", "imported", "detail", "encoding", "converted_from", "lines", "orders", "stores", "new_stores",
 *  "new_channels", "new_products", "new_orders", "updated_orders", "new_lines", "updated_lines", "unchanged_lines",
 *  "ignored_columns", "personal_columns", "version", "millis", "rejected": [{"line", "column", "reason"}], "rejected_total",
 *  "dry_run", "importable", "replaced_orders", "columns": [{"header", "field", "status"}], "days": {"from", "to", "count"},
 *  "import_id"}
 * </pre>
 * {@code lines} counts the order lines read (records after the header), {@code orders} the distinct orders among
 * them, {@code stores} the codes of the stores they belong to. {@code personal_columns} are the columns of personal
 * data (收货地址, 用户ID, 用户支付金额) that were recognised and dropped: StoreDash never stores them. {@code rejected} holds the first
 * {@link RejectionList#CAP} problems by line, {@code rejected_total} all of them. {@code columns} is the header as read
 * ({@link ImportHeader#columns()}), {@code days} the days the file's orders fall on (null when it was not read that
 * far), {@code replaced_orders} the file's orders that were stored already (changed or not: {@code updated_orders}
 * counts the changed ones). A dry run ({@code dry_run} true) went through every check and write and was rolled back:
 * {@code imported} is false and {@code importable} says whether the import would have been committed.
 * {@code import_id} names the import in the history, for its undo.
 */
public record ImportReport(
  String file,
  boolean imported,
  String detail,
  String encoding,
  boolean convertedFromGbk,
  long lines,
  long orders,
  List<String> stores,
  List<String> newStores,
  List<String> newChannels,
  long newProducts,
  long newOrders,
  long updatedOrders,
  long newLines,
  long updatedLines,
  List<String> ignoredColumns,
  List<String> personalColumns,
  Long version,
  long millis,
  List<Rejection> rejected,
  long rejectedTotal,
  boolean dryRun,
  long replacedOrders,
  List<Map<String, Object>> columns,
  Days days,
  Long importId) {

  /** The days a file's orders fall on: the first, the last and how many distinct days. */
  public record Days(LocalDate from, LocalDate to, long count) {
  }

  /** A report of an import that was refused or rolled back: nothing was written. */
  public static ImportReport refused(String file, String detail, String encoding, boolean convertedFromGbk, long lines,
                                     List<String> ignoredColumns, List<String> personalColumns, long millis,
                                     RejectionList rejections) {
    return refused(file, detail, encoding, convertedFromGbk, lines, ignoredColumns, personalColumns, millis, rejections,
      false, List.of());
  }

  /** As {@link #refused(String, String, String, boolean, long, List, List, long, RejectionList)}, of a dry run or not. */
  public static ImportReport refused(String file, String detail, String encoding, boolean convertedFromGbk, long lines,
                                     List<String> ignoredColumns, List<String> personalColumns, long millis,
                                     RejectionList rejections, boolean dryRun, List<Map<String, Object>> columns) {
    return new ImportReport(file, false, detail, encoding, convertedFromGbk, lines, 0, List.of(), List.of(), List.of(), 0,
      0, 0, 0, 0, ignoredColumns, personalColumns, null, millis, rejections.first(), rejections.total(), dryRun, 0,
      columns, null, null);
  }

  /** The sentence for a rejected file: how many problems, and that nothing was imported. */
  public static String rejectedDetail(long total) {
    return "nothing was imported: " + total + (total == 1 ? " problem" : " problems")
      + " in the file; 'rejected' names the line, column and reason of each" + (total > RejectionList.CAP
      ? " (the first " + RejectionList.CAP + " by line)" : "");
  }

  public Map<String, Object> toMap() {
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("file", file);
    map.put("imported", imported);
    map.put("detail", detail);
    map.put("encoding", encoding);
    map.put("converted_from", convertedFromGbk ? "GBK" : null);
    map.put("lines", lines);
    map.put("orders", orders);
    map.put("stores", stores);
    map.put("new_stores", newStores);
    map.put("new_channels", newChannels);
    map.put("new_products", newProducts);
    map.put("new_orders", newOrders);
    map.put("updated_orders", updatedOrders);
    map.put("new_lines", newLines);
    map.put("updated_lines", updatedLines);
    map.put("unchanged_lines", imported ? Math.max(0, lines - newLines - updatedLines) : 0);
    map.put("ignored_columns", ignoredColumns);
    map.put("personal_columns", personalColumns);
    map.put("version", version);
    map.put("millis", millis);
    List<Map<String, Object>> rows = new ArrayList<>(rejected.size());
    for (Rejection r : rejected) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("line", r.line());
      row.put("column", r.column());
      row.put("reason", r.reason());
      rows.add(row);
    }
    map.put("rejected", rows);
    map.put("rejected_total", rejectedTotal);
    map.put("dry_run", dryRun);
    map.put("importable", imported || (dryRun && rejectedTotal == 0 && days != null));
    map.put("replaced_orders", replacedOrders);
    map.put("columns", columns);
    if (days == null) {
      map.put("days", null);
    } else {
      Map<String, Object> range = new LinkedHashMap<>();
      range.put("from", days.from() == null ? null : days.from().toString());
      range.put("to", days.to() == null ? null : days.to().toString());
      range.put("count", days.count());
      map.put("days", range);
    }
    map.put("import_id", importId);
    return map;
  }
}
