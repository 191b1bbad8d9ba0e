package io.storedash.query.ingest;

import io.storedash.query.ingest.csv.FormulaText;
import io.storedash.query.ingest.csv.ImportColumn;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Writes a dataset as the platforms' order-detail export, 订单明细数据导出汇总 (docs/DESIGN.md §3.3): one row per order
 * line with the export's columns ({@link #COLUMNS}), the order-level columns repeated on every line of an order, times
 * store-local {@code yyyy-MM-dd HH:mm:ss}, money in yuan. Used to produce
 * realistic files from the demo generator for tests and benchmarks:
 * <pre>
 * java -cp query-service-fat.jar io.storedash.query.ingest.ExportCsv --stores 1 --rows-per-store 30000 --days 90 \
 *   --seed 42 --end-date 2026-10-31 [--headers zh|en] [--encoding utf-8|utf-8-bom|gbk] --out orders.csv
 * </pre>
 * Stores are written one part at a time, so a file of any size is written in the memory of one store's orders.
 */
public final class ExportCsv {

  /** Which header names to write. */
  public enum Headers { ZH, EN }

  /** How to encode the file. */
  public enum Encoding {
    UTF_8(StandardCharsets.UTF_8, false), UTF_8_BOM(StandardCharsets.UTF_8, true), GBK(Charset.forName("GBK"), false);

    private final Charset charset;
    private final boolean bom;

    Encoding(Charset charset, boolean bom) {
      this.charset = charset;
      this.bom = bom;
    }

    static Encoding parse(String name) {
      return switch (name.toLowerCase(Locale.ROOT)) {
        case "utf-8", "utf8" -> UTF_8;
        case "utf-8-bom", "utf8-bom" -> UTF_8_BOM;
        case "gbk" -> GBK;
        default -> throw new IllegalArgumentException("--encoding must be utf-8, utf-8-bom or gbk, got '" + name + "'");
      };
    }
  }

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final String USAGE = """
    usage: ExportCsv [--stores N] [--rows-per-store N] [--days N] [--seed N] [--end-date yyyy-MM-dd]
                     [--headers zh|en] [--encoding utf-8|utf-8-bom|gbk] --out FILE   (FILE.xlsx: a workbook)""";

  private ExportCsv() {
  }

  /**
   * The columns written, in the order of the chain's export: every column of the export StoreDash reads, none of the
   * personal ones. Stores are named by 门店ID and 门店名称, products keyed by 条码 (the demo's sku).
   */
  public static final List<ImportColumn> COLUMNS = List.of(ImportColumn.ORDER_ID, ImportColumn.ORDER_CODE,
    ImportColumn.ORDERED_AT, ImportColumn.STORE_ID, ImportColumn.STORE_NAME, ImportColumn.CITY, ImportColumn.CHANNEL,
    ImportColumn.PRODUCT_NAME, ImportColumn.BARCODE, ImportColumn.CATEGORY, ImportColumn.SUBCATEGORY,
    ImportColumn.QUANTITY, ImportColumn.REFUND_QUANTITY, ImportColumn.UNIT_PRICE, ImportColumn.SALE_PRICE,
    ImportColumn.LIST_PRICE, ImportColumn.COST, ImportColumn.GROSS_PROFIT, ImportColumn.SERVICE_FEE,
    ImportColumn.EXPECTED_INCOME, ImportColumn.REBATE, ImportColumn.DELIVERY_COST, ImportColumn.COMMISSION,
    ImportColumn.CUSTOMER_DELIVERY_FEE, ImportColumn.DELIVERY_FEE_DISCOUNT, ImportColumn.FULL_REDUCTION,
    ImportColumn.PRODUCT_DISCOUNT, ImportColumn.NEW_CUSTOMER_DISCOUNT, ImportColumn.MERCHANT_VOUCHER,
    ImportColumn.MERCHANT_COUPON, ImportColumn.GIFT_AMOUNT, ImportColumn.OTHER_DISCOUNT, ImportColumn.PACKAGING_FEE,
    ImportColumn.DISTANCE, ImportColumn.DELIVERY_PLATFORM);

  /** A line of the export as typed values: text, a time, a count (Long) or yuan (BigDecimal); null for empty. */
  public interface Row {
    Object value(ImportColumn column);
  }

  /** Calls {@code sink} with every line of the dataset in export order, one store part at a time. */
  public static long forEachLine(Dataset dataset, java.util.function.Consumer<Row> sink) {
    Map<String, StoreRecord> stores = dataset.stores().stream().collect(Collectors.toMap(StoreRecord::code, Function.identity()));
    Map<String, ProductRecord> products = new HashMap<>();
    dataset.products().forEach(p -> products.put(p.sku(), p));
    long lines = 0;
    for (int part = 0; part < dataset.parts(); part++) {
      for (OrderRecord order : dataset.part(part)) {
        StoreRecord store = stores.get(order.storeCode());
        long[] fees = order.fees().values();
        for (LineRecord line : order.lines()) {
          ProductRecord product = products.get(line.sku());
          sink.accept(column -> switch (column) {
            case ORDER_ID -> order.orderNo();
            case ORDER_CODE -> order.orderCode();
            case ORDERED_AT -> order.orderedAt();
            case STORE_ID -> store.externalId() == null ? store.code() : store.externalId();
            case STORE_CODE -> store.code();
            case STORE_NAME -> store.name();
            case CITY -> store.city();
            case CHANNEL -> order.channel();
            case PRODUCT_NAME -> product.name();
            case BARCODE, SKU -> product.sku();
            case CATEGORY -> product.category();
            case SUBCATEGORY -> product.subcategory();
            case QUANTITY -> (long) line.quantity();
            case REFUND_QUANTITY -> (long) line.refundQuantity();
            case UNIT_PRICE -> yuanValue(line.unitPrice());
            case SALE_PRICE -> yuanValue(line.salePrice());
            case LIST_PRICE -> yuanValue(line.listPrice());
            case COST -> yuanValue(line.cost());
            case GROSS_PROFIT -> yuanValue(line.grossProfit());
            case SERVICE_FEE -> yuanValue(line.serviceFee());
            case EXPECTED_INCOME -> yuanValue(line.expectedIncome());
            case REBATE -> yuanValue(line.rebate());
            case DISTANCE -> order.distanceM() == null ? null : (long) order.distanceM();
            case DELIVERY_PLATFORM -> order.deliveryPlatform();
            default -> {
              int money = ImportColumn.ORDER_MONEY.indexOf(column);
              yield money >= 0 && money < fees.length ? yuanValue(fees[money]) : null;
            }
          });
          lines++;
        }
      }
    }
    return lines;
  }

