package io.storedash.query.ingest;

import io.storedash.common.Addresses;
import io.storedash.query.storage.Rollups;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
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
  public static final long LOAD_LOCK = 0x5344_4C4F_4144L;
  /** Orders per statement: large enough to amortize a round trip, small enough to keep the arrays modest. */
  static final int ORDERS_PER_BATCH = 4_000;
  /** Above this many lines the planner is given fresh statistics before the rollups are rebuilt. */
  private static final long ANALYZE_ABOVE_LINES = 100_000;

  private static final String LOCK = "SELECT pg_advisory_xact_lock(" + LOAD_LOCK + ")";
  private static final String STATE = "SELECT EXISTS (SELECT 1 FROM stores), (SELECT version FROM dataset_version)";

  private static final String UPSERT_STORES = """
    INSERT INTO stores (code, name, city, timezone)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[])
    ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name, city = EXCLUDED.city
    RETURNING id, code, timezone""";

  private static final String UPSERT_PRODUCTS = """
    INSERT INTO products (sku, name, category)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
    ON CONFLICT (sku) DO UPDATE SET name = EXCLUDED.name, category = EXCLUDED.category
    RETURNING id, sku""";

  // Lines find their order through the order numbers the first INSERT returns; orders that already existed
  // return nothing, so their lines are skipped too.
  private static final String INSERT_BATCH = """
    WITH new_orders AS (
      INSERT INTO orders (order_no, store_id, channel, ordered_at, local_day, local_hour,
                          delivery_cost, platform_fee, discount, customer_delivery_fee, packaging_fee)
      SELECT * FROM unnest($1::text[], $2::int4[], $3::int2[], $4::timestamptz[], $5::date[], $6::int2[],
                           $7::int8[], $8::int8[], $9::int8[], $10::int8[], $11::int8[])
      ON CONFLICT (order_no) DO NOTHING
      RETURNING id, order_no, store_id, local_day, channel, local_hour
    ), new_lines AS (
      INSERT INTO order_lines (order_id, unit_price, list_price, unit_cost, product_id, store_id, local_day,
                               quantity, channel, local_hour)
      SELECT o.id, l.unit_price, l.list_price, l.unit_cost, l.product_id, o.store_id, o.local_day,
             l.quantity, o.channel, o.local_hour
      FROM unnest($12::text[], $13::int4[], $14::int4[], $15::int8[], $16::int8[], $17::int8[])
             AS l (order_no, product_id, quantity, unit_price, list_price, unit_cost)
      JOIN new_orders o ON o.order_no = l.order_no
      RETURNING 1
    )
    SELECT (SELECT count(*) FROM new_orders), (SELECT count(*) FROM new_lines)""";

  private static final String ANALYZE = "ANALYZE orders, order_lines";

  private final Vertx vertx;
  private final Pool pool;
  private final ZoneId defaultZone;

  /**
   * @param defaultZone the time zone of stores that are new and name none (the configured TIMEZONE)
   */
  public BulkLoader(Vertx vertx, Pool pool, ZoneId defaultZone) {
    this.vertx = vertx;
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
          vertx.eventBus().publish(Addresses.DATA_CHANGED, report.dataChanged());
        }
      });
  }

  private record StoreRef(int id, ZoneId zone) {
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
    private final Map<String, Integer> products = new HashMap<>();
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
        .addArrayOfString(list.stream().map(s -> (s.timezone() == null ? defaultZone : s.timezone()).getId()).toArray(String[]::new));
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
        .addArrayOfString(list.stream().map(ProductRecord::category).toArray(String[]::new));
      return conn.preparedQuery(UPSERT_PRODUCTS).execute(args).map(rows -> {
        for (Row row : rows) {
          products.put(row.getString(1), row.getInteger(0));
        }
        return null;
      });
    }

    /** Writes part {@code index} (being encoded by {@code pending}) while the next part is encoded. */
    private Future<Void> writeParts(int index, Future<EncodedPart> pending) {
      return pending.compose(part -> {
        Future<EncodedPart> next = index + 1 < dataset.parts() ? encode(index + 1) : null;
        return writeBatches(part).compose(v -> next == null ? Future.succeededFuture() : writeParts(index + 1, next));
      });
    }

    private Future<EncodedPart> encode(int index) {
      return vertx.executeBlocking(() -> encodePart(dataset.part(index), stores, products), false);
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
      return Rollups.bumpVersions(conn, storeIds());
    }

    private Integer[] storeIds() {
      return stores.values().stream().map(StoreRef::id).toArray(Integer[]::new);
    }
  }

  /** Turns orders into batch arguments; runs on a worker thread and only reads the two maps. */
  private static EncodedPart encodePart(List<OrderRecord> orders, Map<String, StoreRef> stores, Map<String, Integer> products) {
    List<Tuple> batches = new ArrayList<>();
    LocalDate first = null;
    LocalDate last = null;
    for (int start = 0; start < orders.size(); start += ORDERS_PER_BATCH) {
      List<OrderRecord> chunk = orders.subList(start, Math.min(orders.size(), start + ORDERS_PER_BATCH));
      int n = chunk.size();
      int m = chunk.stream().mapToInt(o -> o.lines().size()).sum();
      String[] orderNo = new String[n];
      Integer[] storeId = new Integer[n];
      Short[] channel = new Short[n];
      OffsetDateTime[] orderedAt = new OffsetDateTime[n];
      LocalDate[] localDay = new LocalDate[n];
      Short[] localHour = new Short[n];
      Long[] deliveryCost = new Long[n];
      Long[] platformFee = new Long[n];
      Long[] discount = new Long[n];
      Long[] customerDeliveryFee = new Long[n];
      Long[] packagingFee = new Long[n];
      String[] lineOrderNo = new String[m];
      Integer[] productId = new Integer[m];
      Integer[] quantity = new Integer[m];
      Long[] unitPrice = new Long[m];
      Long[] listPrice = new Long[m];
      Long[] unitCost = new Long[m];
      int j = 0;
      for (int i = 0; i < n; i++) {
        OrderRecord order = chunk.get(i);
        StoreRef store = stores.get(order.storeCode());
        if (store == null) {
          throw new IllegalArgumentException("order " + order.orderNo() + " names store " + order.storeCode()
            + ", which the dataset does not list");
        }
        LocalDate day = order.orderedAt().toLocalDate();
        first = first == null || day.isBefore(first) ? day : first;
        last = last == null || day.isAfter(last) ? day : last;
        orderNo[i] = order.orderNo();
        storeId[i] = store.id();
        channel[i] = order.channel().id();
        orderedAt[i] = order.orderedAt().atZone(store.zone()).toOffsetDateTime().withOffsetSameInstant(ZoneOffset.UTC);
        localDay[i] = day;
        localHour[i] = (short) order.orderedAt().getHour();
        deliveryCost[i] = order.deliveryCost();
        platformFee[i] = order.platformFee();
        discount[i] = order.discount();
        customerDeliveryFee[i] = order.customerDeliveryFee();
        packagingFee[i] = order.packagingFee();
        for (LineRecord line : order.lines()) {
          Integer product = products.get(line.sku());
          if (product == null) {
            throw new IllegalArgumentException("order " + order.orderNo() + " names product " + line.sku()
              + ", which the dataset does not list");
          }
          lineOrderNo[j] = order.orderNo();
          productId[j] = product;
          quantity[j] = line.quantity();
          unitPrice[j] = line.unitPrice();
          listPrice[j] = line.listPrice();
          unitCost[j] = line.unitCost();
          j++;
        }
      }
      batches.add(Tuple.tuple()
        .addArrayOfString(orderNo).addArrayOfInteger(storeId).addArrayOfShort(channel)
        .addArrayOfOffsetDateTime(orderedAt).addArrayOfLocalDate(localDay).addArrayOfShort(localHour)
        .addArrayOfLong(deliveryCost).addArrayOfLong(platformFee).addArrayOfLong(discount)
        .addArrayOfLong(customerDeliveryFee).addArrayOfLong(packagingFee)
        .addArrayOfString(lineOrderNo).addArrayOfInteger(productId).addArrayOfInteger(quantity)
        .addArrayOfLong(unitPrice).addArrayOfLong(listPrice).addArrayOfLong(unitCost));
    }
    return new EncodedPart(batches, first, last);
  }
}
