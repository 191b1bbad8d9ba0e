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
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Writes a dataset as a platform order export (docs/DESIGN.md §3.3): one row per order line, the order-level columns
 * repeated on every line of an order, times store-local {@code yyyy-MM-dd HH:mm:ss}, money in yuan. Used to produce
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
                     [--headers zh|en] [--encoding utf-8|utf-8-bom|gbk] --out FILE""";

  private ExportCsv() {
  }

  /** Writes every line of the dataset; returns the number of lines (without the header). */
  public static long write(Dataset dataset, OutputStream out, Headers headers, Encoding encoding) throws IOException {
    if (encoding.bom) {
      out.write(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
    }
    Writer writer = new BufferedWriter(new OutputStreamWriter(out, encoding.charset), 1 << 16);
    List<ImportColumn> columns = List.of(ImportColumn.values());
    writer.write(columns.stream().map(c -> headers == Headers.ZH ? c.chinese() : c.english()).collect(Collectors.joining(",")));
    writer.write("\r\n");
    Map<String, StoreRecord> stores = dataset.stores().stream().collect(Collectors.toMap(StoreRecord::code, Function.identity()));
    Map<String, ProductRecord> products = new HashMap<>();
    dataset.products().forEach(p -> products.put(p.sku(), p));
    long lines = 0;
    StringBuilder row = new StringBuilder(256);
    for (int part = 0; part < dataset.parts(); part++) {
      for (OrderRecord order : dataset.part(part)) {
        StoreRecord store = stores.get(order.storeCode());
        String channel = headers == Headers.ZH ? order.channel().nameZh() : order.channel().code();
        for (LineRecord line : order.lines()) {
          ProductRecord product = products.get(line.sku());
          row.setLength(0);
          field(row, order.orderNo()).append(',');
          field(row, store.code()).append(',');
          field(row, store.name()).append(',');
          field(row, channel).append(',');
          row.append(TIME.format(order.orderedAt())).append(',');
          field(row, product.sku()).append(',');
          field(row, product.name()).append(',');
          field(row, product.category()).append(',');
          row.append(line.quantity()).append(',');
          row.append(yuan(line.unitPrice())).append(',');
          row.append(yuan(line.listPrice())).append(',');
          row.append(yuan(line.unitCost())).append(',');
          row.append(yuan(order.deliveryCost())).append(',');
          row.append(yuan(order.platformFee())).append(',');
          row.append(yuan(order.discount())).append(',');
          row.append(yuan(order.customerDeliveryFee())).append(',');
          row.append(yuan(order.packagingFee())).append("\r\n");
          writer.write(row.toString());
          lines++;
        }
      }
    }
    writer.flush();
    return lines;
  }

  /** Writes the demo dataset of {@code options} to a file; returns the number of lines. */
  public static long write(DemoOptions options, Path file, Headers headers, Encoding encoding) {
    try (OutputStream out = Files.newOutputStream(file)) {
      return write(new DemoDataset(options), out, headers, encoding);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
    }
  }

  public static void main(String[] args) {
    Map<String, String> flags = new HashMap<>();
    DemoOptions options;
    Path out;
    Headers headers;
    Encoding encoding;
    try {
      for (int i = 0; i < args.length; i++) {
        if (!args[i].startsWith("--") || i + 1 >= args.length) {
          throw new IllegalArgumentException("expected --name value, got '" + args[i] + "'");
        }
        flags.put(args[i].substring(2), args[++i]);
      }
      for (String name : flags.keySet()) {
        if (!List.of("stores", "rows-per-store", "days", "seed", "end-date", "headers", "encoding", "out").contains(name)) {
          throw new IllegalArgumentException("unknown option --" + name);
        }
      }
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

  private static String yuan(long cents) {
    return BigDecimal.valueOf(cents, 2).toPlainString();
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
