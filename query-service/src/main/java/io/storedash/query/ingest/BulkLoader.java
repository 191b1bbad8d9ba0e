package io.storedash.query.ingest;

import io.storedash.common.Addresses;
import io.storedash.query.Channels;
import io.storedash.query.storage.Rollups;
import io.storedash.common.security.MessageSignatures;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Writes a {@link Dataset} into PostgreSQL through the reactive client, in one transaction: stores and products
 * are upserted, orders and their lines go in batches of {@code INSERT ... SELECT FROM unnest(arrays)} (one statement
 * per batch writes both), then the rollups of the touched stores and days are rebuilt with
 * {@link Rollups} and the data versions are bumped. After the commit it publishes
 * {@code data changed}. Parts are produced and encoded on a worker thread one part ahead of the part being written,
 * so the event loop only sends.
 *
 * <p>An order whose number already exists is skipped with its lines, so loading the same data twice changes nothing.
 * Loads take a transaction-scoped advisory lock and run one at a time.
 */
public final class BulkLoader {

  private static final Logger LOG = LoggerFactory.getLogger(BulkLoader.class);

  /** pg_advisory_xact_lock key that serializes loads ("SDLOAD"). */
  private static final long LOAD_LOCK = 0x5344_4C4F_4144L;
  /** Orders per statement: large enough to amortize a round trip, small enough to keep the arrays modest. */
  static final int ORDERS_PER_BATCH = 4_000;
  /** Above this many lines the planner is given fresh statistics before the rollups are rebuilt. */
  private static final long ANALYZE_ABOVE_LINES = 100_000;

  /**
   * Takes the transaction-scoped lock that serializes everything that writes orders and rollups: loads, the writing
   * phase of imports, and a channel's fee flag changing.
   */
  public static final String LOCK = "SELECT pg_advisory_xact_lock(" + LOAD_LOCK + ")";
  private static final String STATE = "SELECT EXISTS (SELECT 1 FROM stores), (SELECT version FROM dataset_version)";

  private static final String UPSERT_STORES = """
    INSERT INTO stores (code, name, city, timezone, external_id)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
    ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, city = EXCLUDED.city,
      external_id = coalesce(stores.external_id, EXCLUDED.external_id)
    RETURNING id, code, timezone""";

  private static final String UPSERT_PRODUCTS = """
    INSERT INTO products (sku, name, category, subcategory)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
    ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name, category = EXCLUDED.category,
      subcategory = EXCLUDED.subcategory
    RETURNING id, sku""";

  /** The columns of an order a load writes, as {@code $n} arrays in this order; {@code valid} follows from them. */
  private static final List<String[]> ORDER_ARRAYS = List.of(
    new String[] {"order_no", "text"}, new String[] {"order_code", "text"}, new String[] {"store_id", "int4"},
    new String[] {"channel", "int2"}, new String[] {"ordered_at", "timestamptz"}, new String[] {"local_day", "date"},
    new String[] {"local_hour", "int2"}, new String[] {"distance_m", "int4"}, new String[] {"delivery_platform", "text"},
    new String[] {"delivery_cost", "int8"}, new String[] {"commission", "int8"},
    new String[] {"customer_delivery_fee", "int8"}, new String[] {"delivery_fee_discount", "int8"},
    new String[] {"full_reduction", "int8"}, new String[] {"product_discount", "int8"},
    new String[] {"new_customer_discount", "int8"}, new String[] {"merchant_voucher", "int8"},
    new String[] {"merchant_coupon", "int8"}, new String[] {"gift_amount", "int8"}, new String[] {"other_discount", "int8"},
    new String[] {"packaging_fee", "int8"}, new String[] {"service_fee", "int8"}, new String[] {"lines", "int4"},
    new String[] {"items", "int8"}, new String[] {"revenue", "int8"}, new String[] {"cost", "int8"},
    new String[] {"gross_profit", "int8"}, new String[] {"consumables_cost", "int8"}, new String[] {"rebate", "int8"},
    new String[] {"expected_income", "int8"}, new String[] {"list_gmv", "int8"}, new String[] {"gmv_order", "bool"});
  private static final List<String[]> LINE_ARRAYS = List.of(
    new String[] {"order_no", "text"}, new String[] {"line_no", "int2"}, new String[] {"product_id", "int4"},
    new String[] {"quantity", "int4"}, new String[] {"unit_price", "int8"}, new String[] {"sale_price", "int8"},
    new String[] {"list_price", "int8"}, new String[] {"cost", "int8"}, new String[] {"gross_profit", "int8"},
    new String[] {"service_fee", "int8"}, new String[] {"expected_income", "int8"}, new String[] {"rebate", "int8"},
    new String[] {"refund_quantity", "int4"});

