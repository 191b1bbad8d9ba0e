package io.storedash.query.ingest;

import io.storedash.query.ingest.csv.ImportColumn;
import io.storedash.query.ingest.csv.ParsedLine;
import io.vertx.sqlclient.Tuple;

import java.lang.reflect.Array;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * The staging table of an import, {@code import_lines}: one row per valid line of the file, written a batch at a time
 * with one {@code INSERT ... SELECT FROM unnest(arrays)}. Its columns are listed once, here, with the PostgreSQL type
 * and the value of a {@link ParsedLine}; the CREATE, the INSERT and the arguments are all made from that list.
 */
final class ImportStaging {

  private record Column(String name, String type, Class<?> javaType, Function<ParsedLine, Object> value) {
  }

  private static final List<Column> COLUMNS = columns();

  /** The staged name of an order-level money column: orders' own name, {@code order_service_fee} for StoreDash's. */
  static String orderMoneyColumn(ImportColumn column) {
    return column == ImportColumn.ORDER_SERVICE_FEE ? "order_service_fee" : column.name().toLowerCase(Locale.ROOT);
  }

  private static List<Column> columns() {
    List<Column> columns = new ArrayList<>(List.of(
      new Column("line", "int4", Integer.class, ParsedLine::line),
      new Column("order_no", "text", String.class, ParsedLine::orderNo),
      new Column("order_code", "text", String.class, ParsedLine::orderCode),
      new Column("store_code", "text", String.class, ParsedLine::storeCode),
      new Column("store_ext", "text", String.class, ParsedLine::storeExternalId),
      new Column("store_name", "text", String.class, ParsedLine::storeName),
      new Column("store_key", "text", String.class, ParsedLine::storeKey),
      new Column("city", "text", String.class, ParsedLine::city),
      new Column("channel", "text", String.class, ParsedLine::channel),
      new Column("local_time", "timestamp", LocalDateTime.class, ParsedLine::localTime),
      new Column("instant", "timestamptz", OffsetDateTime.class, ParsedLine::instant),
      new Column("distance_m", "int4", Integer.class, ParsedLine::distance),
      new Column("delivery_platform", "text", String.class, ParsedLine::deliveryPlatform)));
    for (int i = 0; i < ImportColumn.ORDER_MONEY.size(); i++) {
      int index = i;
      columns.add(new Column(orderMoneyColumn(ImportColumn.ORDER_MONEY.get(i)), "int8", Long.class,
        l -> l.orderMoney()[index]));
    }
    columns.addAll(List.of(
      new Column("sku", "text", String.class, ParsedLine::sku),
      new Column("sku_derived", "bool", Boolean.class, ParsedLine::skuDerived),
      new Column("barcode", "text", String.class, ParsedLine::barcode),
      new Column("product_name", "text", String.class, ParsedLine::productName),
      new Column("category", "text", String.class, ParsedLine::category),
      new Column("subcategory", "text", String.class, ParsedLine::subcategory),
      new Column("consumable", "bool", Boolean.class, ParsedLine::consumable),
      new Column("quantity", "int4", Integer.class, ParsedLine::quantity),
      new Column("refund_quantity", "int4", Integer.class, ParsedLine::refundQuantity),
      new Column("stock", "int4", Integer.class, ParsedLine::stock),
      new Column("unit_price", "int8", Long.class, ParsedLine::unitPrice),
      new Column("sale_price", "int8", Long.class, ParsedLine::salePrice),
      new Column("list_price", "int8", Long.class, ParsedLine::listPrice),
      new Column("cost", "int8", Long.class, ParsedLine::cost),
      new Column("gross_profit", "int8", Long.class, ParsedLine::grossProfit),
      new Column("service_fee", "int8", Long.class, ParsedLine::serviceFee),
      new Column("expected_income", "int8", Long.class, ParsedLine::expectedIncome),
      new Column("rebate", "int8", Long.class, ParsedLine::rebate)));
    return List.copyOf(columns);
  }

  static final String CREATE = COLUMNS.stream().map(c -> c.name() + " " + c.type())
    .collect(Collectors.joining(", ", "CREATE TEMP TABLE import_lines (", ") ON COMMIT DROP"));

  static final String INSERT = IntStream.range(0, COLUMNS.size())
    .mapToObj(i -> "$" + (i + 1) + "::" + COLUMNS.get(i).type() + "[]")
    .collect(Collectors.joining(", ", "INSERT INTO import_lines SELECT * FROM unnest(", ")"));

  private ImportStaging() {
  }

  /** The arguments of {@link #INSERT} for a batch: one array per column. */
  static Tuple arguments(List<ParsedLine> batch) {
    Tuple tuple = Tuple.tuple();
    for (Column column : COLUMNS) {
      Object array = Array.newInstance(column.javaType(), batch.size());
      for (int i = 0; i < batch.size(); i++) {
        Array.set(array, i, column.value().apply(batch.get(i)));
      }
      tuple.addValue(array);
    }
    return tuple;
  }
}