  /** Writes every line of the dataset; returns the number of lines (without the header). */
  public static long write(Dataset dataset, OutputStream out, Headers headers, Encoding encoding) throws IOException {
    if (encoding.bom) {
      out.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    }
    Writer writer = new BufferedWriter(new OutputStreamWriter(out, encoding.charset), 1 << 16);
    writer.write(COLUMNS.stream().map(c -> headers == Headers.ZH ? c.chinese() : c.english()).collect(Collectors.joining(",")));
    writer.write("\r\n");
    StringBuilder row = new StringBuilder(512);
    try {
      long lines = forEachLine(dataset, line -> {
        row.setLength(0);
        for (int c = 0; c < COLUMNS.size(); c++) {
          if (c > 0) {
            row.append(',');
          }
          Object value = line.value(COLUMNS.get(c));
          if (value instanceof LocalDateTime time) {
            row.append(TIME.format(time));
          } else if (value instanceof BigDecimal yuan) {
            row.append(yuan.toPlainString());
          } else if (value instanceof Long count) {
            row.append(count);
          } else if (value != null) {
            field(row, value.toString());
          }
        }
        row.append("\r\n");
        try {
          writer.write(row.toString());
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
      writer.flush();
      return lines;
    } catch (UncheckedIOException e) {
      throw e.getCause();
    }
  }

  /**
   * Writes the demo dataset of {@code options} to a file, CSV or (a name ending in .xlsx) a workbook with 下单时间 as
   * Excel dates; returns the number of lines.
   */
  public static long write(DemoOptions options, Path file, Headers headers, Encoding encoding) {
    try (OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(file), 1 << 16)) {
      if (file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".xlsx")) {
        return ExportXlsx.write(new DemoDataset(options), out, headers, true);
      }
      return write(new DemoDataset(options), out, headers, encoding);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  public static void main(String[] args) {
    Map<String, String> flags;
    DemoOptions options;
    Path out;
    Headers headers;
    Encoding encoding;
    try {
      flags = CommandFlags.parse(args, List.of("stores", "rows-per-store", "days", "seed", "end-date", "headers", "encoding", "out"));
      if (!flags.containsKey("out")) {
        throw new IllegalArgumentException("--out FILE is required");
      }
      options = new DemoOptions(
        Integer.parseInt(flags.getOrDefault("stores", "1").replace("_", "")),
        Integer.parseInt(flags.getOrDefault("rows-per-store", String.valueOf(DemoOptions.DEFAULT_ROWS_PER_STORE)).replace("_", "")),
        Integer.parseInt(flags.getOrDefault("days", String.valueOf(DemoOptions.DEFAULT_DAYS))),
        Long.parseLong(flags.getOrDefault("seed", String.valueOf(DemoOptions.DEFAULT_SEED))),
        flags.containsKey("end-date") ? LocalDate.parse(flags.get("end-date")) : LocalDate.now().minusDays(1));
      headers = Headers.valueOf(flags.getOrDefault("headers", "zh").toUpperCase(Locale.ROOT));
      encoding = Encoding.parse(flags.getOrDefault("encoding", "utf-8"));
      out = Path.of(flags.get("out"));
    } catch (IllegalArgumentException | DateTimeParseException e) {
      System.err.println("ExportCsv: " + e.getMessage());
      System.err.println(USAGE);
      System.exit(2);
      return;
    }
    long started = System.nanoTime();
    long lines = write(options, out, headers, encoding);
    try {
      System.out.printf(Locale.ROOT, "wrote %,d lines (%,d bytes) to %s in %.1f s%n", lines, Files.size(out), out,
        (System.nanoTime() - started) / 1e9);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Cents as yuan, exactly. */
  public static BigDecimal yuanValue(long cents) {
    return BigDecimal.valueOf(cents, 2);
  }

  /**
   * A CSV text field, quoted when it holds a comma, a quote or a line break. A value that a spreadsheet would read as
   * a formula (it starts with =, +, -, @, a tab or a CR: "CSV injection", e.g. {@code =HYPERLINK(...)} in an imported
   * product name) is written as text: with a leading apostrophe, quoted. The importer removes exactly that apostrophe
   * again ({@code LineParser}), so an export imports back to the same values.
   */
  static StringBuilder field(StringBuilder row, String value) {
    boolean formula = FormulaText.looksLikeFormula(value);
    if (!formula && value.indexOf(',') < 0 && value.indexOf('"') < 0 && value.indexOf('\n') < 0 && value.indexOf('\r') < 0) {
      return row.append(value);
    }
    return row.append('"').append(formula ? "'" : "").append(value.replace("\"", "\"\"")).append('"');
  }
}