  // Lines find their order through the order numbers the first INSERT returns; orders that already existed
  // return nothing, so their lines are skipped too. An order is valid unless its channel charges a service fee and
  // its lines' fees sum to 0 or less (docs/DESIGN.md §4.1), as an import decides it.
  private static final String INSERT_BATCH = "WITH new_orders AS (INSERT INTO orders ("
    + names(ORDER_ARRAYS, "") + ", valid) SELECT " + names(ORDER_ARRAYS, "o.")
    + ", NOT (c.charges_fee AND o.service_fee <= 0) FROM unnest(" + arrays(ORDER_ARRAYS, 1) + ") AS o ("
    + names(ORDER_ARRAYS, "") + ") JOIN channels c ON c.id = o.channel"
    + " ON CONFLICT (order_no) DO NOTHING RETURNING id, order_no, store_id, local_day, channel, local_hour, valid),"
    + " new_lines AS (INSERT INTO order_lines (order_id, store_id, local_day, channel, local_hour, valid, "
    + names(LINE_ARRAYS.subList(1, LINE_ARRAYS.size()), "") + ") SELECT o.id, o.store_id, o.local_day, o.channel,"
    + " o.local_hour, o.valid, " + names(LINE_ARRAYS.subList(1, LINE_ARRAYS.size()), "l.") + " FROM unnest("
    + arrays(LINE_ARRAYS, ORDER_ARRAYS.size() + 1) + ") AS l (" + names(LINE_ARRAYS, "") + ")"
    + " JOIN new_orders o ON o.order_no = l.order_no RETURNING 1)"
    + " SELECT (SELECT count(*) FROM new_orders), (SELECT count(*) FROM new_lines)";

  private static final String ANALYZE = "ANALYZE orders, order_lines";

  private static String names(List<String[]> columns, String prefix) {
    return columns.stream().map(c -> prefix + c[0]).collect(Collectors.joining(", "));
  }

  private static String arrays(List<String[]> columns, int first) {
    return IntStream.range(0, columns.size()).mapToObj(i -> "$" + (first + i) + "::" + columns.get(i)[1] + "[]")
      .collect(Collectors.joining(", "));
  }

  private final Vertx vertx;
  private final MessageSignatures signatures;
  private final Pool pool;
  private final ZoneId defaultZone;

  /**
   * @param signatures  sign the {@code data changed} event published after a load
   * @param defaultZone the time zone of stores that are new and name none (the configured TIMEZONE)
   */
  public BulkLoader(Vertx vertx, MessageSignatures signatures, Pool pool, ZoneId defaultZone) {
    this.vertx = vertx;
    this.signatures = signatures;
    this.pool = pool;
    this.defaultZone = defaultZone;
  }

  /** Loads the dataset and publishes {@code data changed}. */
  public Future<LoadReport> load(Dataset dataset) {
    return run(dataset, false);
  }

  /** Loads the dataset only when the database holds no store yet; otherwise completes with a skipped report. */
  public Future<LoadReport> loadIntoEmpty(Dataset dataset) {
    return run(dataset, true);
  }

