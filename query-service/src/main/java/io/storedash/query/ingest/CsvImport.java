package io.storedash.query.ingest;

import io.storedash.common.Addresses;
import io.storedash.common.Failure;
import io.storedash.query.Channel;
import io.storedash.query.ingest.csv.CsvImportParser;
import io.storedash.query.ingest.csv.ImportColumn;
import io.storedash.query.ingest.csv.ImportRefused;
import io.storedash.query.ingest.csv.ImportReport;
import io.storedash.query.ingest.csv.OrderConsistency;
import io.storedash.query.ingest.csv.ParsedLine;
import io.storedash.query.ingest.csv.Rejection;
import io.storedash.query.ingest.csv.RejectionList;
import io.storedash.query.storage.Rollups;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Cursor;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One CSV import: a file fed chunk by chunk ({@link #accept}), then ended ({@link #finish}). Everything happens on
 * one connection in one transaction: valid lines are staged into a temporary table as they are parsed (on a worker
 * thread, so memory holds a chunk and a batch, never the file); at the end the lines of each order are checked
 * against each other, and if nothing is wrong the stores, products, orders and lines are upserted, the rollups of
 * the touched stores and days rebuilt and the data versions bumped before the commit. Any problem rolls everything
 * back: the database is exactly as before, and the report names every bad line.
 *
 * <p>Re-importing is idempotent with replace semantics, keyed as DESIGN §3 says: a line is identified by its
 * order_id and sku. A line already in the database takes the file's values; an order already in the database takes
 * the file's store, channel, time and fees (its lines not in the file are kept, moved with it if it moved). So
 * importing the same file twice leaves the same data, and a corrected export fixes what it corrects.
 *
 * <p>Imports take the same advisory lock as the bulk loader for their final, writing phase only: uploading and
 * parsing run concurrently, writes one at a time.
 */
public final class CsvImport {

  private static final Logger LOG = LoggerFactory.getLogger(CsvImport.class);

  /** Chunks larger than this are parsed in pieces, so a worker never holds more than a piece's text. */
  private static final int PIECE = 1024 * 1024;
  /** Rows read at a time when streaming check results. */
  private static final int CURSOR_ROWS = 2_000;

  private static final String CREATE_STAGING = """
    CREATE TEMP TABLE import_lines (
      line int4 NOT NULL, order_no text NOT NULL, store_code text, store_name text, store_key text NOT NULL,
      channel int2 NOT NULL, local_time timestamp, instant timestamptz, sku text NOT NULL, sku_derived bool NOT NULL,
      product_name text NOT NULL, category text NOT NULL, quantity int4 NOT NULL, unit_price int8 NOT NULL,
      list_price int8 NOT NULL, unit_cost int8 NOT NULL, delivery_cost int8, platform_fee int8, discount int8,
      customer_delivery_fee int8, packaging_fee int8
    ) ON COMMIT DROP""";

  private static final String STAGE = """
    INSERT INTO import_lines
    SELECT * FROM unnest($1::int4[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int2[], $7::timestamp[],
                         $8::timestamptz[], $9::text[], $10::bool[], $11::text[], $12::text[], $13::int4[], $14::int8[],
                         $15::int8[], $16::int8[], $17::int8[], $18::int8[], $19::int8[], $20::int8[], $21::int8[])""";

  // min() <> max() finds two different values in one hash aggregate (count(DISTINCT) would sort every group).
  private static final String CONFLICTING_LINES = """
    SELECT l.line, l.order_no, l.store_key, l.channel, l.local_time, l.instant, l.delivery_cost, l.platform_fee,
           l.discount, l.customer_delivery_fee, l.packaging_fee
    FROM import_lines l
    WHERE l.order_no IN (
      SELECT order_no FROM import_lines GROUP BY order_no
      HAVING min(store_key) <> max(store_key) OR min(channel) <> max(channel)
          OR min(local_time) <> max(local_time) OR min(instant) <> max(instant)
          OR (count(local_time) > 0 AND count(instant) > 0)
          OR min(delivery_cost) <> max(delivery_cost) OR min(platform_fee) <> max(platform_fee)
          OR min(discount) <> max(discount) OR min(customer_delivery_fee) <> max(customer_delivery_fee)
          OR min(packaging_fee) <> max(packaging_fee))
    ORDER BY l.order_no, l.line""";

  private static final String DUPLICATE_LINES = """
    SELECT l.line, l.order_no, l.sku, l.sku_derived, l.product_name, d.first_line
    FROM import_lines l
    JOIN (SELECT order_no, sku, min(line) AS first_line FROM import_lines GROUP BY order_no, sku HAVING count(*) > 1) d
      ON d.order_no = l.order_no AND d.sku = l.sku
    WHERE l.line <> d.first_line
    ORDER BY l.line""";

  private static final String STORE_KEYS = """
    SELECT store_key, min(store_code), (array_agg(store_name ORDER BY line) FILTER (WHERE store_name IS NOT NULL))[1],
           min(line)
    FROM import_lines GROUP BY store_key""";
  private static final String INSERT_STORES = """
    INSERT INTO stores (code, name, timezone)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
    ON CONFLICT (code) DO NOTHING
    RETURNING code""";
  private static final String STORES_BY_CODE = "SELECT id, code, name, timezone FROM stores WHERE code = ANY($1)";
  private static final String STORES_BY_NAME = "SELECT id, code, name, timezone FROM stores WHERE name = ANY($1) ORDER BY code";
  private static final String CREATE_STORE_MAP = """
    CREATE TEMP TABLE import_stores (store_key text PRIMARY KEY, store_id int4 NOT NULL, timezone text NOT NULL)
    ON COMMIT DROP""";
  private static final String FILL_STORE_MAP =
    "INSERT INTO import_stores SELECT * FROM unnest($1::text[], $2::int4[], $3::text[])";

  // An existing product keeps its name; it takes the file's category only where it had none.
  // The first line of each sku names the product: found by a hash aggregate and a hash join, not a sort of the file.
  private static final String UPSERT_PRODUCTS = """
    WITH up AS (
      INSERT INTO products (sku, name, category)
      SELECT l.sku, l.product_name, l.category
      FROM (SELECT sku, min(line) AS line FROM import_lines GROUP BY sku) f
      JOIN import_lines l ON l.line = f.line
      ON CONFLICT (sku) DO UPDATE SET category = EXCLUDED.category
        WHERE products.category = '未分类' AND EXCLUDED.category <> '未分类'
      RETURNING (xmax = 0) AS inserted)
    SELECT count(*) FILTER (WHERE inserted) FROM up""";

  // Times without an offset are store-local: they become instants with the store's zone, here, where it is known.
  private static final String CREATE_ORDERS = """
    CREATE TEMP TABLE import_orders ON COMMIT DROP AS
    SELECT order_no, store_id, channel, ordered_at, (ordered_at AT TIME ZONE timezone)::date AS local_day,
           extract(hour FROM ordered_at AT TIME ZONE timezone)::int2 AS local_hour, delivery_cost, platform_fee,
           discount, customer_delivery_fee, packaging_fee
    FROM (SELECT o.order_no, s.store_id, s.timezone, o.channel,
                 coalesce(o.instant, o.local_time AT TIME ZONE s.timezone) AS ordered_at, o.delivery_cost,
                 o.platform_fee, o.discount, o.customer_delivery_fee, o.packaging_fee
          FROM (SELECT order_no, min(store_key) AS store_key, min(channel) AS channel, min(local_time) AS local_time,
                       min(instant) AS instant, coalesce(max(delivery_cost), 0) AS delivery_cost,
                       coalesce(max(platform_fee), 0) AS platform_fee, coalesce(max(discount), 0) AS discount,
                       coalesce(max(customer_delivery_fee), 0) AS customer_delivery_fee,
                       coalesce(max(packaging_fee), 0) AS packaging_fee
                FROM import_lines GROUP BY order_no) o
          JOIN import_stores s ON s.store_key = o.store_key) x""";

  private static final String OLD_PLACES = """
    SELECT o.store_id, min(o.local_day), max(o.local_day)
    FROM orders o JOIN import_orders i ON i.order_no = o.order_no
    GROUP BY o.store_id""";

  /** The id and place of every order of the file, as the lines need them. */
  private static final String CREATE_ORDER_IDS = """
    CREATE TEMP TABLE import_order_ids (
      order_no text NOT NULL, id int8 NOT NULL, store_id int4 NOT NULL, local_day date NOT NULL, channel int2 NOT NULL,
      local_hour int2 NOT NULL, moved bool NOT NULL
    ) ON COMMIT DROP""";

  private static final String UPSERT_ORDERS = """
    WITH up AS (
      INSERT INTO orders (order_no, store_id, channel, ordered_at, local_day, local_hour, delivery_cost, platform_fee,
                          discount, customer_delivery_fee, packaging_fee)
      SELECT order_no, store_id, channel, ordered_at, local_day, local_hour, delivery_cost, platform_fee, discount,
             customer_delivery_fee, packaging_fee
      FROM import_orders
      ON CONFLICT (order_no) DO UPDATE SET store_id = EXCLUDED.store_id, channel = EXCLUDED.channel,
        ordered_at = EXCLUDED.ordered_at, local_day = EXCLUDED.local_day, local_hour = EXCLUDED.local_hour,
        delivery_cost = EXCLUDED.delivery_cost, platform_fee = EXCLUDED.platform_fee, discount = EXCLUDED.discount,
        customer_delivery_fee = EXCLUDED.customer_delivery_fee, packaging_fee = EXCLUDED.packaging_fee
      WHERE (orders.store_id, orders.channel, orders.ordered_at, orders.delivery_cost, orders.platform_fee,
             orders.discount, orders.customer_delivery_fee, orders.packaging_fee)
            IS DISTINCT FROM (EXCLUDED.store_id, EXCLUDED.channel, EXCLUDED.ordered_at, EXCLUDED.delivery_cost,
             EXCLUDED.platform_fee, EXCLUDED.discount, EXCLUDED.customer_delivery_fee, EXCLUDED.packaging_fee)
      RETURNING id, order_no, store_id, local_day, channel, local_hour, (xmax = 0) AS inserted),
    saved AS (INSERT INTO import_order_ids SELECT order_no, id, store_id, local_day, channel, local_hour, NOT inserted FROM up)
    SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up""";

  // Orders the upsert did not touch (already equal) are the only ones looked up: none on a first import.
  private static final String UNCHANGED_ORDER_IDS = """
    INSERT INTO import_order_ids
    SELECT o.order_no, o.id, o.store_id, o.local_day, o.channel, o.local_hour, false
    FROM import_orders i JOIN orders o ON o.order_no = i.order_no
    WHERE NOT EXISTS (SELECT 1 FROM import_order_ids x WHERE x.order_no = i.order_no)""";

  private static final String UPSERT_LINES = """
    WITH up AS (
      INSERT INTO order_lines (order_id, unit_price, list_price, unit_cost, product_id, store_id, local_day, quantity,
                               channel, local_hour)
      SELECT i.id, l.unit_price, l.list_price, l.unit_cost, p.id, i.store_id, i.local_day, l.quantity, i.channel,
             i.local_hour
      FROM import_lines l
      JOIN import_order_ids i ON i.order_no = l.order_no
      JOIN products p ON p.sku = l.sku
      ON CONFLICT (order_id, product_id) DO UPDATE SET unit_price = EXCLUDED.unit_price,
        list_price = EXCLUDED.list_price, unit_cost = EXCLUDED.unit_cost, quantity = EXCLUDED.quantity,
        store_id = EXCLUDED.store_id, local_day = EXCLUDED.local_day, channel = EXCLUDED.channel,
        local_hour = EXCLUDED.local_hour
      WHERE (order_lines.unit_price, order_lines.list_price, order_lines.unit_cost, order_lines.quantity,
             order_lines.store_id, order_lines.local_day, order_lines.channel, order_lines.local_hour)
            IS DISTINCT FROM (EXCLUDED.unit_price, EXCLUDED.list_price, EXCLUDED.unit_cost, EXCLUDED.quantity,
             EXCLUDED.store_id, EXCLUDED.local_day, EXCLUDED.channel, EXCLUDED.local_hour)
      RETURNING (xmax = 0) AS inserted)
    SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up""";

  // Lines of a moved order that the file does not list follow their order.
  private static final String MOVE_OTHER_LINES = """
    UPDATE order_lines l SET store_id = o.store_id, local_day = o.local_day, channel = o.channel, local_hour = o.local_hour
    FROM import_order_ids m JOIN orders o ON o.id = m.id
    WHERE m.moved AND l.order_id = o.id
      AND (l.store_id, l.local_day, l.channel, l.local_hour) IS DISTINCT FROM (o.store_id, o.local_day, o.channel, o.local_hour)""";

  private static final String NEW_DAYS = "SELECT min(local_day), max(local_day), count(*) FROM import_orders";
  private static final String STORE_CODES = "SELECT code FROM stores WHERE id = ANY($1) ORDER BY code";

  private final Vertx vertx;
  private final SqlConnection conn;
  private final Transaction tx;
  private final String file;
  private final ZoneId defaultZone;
  private final CsvImportParser parser;
  private final long started = System.nanoTime();
  private final RejectionList rejections;
  /** When each phase ended, for the log: the file staged, the lines checked, the data written. */
  private long stagedAt;
  private long checkedAt;
  private long writtenAt;
  /** Milliseconds of each writing step, for the log. */
  private final Map<String, Long> steps = new java.util.LinkedHashMap<>();
  /** The staging of the previous chunk's lines, still running while the next chunk is received and parsed. */
  private Future<Void> staging = Future.succeededFuture();
  private boolean closed;

  private CsvImport(Vertx vertx, SqlConnection conn, Transaction tx, String file, ZoneId defaultZone, long maxBytes) {
    this.vertx = vertx;
    this.conn = conn;
    this.tx = tx;
    this.file = file;
    this.defaultZone = defaultZone;
    this.parser = new CsvImportParser(maxBytes);
    this.rejections = parser.rejections();
  }

  /**
   * Takes a connection from {@code pool}, begins the transaction and creates the staging table.
   *
   * @param file        a display name for the report and the logs
   * @param defaultZone the zone of stores the file creates
   */
  public static Future<CsvImport> open(Vertx vertx, Pool pool, String file, ZoneId defaultZone, long maxBytes) {
    return pool.getConnection().compose(conn -> conn.begin()
      .compose(tx -> conn.query(CREATE_STAGING).execute()
        .map(v -> new CsvImport(vertx, conn, tx, file, defaultZone, maxBytes)))
      .onFailure(e -> conn.close()));
  }

  public String file() {
    return file;
  }

  /** Bytes received so far. */
  public long bytes() {
    return parser.bytes();
  }

  /** Lines read so far. */
  public long lines() {
    return parser.lines();
  }

  /**
   * Parses a chunk and starts staging its complete batches. Call one at a time, in file order. Completes when the
   * chunk is parsed and the staging of the chunk before has finished: one chunk's lines are written to PostgreSQL
   * while the next is received and parsed, and no more than that is ever waiting. Fails with an
   * {@link ImportFailure} (400, 413) when the file cannot be imported at all; the import is then rolled back.
   */
  public Future<Void> accept(Buffer chunk) {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("the import of " + file + " is closed"));
    }
    Future<List<List<ParsedLine>>> parsed = Future.succeededFuture(new ArrayList<>());
    for (int from = 0; from < chunk.length(); from += PIECE) {
      byte[] piece = chunk.getBytes(from, Math.min(chunk.length(), from + PIECE));
      parsed = parsed.compose(batches -> vertx.executeBlocking(() -> {
        parser.feed(piece);
        batches.addAll(parser.takeBatches());
        return batches;
      }));
    }
    return parsed.compose(batches -> {
      Future<Void> previous = staging;
      staging = previous.compose(v -> stage(batches));
      return previous;
    }).recover(this::fail);
  }

  /**
   * Ends the file. Completes with the report after the commit (and publishes {@code data changed}); fails with an
   * {@link ImportFailure} (400, 413, 422) after the rollback when anything is wrong.
   */
  public Future<ImportReport> finish() {
    if (closed) {
      return Future.failedFuture(new IllegalStateException("the import of " + file + " is closed"));
    }
    return vertx.executeBlocking(() -> {
        parser.finish();
        return parser.takeBatches();
      })
      .compose(batches -> staging.compose(v -> stage(batches)))
      .andThen(v -> stagedAt = System.nanoTime())
      .compose(v -> conn.query("ANALYZE import_lines").execute())
      .compose(v -> checkOrders())
      .compose(v -> checkDuplicates())
      .andThen(v -> checkedAt = System.nanoTime())
      .compose(v -> rejections.isEmpty() ? write() : Future.failedFuture(rejected()))
      .andThen(v -> writtenAt = System.nanoTime())
      .compose(this::commit)
      .recover(this::fail);
  }

  /** Rolls back and gives the connection back. */
  public Future<Void> abort() {
    if (closed) {
      return Future.succeededFuture();
    }
    closed = true;
    return tx.rollback().eventually(conn::close).otherwiseEmpty().mapEmpty();
  }

  private Future<Void> stage(List<List<ParsedLine>> batches) {
    Future<Void> done = Future.succeededFuture();
    for (List<ParsedLine> batch : batches) {
      done = done.compose(v -> conn.preparedQuery(STAGE).execute(stagingArguments(batch)).mapEmpty());
    }
    return done;
  }

  private static Tuple stagingArguments(List<ParsedLine> batch) {
    int n = batch.size();
    Integer[] line = new Integer[n];
    String[] orderNo = new String[n];
    String[] storeCode = new String[n];
    String[] storeName = new String[n];
    String[] storeKey = new String[n];
    Short[] channel = new Short[n];
    LocalDateTime[] localTime = new LocalDateTime[n];
    OffsetDateTime[] instant = new OffsetDateTime[n];
    String[] sku = new String[n];
    Boolean[] skuDerived = new Boolean[n];
    String[] productName = new String[n];
    String[] category = new String[n];
    Integer[] quantity = new Integer[n];
    Long[] unitPrice = new Long[n];
    Long[] listPrice = new Long[n];
    Long[] unitCost = new Long[n];
    Long[] deliveryCost = new Long[n];
    Long[] platformFee = new Long[n];
    Long[] discount = new Long[n];
    Long[] customerDeliveryFee = new Long[n];
    Long[] packagingFee = new Long[n];
    for (int i = 0; i < n; i++) {
      ParsedLine l = batch.get(i);
      line[i] = l.line();
      orderNo[i] = l.orderNo();
      storeCode[i] = l.storeCode();
      storeName[i] = l.storeName();
      storeKey[i] = l.storeKey();
      channel[i] = l.channel().id();
      localTime[i] = l.localTime();
      instant[i] = l.instant();
      sku[i] = l.sku();
      skuDerived[i] = l.skuDerived();
      productName[i] = l.productName();
      category[i] = l.category();
      quantity[i] = l.quantity();
      unitPrice[i] = l.unitPrice();
      listPrice[i] = l.listPrice();
      unitCost[i] = l.unitCost();
      deliveryCost[i] = l.deliveryCost();
      platformFee[i] = l.platformFee();
      discount[i] = l.discount();
      customerDeliveryFee[i] = l.customerDeliveryFee();
      packagingFee[i] = l.packagingFee();
    }
    return Tuple.tuple()
      .addArrayOfInteger(line).addArrayOfString(orderNo).addArrayOfString(storeCode).addArrayOfString(storeName)
      .addArrayOfString(storeKey).addArrayOfShort(channel).addArrayOfLocalDateTime(localTime)
      .addArrayOfOffsetDateTime(instant).addArrayOfString(sku).addArrayOfBoolean(skuDerived)
      .addArrayOfString(productName).addArrayOfString(category).addArrayOfInteger(quantity)
      .addArrayOfLong(unitPrice).addArrayOfLong(listPrice).addArrayOfLong(unitCost).addArrayOfLong(deliveryCost)
      .addArrayOfLong(platformFee).addArrayOfLong(discount).addArrayOfLong(customerDeliveryFee)
      .addArrayOfLong(packagingFee);
  }

  /** The lines of each order against each other: one store, channel and time, equal order-level fees. */
  private Future<Void> checkOrders() {
    String storeColumn = parser.header() != null && !parser.header().has(ImportColumn.STORE_CODE)
      ? ImportColumn.STORE_NAME.english() : ImportColumn.STORE_CODE.english();
    OrderConsistency consistency = new OrderConsistency(storeColumn, rejections);
    return stream(CONFLICTING_LINES, row -> consistency.accept(new OrderConsistency.OrderValues(row.getInteger(0),
      row.getString(1), row.getString(2), Channel.ofId(row.getShort(3)), row.getLocalDateTime(4),
      row.getOffsetDateTime(5), new Long[] {row.getLong(6), row.getLong(7), row.getLong(8), row.getLong(9), row.getLong(10)})));
  }

  /** Two lines with the same order_id and sku: the key of a line, so one of them would silently replace the other. */
  private Future<Void> checkDuplicates() {
    return stream(DUPLICATE_LINES, row -> {
      boolean derived = row.getBoolean(3);
      String what = derived ? "product '" + row.getString(4) + "'" : "sku " + row.getString(2);
      rejections.add(new Rejection(row.getInteger(0), derived ? ImportColumn.PRODUCT_NAME.english() : ImportColumn.SKU.english(),
        "order " + row.getString(1) + " lists " + what + " again (first on line " + row.getInteger(5)
          + "); order_id and sku identify a line: merge the two lines into one"));
    });
  }

  /** Reads a query's rows through a cursor, a few thousand at a time. */
  private Future<Void> stream(String sql, Consumer<Row> each) {
    return conn.prepare(sql).compose(statement -> {
      Cursor cursor = statement.cursor();
      Promise<Void> done = Promise.promise();
      readAll(cursor, each, done);
      return done.future().eventually(() -> cursor.close().eventually(statement::close));
    });
  }

  private void readAll(Cursor cursor, Consumer<Row> each, Promise<Void> done) {
    cursor.read(CURSOR_ROWS).onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
        return;
      }
      RowSet<Row> rows = ar.result();
      try {
        rows.forEach(each);
      } catch (RuntimeException e) {
        done.fail(e);
        return;
      }
      if (cursor.hasMore()) {
        readAll(cursor, each, done);
      } else {
        done.complete();
      }
    });
  }

  private ImportFailure rejected() {
    return new ImportFailure(Failure.UNPROCESSABLE.code(), refusedReport(ImportReport.rejectedDetail(rejections.total())));
  }

  private ImportReport refusedReport(String detail) {
    return ImportReport.refused(file, detail, parser.encoding(), parser.convertedFromGbk(), parser.lines(),
      parser.header() == null ? List.of() : parser.header().ignored(), millis(), rejections);
  }

  /** What the writing phase did, for the report and the event. */
  private record Written(List<String> stores, List<String> newStores, long newProducts, long orders, long newOrders,
                         long updatedOrders, long newLines, long updatedLines, long version, List<String> changedStores) {
  }

  private Future<Written> write() {
    WriteRun run = new WriteRun();
    return conn.query("SELECT pg_advisory_xact_lock(" + BulkLoader.LOAD_LOCK + ")").execute()
      .compose(v -> conn.query("SET LOCAL work_mem = '128MB'").execute())
      .compose(v -> run.stores())
      .compose(v -> rejections.isEmpty() ? run.rest() : Future.failedFuture(rejected()));
  }

  /** The writing phase's state. */
  private final class WriteRun {
    private final List<String> fileStores = new ArrayList<>();
    private final List<String> newStores = new ArrayList<>();
    private final Set<Integer> touched = new LinkedHashSet<>();
    private LocalDate first;
    private LocalDate last;
    private long orders;
    private long newProducts;
    private long newOrders;
    private long updatedOrders;
    private long newLines;
    private long updatedLines;

    /** Finds or creates every store the file names, and maps the file's store keys to them. */
    Future<Void> stores() {
      return conn.query(STORE_KEYS).execute().compose(rows -> {
        List<String[]> byCode = new ArrayList<>();
        List<String[]> byName = new ArrayList<>();
        Map<String, Integer> firstLine = new HashMap<>();
        for (Row row : rows) {
          String key = row.getString(0);
          String code = row.getString(1);
          String name = row.getString(2);
          firstLine.put(key, row.getInteger(3));
          if (code != null) {
            byCode.add(new String[] {key, code, name == null ? code : name});
          } else {
            byName.add(new String[] {key, name});
          }
        }
        Map<String, Object[]> mapping = new HashMap<>();
        return byCode(byCode, mapping)
          .compose(v -> byName(byName, firstLine, mapping))
          .compose(v -> conn.query(CREATE_STORE_MAP).execute())
          .compose(v -> {
            List<String> keys = new ArrayList<>(mapping.keySet());
            Tuple args = Tuple.tuple()
              .addArrayOfString(keys.toArray(String[]::new))
              .addArrayOfInteger(keys.stream().map(k -> (Integer) mapping.get(k)[0]).toArray(Integer[]::new))
              .addArrayOfString(keys.stream().map(k -> (String) mapping.get(k)[1]).toArray(String[]::new));
            keys.forEach(k -> fileStores.add((String) mapping.get(k)[2]));
            mapping.values().forEach(v2 -> touched.add((Integer) v2[0]));
            return conn.preparedQuery(FILL_STORE_MAP).execute(args).mapEmpty();
          });
      });
    }

    private Future<Void> byCode(List<String[]> stores, Map<String, Object[]> mapping) {
      if (stores.isEmpty()) {
        return Future.succeededFuture();
      }
      String[] codes = stores.stream().map(s -> s[1]).toArray(String[]::new);
      Tuple insert = Tuple.tuple().addArrayOfString(codes)
        .addArrayOfString(stores.stream().map(s -> s[2]).toArray(String[]::new))
        .addArrayOfString(stores.stream().map(s -> defaultZone.getId()).toArray(String[]::new));
      return conn.preparedQuery(INSERT_STORES).execute(insert)
        .compose(created -> {
          created.forEach(row -> newStores.add(row.getString(0)));
          return conn.preparedQuery(STORES_BY_CODE).execute(Tuple.tuple().addArrayOfString(codes));
        })
        .map(rows -> {
          for (Row row : rows) {
            mapping.put(row.getString(1), new Object[] {row.getInteger(0), row.getString(3), row.getString(1)});
          }
          return null;
        });
    }

    /**
     * Stores named by name only: the one store with that name; a new store (code {@code N-} + a hash of the name)
     * when there is none; a rejection when several stores share the name.
     */
    private Future<Void> byName(List<String[]> stores, Map<String, Integer> firstLine, Map<String, Object[]> mapping) {
      if (stores.isEmpty()) {
        return Future.succeededFuture();
      }
      String[] names = stores.stream().map(s -> s[1]).toArray(String[]::new);
      return conn.preparedQuery(STORES_BY_NAME).execute(Tuple.tuple().addArrayOfString(names)).compose(rows -> {
        Map<String, List<Row>> found = new HashMap<>();
        rows.forEach(row -> found.computeIfAbsent(row.getString(2), n -> new ArrayList<>()).add(row));
        List<String[]> missing = new ArrayList<>();
        for (String[] store : stores) {
          List<Row> matches = found.getOrDefault(store[1], List.of());
          if (matches.size() == 1) {
            Row row = matches.get(0);
            mapping.put(store[0], new Object[] {row.getInteger(0), row.getString(3), row.getString(1)});
          } else if (matches.isEmpty()) {
            missing.add(new String[] {store[0], codeForName(store[1]), store[1]});
          } else {
            rejections.add(new Rejection(firstLine.get(store[0]), ImportColumn.STORE_NAME.english(), "store name '"
              + store[1] + "' belongs to several stores (" + String.join(", ", matches.stream().map(r -> r.getString(1)).toList())
              + "): add the column " + ImportColumn.STORE_CODE.bothNames() + " to say which"));
          }
        }
        if (missing.isEmpty()) {
          return Future.succeededFuture();
        }
        Map<String, Object[]> created = new HashMap<>();
        return byCode(missing, created).map(v -> {
          for (String[] store : missing) {
            mapping.put(store[0], created.get(store[1]));
          }
          return null;
        });
      });
    }

    Future<Written> rest() {
      return timed("products", () -> conn.query(UPSERT_PRODUCTS).execute())
        .compose(rows -> {
          newProducts = rows.iterator().next().getLong(0);
          return timed("orders staged", () -> conn.query(CREATE_ORDERS).execute()
            .compose(v -> conn.query("ANALYZE import_orders").execute()));
        })
        .compose(v -> timed("old places", () -> conn.query(OLD_PLACES).execute()))
        .compose(rows -> {
          for (Row row : rows) {
            touched.add(row.getInteger(0));
            widen(row.getLocalDate(1), row.getLocalDate(2));
          }
          return conn.query(NEW_DAYS).execute();
        })
        .compose(rows -> {
          Row row = rows.iterator().next();
          widen(row.getLocalDate(0), row.getLocalDate(1));
          orders = row.getLong(2);
          return conn.query(CREATE_ORDER_IDS).execute();
        })
        .compose(v -> timed("orders", () -> conn.query(UPSERT_ORDERS).execute()))
        .compose(rows -> {
          Row row = rows.iterator().next();
          newOrders = row.getLong(0);
          updatedOrders = row.getLong(1);
          // When the upsert returned every order (a file of new or changed orders), there is nothing to look up.
          Future<?> lookup = newOrders + updatedOrders == orders ? Future.succeededFuture()
            : timed("unchanged order ids", () -> conn.query(UNCHANGED_ORDER_IDS).execute());
          return lookup.compose(v -> conn.query("ANALYZE import_order_ids").execute());
        })
        .compose(v -> timed("lines", () -> conn.query(UPSERT_LINES).execute()))
        .compose(rows -> {
          Row row = rows.iterator().next();
          newLines = row.getLong(0);
          updatedLines = row.getLong(1);
          return timed("moved lines", () -> conn.query(MOVE_OTHER_LINES).execute());
        })
        .compose(v -> {
          Integer[] ids = touched.toArray(Integer[]::new);
          return timed("rollups", () -> Rollups.refresh(conn, ids, first, last))
            .compose(r -> Rollups.bumpVersions(conn, ids))
            .compose(version -> conn.preparedQuery(STORE_CODES).execute(Tuple.tuple().addArrayOfInteger(ids))
              .map(codes -> {
                List<String> changed = new ArrayList<>();
                codes.forEach(c -> changed.add(c.getString(0)));
                return new Written(List.copyOf(new TreeSet<>(fileStores)), List.copyOf(new TreeSet<>(newStores)),
                  newProducts, orders, newOrders, updatedOrders, newLines, updatedLines, version, changed);
              }));
        });
    }

    private <T> Future<T> timed(String step, java.util.function.Supplier<Future<T>> work) {
      long begun = System.nanoTime();
      return work.get().andThen(ar -> steps.put(step, ms(begun, System.nanoTime())));
    }

    private void widen(LocalDate from, LocalDate to) {
      if (from != null && (first == null || from.isBefore(first))) {
        first = from;
      }
      if (to != null && (last == null || to.isAfter(last))) {
        last = to;
      }
    }
  }

  private Future<ImportReport> commit(Written written) {
    closed = true;
    return tx.commit().eventually(conn::close).map(v -> {
      ImportReport report = new ImportReport(file, true, "imported " + parser.lines() + " lines of " + written.orders()
        + " orders", parser.encoding(), parser.convertedFromGbk(), parser.lines(), written.orders(), written.stores(),
        written.newStores(), written.newProducts(), written.newOrders(), written.updatedOrders(), written.newLines(),
        written.updatedLines(), parser.header().ignored(), written.version(), millis(), List.of(), 0);
      LOG.info("imported {}: {} lines, {} orders ({} new, {} updated), stores {}, {} ms (received and staged {}, "
          + "checked {}, written {} {}, committed {}), encoding {}, data version {}",
        file, report.lines(), report.orders(), report.newOrders(), report.updatedOrders(), report.stores(), report.millis(),
        ms(started, stagedAt), ms(stagedAt, checkedAt), ms(checkedAt, writtenAt), steps, ms(writtenAt, System.nanoTime()),
        report.encoding(), report.version());
      vertx.eventBus().publish(Addresses.DATA_CHANGED, new JsonObject()
        .put("stores", new JsonArray(List.copyOf(written.changedStores()))).put("version", written.version()));
      return report;
    });
  }

  /** Rolls back, then fails with what the importer should be told. */
  private <T> Future<T> fail(Throwable cause) {
    Throwable failure = cause;
    if (cause instanceof ImportRefused refused) {
      rejections.add(new Rejection(refused.line() > 0 ? refused.line() : parser.currentLine(), null, refused.getMessage()));
      failure = new ImportFailure(refused.code(), refusedReport("nothing was imported: " + refused.getMessage()));
    }
    Throwable result = failure;
    if (result instanceof ImportFailure f) {
      LOG.info("import of {} refused ({}): {}", file, f.code(), f.getMessage());
    }
    return abort().transform(v -> Future.failedFuture(result));
  }

  private static long ms(long from, long to) {
    return TimeUnit.NANOSECONDS.toMillis(to - from);
  }

  private long millis() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
  }

  /** The code a store gets when a file names it only by name: N- and 10 hex digits of the name's SHA-256. */
  static String codeForName(String name) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(name.strip().getBytes(StandardCharsets.UTF_8));
      return "N-" + HexFormat.of().withUpperCase().formatHex(hash, 0, 5);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
