package io.storedash.query.ingest.csv;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an import did, or why it did nothing. {@link #toMap()} is the JSON the importer receives:
 * <pre>
 * {"file", "imported", "detail", "encoding", "converted_from", "lines", "orders", "stores", "new_stores",
 *  "new_channels", "new_products", "new_orders", "updated_orders", "new_lines", "updated_lines", "unchanged_lines",
 *  "ignored_columns", "personal_columns", "version", "millis", "rejected": [{"line", "column", "reason"}], "rejected_total"}
 * </pre>
 * {@code lines} counts the order lines read (records after the header), {@code orders} the distinct orders among
 * them, {@code stores} the codes of the stores they belong to. {@code personal_columns} are the columns of personal
 * data (收货地址, 用户ID, 用户支付金额) that were recognised and dropped: StoreDash never stores them. {@code rejected} holds the first
 * {@link RejectionList#CAP} problems by line, {@code rejected_total} all of them.
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
  long rejectedTotal) {

  /** A report of an import that was refused or rolled back: nothing was written. */
  public static ImportReport refused(String file, String detail, String encoding, boolean convertedFromGbk, long lines,
                                     List<String> ignoredColumns, List<String> personalColumns, long millis,
                                     RejectionList rejections) {
    return new ImportReport(file, false, detail, encoding, convertedFromGbk, lines, 0, List.of(), List.of(), List.of(), 0,
      0, 0, 0, 0, ignoredColumns, personalColumns, null, millis, rejections.first(), rejections.total());
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
    return map;
  }
}