  private Future<LoadReport> run(Dataset dataset, boolean onlyIntoEmpty) {
    long started = System.nanoTime();
    return pool.withTransaction(conn -> new LoadRun(conn, dataset, started).run(onlyIntoEmpty))
      .onSuccess(report -> {
        if (report.loaded()) {
          LOG.info("loaded {} lines in {} orders for {} store(s) in {} ms ({} lines/s), data version {}",
            report.lines(), report.orders(), report.stores().size(), report.millis(), report.linesPerSecond(),
            report.version());
          JsonObject changed = report.dataChanged();
          vertx.eventBus().publish(Addresses.DATA_CHANGED, changed, signatures.sign(Addresses.DATA_CHANGED, changed));
        }
      });
  }

  private record StoreRef(int id, ZoneId zone) {
  }

  private record ProductRef(int id, boolean consumable) {
  }

  /** One batch statement's arguments, plus what the rollup refresh needs to know about them. */
  private record EncodedPart(List<Tuple> batches, LocalDate firstDay, LocalDate lastDay) {
  }

  /** The state of one load, confined to the transaction's connection and its context. */
  private final class LoadRun {

    private final SqlConnection conn;
    private final Dataset dataset;
    private final long started;
    private final Map<String, StoreRef> stores = new HashMap<>();
    private final Map<String, ProductRef> products = new HashMap<>();
    private final Map<String, Short> channels = new HashMap<>();
    private long orders;
    private long lines;
    private LocalDate firstDay;
    private LocalDate lastDay;
    private long rowsWritten;

    LoadRun(SqlConnection conn, Dataset dataset, long started) {
      this.conn = conn;
      this.dataset = dataset;
      this.started = started;
    }

    Future<LoadReport> run(boolean onlyIntoEmpty) {
      return conn.query(LOCK).execute()
        .compose(v -> conn.query(STATE).execute())
        .compose(state -> {
          Row row = state.iterator().next();
          if (onlyIntoEmpty && row.getBoolean(0)) {
            return Future.succeededFuture(LoadReport.skipped(row.getLong(1)));
          }
          return write();
        });
    }

    private Future<LoadReport> write() {
      // Rollup rebuilds aggregate millions of lines: let them hash in memory instead of spilling.
      return conn.query("SET LOCAL work_mem = '256MB'").execute()
        .compose(v -> upsertStores())
        .compose(v -> upsertProducts())
        .compose(v -> resolveChannels())
        .compose(v -> dataset.parts() == 0 ? Future.succeededFuture() : writeParts(0, encode(0)))
        .andThen(v -> rowsWritten = System.nanoTime())
        .compose(v -> lines > ANALYZE_ABOVE_LINES ? conn.query(ANALYZE).execute().mapEmpty() : Future.succeededFuture())
        .compose(v -> refreshRollups())
        .compose(v -> bumpVersions())
        .andThen(v -> LOG.info("load phases: orders and lines {} ms, rollups and versions {} ms",
          TimeUnit.NANOSECONDS.toMillis(rowsWritten - started), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - rowsWritten)))
        .map(version -> new LoadReport(true, dataset.stores().stream().map(StoreRecord::code).distinct().toList(),
          orders, lines, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), version));
    }

    private Future<Void> upsertStores() {
      Map<String, StoreRecord> byCode = new LinkedHashMap<>();
      dataset.stores().forEach(s -> byCode.put(s.code(), s));
      List<StoreRecord> list = new ArrayList<>(byCode.values());
      Tuple args = Tuple.tuple()
        .addArrayOfString(list.stream().map(StoreRecord::code).toArray(String[]::new))
        .addArrayOfString(list.stream().map(StoreRecord::name).toArray(String[]::new))
        .addArrayOfString(list.stream().map(StoreRecord::city).toArray(String[]::new))
        .addArrayOfString(list.stream().map(s -> (s.timezone() == null ? defaultZone : s.timezone()).getId()).toArray(String[]::new))
        .addArrayOfString(list.stream().map(StoreRecord::externalId).toArray(String[]::new));
      return conn.preparedQuery(UPSERT_STORES).execute(args).map(rows -> {
        for (Row row : rows) {
          stores.put(row.getString(1), new StoreRef(row.getInteger(0), ZoneId.of(row.getString(2))));
        }
        return null;
      });
    }

    private Future<Void> upsertProducts() {
      Map<String, ProductRecord> bySku = new LinkedHashMap<>();
      dataset.products().forEach(p -> bySku.put(p.sku(), p));
      List<ProductRecord> list = new ArrayList<>(bySku.values());
      Tuple args = Tuple.tuple()
        .addArrayOfString(list.stream().map(ProductRecord::sku).toArray(String[]::new))
        .addArrayOfString(list.stream().map(ProductRecord::name).toArray(String[]::new))
        .addArrayOfString(list.stream().map(ProductRecord::category).toArray(String[]::new))
        .addArrayOfString(list.stream().map(ProductRecord::subcategory).toArray(String[]::new));
      return conn.preparedQuery(UPSERT_PRODUCTS).execute(args).map(rows -> {
        for (Row row : rows) {
          ProductRecord product = bySku.get(row.getString(1));
          products.put(row.getString(1), new ProductRef(row.getInteger(0), product.consumable()));
        }
        return null;
      });
    }

    private Future<Void> resolveChannels() {
      return Channels.resolve(conn, dataset.channels()).map(resolved -> {
        channels.putAll(resolved.ids());
        return null;
      });
    }

    /**
     * Writes part {@code index} (being encoded by {@code pending}) while the next part is encoded, and so on to the
     * last part. A loop of callbacks, not a chain of {@code compose}: the chain's future for part i completed only
     * with the last part's, and its lambdas held every encoded part until then — the whole dataset's batches in
     * memory, which at 30 M lines filled a 6 GB heap (the growth curve, docs/BENCHMARKS.md).
     */
    private Future<Void> writeParts(int index, Future<EncodedPart> pending) {
      Promise<Void> done = Promise.promise();
      writeFrom(index, pending, done);
      return done.future();
    }

    private void writeFrom(int index, Future<EncodedPart> pending, Promise<Void> done) {
      pending.onComplete(encoded -> {
        if (encoded.failed()) {
          done.tryFail(encoded.cause());
          return;
        }
        Future<EncodedPart> next = index + 1 < dataset.parts() ? encode(index + 1) : null;
        writeBatches(encoded.result()).onComplete(written -> {
          if (written.failed()) {
            done.tryFail(written.cause());
          } else if (next == null) {
            done.tryComplete();
          } else {
            writeFrom(index + 1, next, done);
          }
        });
      });
    }

    private Future<EncodedPart> encode(int index) {
      return vertx.executeBlocking(() -> encodePart(dataset.part(index), stores, products, channels), false);
    }

    private Future<Void> writeBatches(EncodedPart part) {
      if (part.batches().isEmpty()) {
        return Future.succeededFuture();
      }
      if (firstDay == null || part.firstDay().isBefore(firstDay)) {
        firstDay = part.firstDay();
      }
      if (lastDay == null || part.lastDay().isAfter(lastDay)) {
        lastDay = part.lastDay();
      }
      // All batches of a part are sent at once: the connection pipelines them, so PostgreSQL never waits on us.
      List<Future<Void>> written = new ArrayList<>(part.batches().size());
      for (Tuple batch : part.batches()) {
        written.add(conn.preparedQuery(INSERT_BATCH).execute(batch).map(rows -> {
          Row row = rows.iterator().next();
          orders += row.getLong(0);
          lines += row.getLong(1);
          return null;
        }));
      }
      return Future.all(written).mapEmpty();
    }

    private Future<Void> refreshRollups() {
      return Rollups.refresh(conn, storeIds(), firstDay, lastDay);
    }

    private Future<Long> bumpVersions() {
      return Rollups.bumpVersions(conn, storeIds()).compose(version -> Rollups.recordImport(conn, storeIds()).map(version));
    }

    private Integer[] storeIds() {
      return stores.values().stream().map(StoreRef::id).toArray(Integer[]::new);
    }
  }

  /** One array of {@code size} per column, of the Java type the client sends as the column's PostgreSQL array type. */
  private static Object[][] columnArrays(List<String[]> columns, int size) {
    Object[][] arrays = new Object[columns.size()][];
    for (int c = 0; c < arrays.length; c++) {
      Class<?> type = switch (columns.get(c)[1]) {
        case "text" -> String.class;
        case "int2" -> Short.class;
        case "int4" -> Integer.class;
        case "int8" -> Long.class;
        case "bool" -> Boolean.class;
        case "date" -> LocalDate.class;
        case "timestamptz" -> OffsetDateTime.class;
        default -> throw new IllegalStateException("no Java type for " + columns.get(c)[1]);
      };
      arrays[c] = (Object[]) java.lang.reflect.Array.newInstance(type, size);
    }
    return arrays;
  }

  /** Turns orders into batch arguments; runs on a worker thread and only reads the maps. */
  private static EncodedPart encodePart(List<OrderRecord> orders, Map<String, StoreRef> stores,
                                        Map<String, ProductRef> products, Map<String, Short> channels) {
    List<Tuple> batches = new ArrayList<>();
    LocalDate first = null;
    LocalDate last = null;
    for (int start = 0; start < orders.size(); start += ORDERS_PER_BATCH) {
      List<OrderRecord> chunk = orders.subList(start, Math.min(orders.size(), start + ORDERS_PER_BATCH));
      int n = chunk.size();
      int m = chunk.stream().mapToInt(o -> o.lines().size()).sum();
      Object[][] order = columnArrays(ORDER_ARRAYS, n);
      Object[][] line = columnArrays(LINE_ARRAYS, m);
      int j = 0;
      for (int i = 0; i < n; i++) {
        OrderRecord o = chunk.get(i);
        StoreRef store = stores.get(o.storeCode());
        if (store == null) {
          throw new IllegalArgumentException("order " + o.orderNo() + " names store " + o.storeCode()
            + ", which the dataset does not list");
        }
        Short channel = channels.get(o.channel());
        if (channel == null) {
          throw new IllegalArgumentException("order " + o.orderNo() + " names channel " + o.channel()
            + ", which the dataset does not list");
        }
        LocalDate day = o.orderedAt().toLocalDate();
        first = first == null || day.isBefore(first) ? day : first;
        last = last == null || day.isAfter(last) ? day : last;
        long consumablesCost = 0;
        short lineNo = 0;
        for (LineRecord l : o.lines()) {
          ProductRef product = products.get(l.sku());
          if (product == null) {
            throw new IllegalArgumentException("order " + o.orderNo() + " names product " + l.sku()
              + ", which the dataset does not list");
          }
          consumablesCost += product.consumable() ? l.cost() : 0;
          Object[] values = {o.orderNo(), ++lineNo, product.id(), l.quantity(), l.unitPrice(), l.salePrice(),
            l.listPrice(), l.cost(), l.grossProfit(), l.serviceFee(), l.expectedIncome(), l.rebate(), l.refundQuantity()};
          for (int c = 0; c < values.length; c++) {
            line[c][j] = values[c];
          }
          j++;
        }
        long[] fees = o.fees().values();
        Object[] values = new Object[ORDER_ARRAYS.size()];
        Object[] head = {o.orderNo(), o.orderCode(), store.id(), channel,
          o.orderedAt().atZone(store.zone()).toOffsetDateTime().withOffsetSameInstant(ZoneOffset.UTC), day,
          (short) o.orderedAt().getHour(), o.distanceM(), o.deliveryPlatform()};
        System.arraycopy(head, 0, values, 0, head.length);
        for (int f = 0; f < fees.length; f++) {
          values[head.length + f] = fees[f];
        }
        Object[] sums = {o.serviceFee(), o.lines().size(), o.items(), o.revenue(), o.cost(), o.grossProfit(),
          consumablesCost, o.rebate(), o.expectedIncome(), o.listGmv(), o.gmvOrder()};
        System.arraycopy(sums, 0, values, head.length + fees.length, sums.length);
        for (int c = 0; c < values.length; c++) {
          order[c][i] = values[c];
        }
      }
      Tuple tuple = Tuple.tuple();
      for (Object[] column : order) {
        tuple.addValue(column);
      }
      for (Object[] column : line) {
        tuple.addValue(column);
      }
      batches.add(tuple);
    }
    return new EncodedPart(batches, first, last);
  }
}
