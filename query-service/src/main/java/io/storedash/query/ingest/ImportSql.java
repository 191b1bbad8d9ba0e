package io.storedash.query.ingest;

import io.storedash.query.ingest.csv.ImportColumn;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The SQL of an import ({@link CsvImport}, {@link ImportWrite}), in the order the import runs it: the checks of the
 * staged lines ({@link ImportStaging}) against each other and against the stored data, and the writes of stores,
 * channels, products, orders and lines. Temporary tables live for the import's transaction only.
 */
final class ImportSql {

  private ImportSql() {
  }

  /** Most lines one order may have: far above a real basket, and within the smallint of a line number. */
  static final int MAX_ORDER_LINES = 10_000;

  /** The order-level money as staged, in {@link ImportColumn#ORDER_MONEY} order. */
  static final List<String> ORDER_MONEY = ImportColumn.ORDER_MONEY.stream().map(ImportStaging::orderMoneyColumn).toList();

  // min() <> max() finds two different values in one hash aggregate (count(DISTINCT) would sort every group).
  static final String CONFLICTING_LINES = "SELECT l.line, l.order_no, l.store_key, l.channel, l.local_time, l.instant, "
    + ORDER_MONEY.stream().map(c -> "l." + c).collect(Collectors.joining(", "))
    + " FROM import_lines l WHERE l.order_no IN (SELECT order_no FROM import_lines GROUP BY order_no"
    + " HAVING min(store_key) <> max(store_key) OR min(channel) <> max(channel)"
    + " OR min(local_time) <> max(local_time) OR min(instant) <> max(instant)"
    + " OR (count(local_time) > 0 AND count(instant) > 0) OR "
    + ORDER_MONEY.stream().map(c -> "min(" + c + ") <> max(" + c + ")").collect(Collectors.joining(" OR "))
    + ") ORDER BY l.order_no, l.line";

  static final String LONG_ORDERS = "SELECT min(line), order_no, count(*) FROM import_lines GROUP BY order_no"
    + " HAVING count(*) > " + MAX_ORDER_LINES + " ORDER BY 1";

  /** Each store of the file, with the name and city of its newest order (a store renamed within the file takes the new name). */
  static final String STORE_KEYS = """
    SELECT store_key, min(store_code), min(store_ext),
           (array_agg(store_name ORDER BY coalesce(instant, local_time AT TIME ZONE 'UTC') DESC, line DESC)
              FILTER (WHERE store_name IS NOT NULL))[1], min(line),
           (array_agg(city ORDER BY coalesce(instant, local_time AT TIME ZONE 'UTC') DESC, line DESC)
              FILTER (WHERE city IS NOT NULL))[1],
           max(coalesce(local_time::date, (instant AT TIME ZONE 'UTC')::date))
    FROM import_lines GROUP BY store_key""";
  static final String INSERT_STORES = """
    INSERT INTO stores (code, name, timezone, city, external_id)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
    ON CONFLICT (code) DO NOTHING
    RETURNING code""";
  static final String STORES_BY_CODE = "SELECT id, code, name, timezone FROM stores WHERE code = ANY($1)";
  static final String STORES_BY_EXTERNAL_ID = "SELECT id, code, name, timezone, external_id FROM stores WHERE external_id = ANY($1)";
  /** Stores of earlier imports that knew a store by its name only: an export with its 门店ID adopts them. */
  static final String STORES_WITHOUT_ID_BY_NAME = """
    SELECT id, code, name, timezone FROM stores WHERE external_id IS NULL AND name = ANY($1) ORDER BY code""";
  static final String ADOPT_EXTERNAL_ID = "UPDATE stores SET external_id = $2 WHERE id = $1";
  /**
   * A store known by its 门店ID keeps its code and history; it takes the file's newest name and city, unless the file's
   * newest order is older than the store's newest day (an old export imported again does not undo a rename).
   */
  static final String RENAME_STORES = """
    UPDATE stores s SET name = coalesce(f.name, s.name), city = coalesce(f.city, s.city)
    FROM unnest($1::int4[], $2::text[], $3::text[], $4::date[]) AS f(id, name, city, newest_day)
    WHERE s.id = f.id AND (s.last_day IS NULL OR f.newest_day >= s.last_day)
      AND (s.name, s.city) IS DISTINCT FROM (coalesce(f.name, s.name), coalesce(f.city, s.city))""";
  static final String CODES_TAKEN = "SELECT lower(code) FROM stores WHERE lower(code) = ANY($1)";
  /** Existing stores whose code equals one of the file's but for case: codes are compared case-insensitively. */
  static final String CODES_BUT_FOR_CASE = """
    SELECT f.code, s.code
    FROM unnest($1::text[]) AS f(code) JOIN stores s ON lower(s.code) = lower(f.code) AND s.code <> f.code""";
  static final String STORES_BY_NAME = "SELECT id, code, name, timezone FROM stores WHERE name = ANY($1) ORDER BY code";
  static final String CREATE_STORE_MAP = """
    CREATE TEMP TABLE import_stores (store_key text PRIMARY KEY, store_id int4 NOT NULL, timezone text NOT NULL)
    ON COMMIT DROP""";
  static final String FILL_STORE_MAP =
    "INSERT INTO import_stores SELECT * FROM unnest($1::text[], $2::int4[], $3::text[])";

  static final String FILE_CHANNELS = "SELECT channel, min(line) FROM import_lines GROUP BY channel ORDER BY 2";
  static final String CREATE_CHANNEL_MAP = "CREATE TEMP TABLE import_channels (name text PRIMARY KEY, id int2 NOT NULL) ON COMMIT DROP";
  static final String FILL_CHANNEL_MAP = "INSERT INTO import_channels SELECT * FROM unnest($1::text[], $2::int2[])";

  // An existing product keeps its name; it takes the file's category only where it had none.
  // The first line of each sku names the product: found by a hash aggregate and a hash join, not a sort of the file.
  static final String UPSERT_PRODUCTS = """
    WITH up AS (
      INSERT INTO products (sku, name, category, barcode, subcategory)
      SELECT l.sku, l.product_name, l.category, l.barcode, l.subcategory
      FROM (SELECT sku, min(line) AS line FROM import_lines GROUP BY sku) f
      JOIN import_lines l ON l.line = f.line
      ON CONFLICT (sku) DO UPDATE SET category = EXCLUDED.category, subcategory = EXCLUDED.subcategory
        WHERE products.category = '未分类' AND EXCLUDED.category <> '未分类'
      RETURNING (xmax = 0) AS inserted)
    SELECT count(*) FILTER (WHERE inserted) FROM up""";

  /** The columns of an order that an import writes, in {@code import_orders} and {@code orders} alike. */
  static final List<String> ORDER_COLUMNS = List.of("store_id", "channel", "ordered_at", "local_day", "local_hour",
    "order_code", "distance_m", "delivery_platform", "delivery_cost", "commission", "customer_delivery_fee",
    "delivery_fee_discount", "full_reduction", "product_discount", "new_customer_discount", "merchant_voucher",
    "merchant_coupon", "gift_amount", "other_discount", "packaging_fee", "service_fee", "lines", "items", "revenue",
    "cost", "gross_profit", "consumables_cost", "rebate", "expected_income", "list_gmv", "gmv_order", "valid");

  // Times without an offset are store-local: they become instants with the store's zone, here, where it is known.
  // An order's service fee is the sum of its lines' (the export), or the order-level value of StoreDash's layout.
  static final String CREATE_ORDERS = "CREATE TEMP TABLE import_orders ON COMMIT DROP AS SELECT order_no, "
    + String.join(", ", ORDER_COLUMNS) + " FROM (SELECT x.*, (ordered_at AT TIME ZONE timezone)::date AS local_day,"
    + " extract(hour FROM ordered_at AT TIME ZONE timezone)::int2 AS local_hour,"
    + " NOT (charges_fee AND service_fee <= 0) AS valid"
    + " FROM (SELECT o.*, s.store_id, s.timezone, ch.id AS channel, c.charges_fee,"
    + " coalesce(o.instant, o.local_time AT TIME ZONE s.timezone) AS ordered_at"
    + " FROM (SELECT order_no, min(store_key) AS store_key, min(channel) AS channel_name, min(local_time) AS local_time,"
    + " min(instant) AS instant, min(order_code) AS order_code, min(distance_m) AS distance_m,"
    + " min(delivery_platform) AS delivery_platform, "
    + ImportColumn.ORDER_MONEY.stream().filter(c -> c != ImportColumn.ORDER_SERVICE_FEE)
    .map(c -> "coalesce(max(" + ImportStaging.orderMoneyColumn(c) + "), 0) AS " + ImportStaging.orderMoneyColumn(c))
    .collect(Collectors.joining(", "))
    + ", coalesce(max(order_service_fee), sum(service_fee)) AS service_fee, count(*) AS lines,"
    + " sum(greatest(quantity, 0)) AS items, sum(quantity::int8 * unit_price) AS revenue, sum(cost) AS cost,"
    + " sum(gross_profit) AS gross_profit, coalesce(sum(cost) FILTER (WHERE consumable), 0) AS consumables_cost,"
    + " sum(rebate) AS rebate, sum(expected_income) AS expected_income,"
    + " coalesce(sum(quantity::int8 * list_price) FILTER (WHERE quantity > 0 AND list_price > 0), 0) AS list_gmv,"
    + " coalesce(bool_or(quantity > 0 AND list_price > 0), false) AS gmv_order"
    + " FROM import_lines GROUP BY order_no) o"
    + " JOIN import_stores s ON s.store_key = o.store_key"
    + " JOIN import_channels ch ON ch.name = o.channel_name"
    + " JOIN channels c ON c.id = ch.id) x) y";

  /** Lines of orders that another store already holds: an order belongs to one store and never moves. */
  static final String ORDERS_OF_OTHER_STORES = """
    SELECT l.line, l.order_no, held.code, held.name, here.code
    FROM import_orders i
    JOIN orders o ON o.order_no = i.order_no AND o.store_id <> i.store_id
    JOIN stores held ON held.id = o.store_id
    JOIN stores here ON here.id = i.store_id
    JOIN import_lines l ON l.order_no = i.order_no
    ORDER BY l.line""";

  /**
   * Store-days whose totals, with this file's orders in, pass the limit of one store-day ({@link
   * io.storedash.query.ingest.csv.LineParser#MAX_CENTS}), with the file's first line on that store-day — or, for a day
   * that passes it because the file moved an order (with a negative amount) away from it, the file's first line of
   * that store.
   */
  static final String STORE_DAYS_OVER_LIMIT = """
    SELECT coalesce((SELECT min(l.line) FROM import_order_ids i JOIN import_lines l ON l.order_no = i.order_no
                     WHERE i.store_id = d.store_id AND i.local_day = d.day),
                    (SELECT min(l.line) FROM import_order_ids i JOIN import_lines l ON l.order_no = i.order_no
                     WHERE i.store_id = d.store_id),
                    (SELECT min(line) FROM import_lines)), s.code, d.day, x.name, x.total
    FROM daily_store d
    JOIN stores s ON s.id = d.store_id
    CROSS JOIN LATERAL (VALUES ('revenue', d.revenue), ('GMV', d.gmv), ('cost', d.cost),
                               ('gross profit', d.gross_profit), ('marketing', d.marketing),
                               ('delivery cost', d.delivery_cost), ('service fee', d.service_fee),
                               ('customer delivery fee', d.customer_delivery_fee), ('rebate', d.rebate),
                               ('commission', d.commission), ('expected income', d.expected_income)) AS x(name, total)
    WHERE d.store_id = ANY($1) AND d.day BETWEEN $2 AND $3 AND abs(x.total) > $4
    ORDER BY 1, x.name""";

  static final String OLD_PLACES = """
    SELECT o.store_id, min(o.local_day), max(o.local_day)
    FROM orders o JOIN import_orders i ON i.order_no = o.order_no
    GROUP BY o.store_id""";

  /** The id and place of every order of the file, as the lines need them. */
  static final String CREATE_ORDER_IDS = """
    CREATE TEMP TABLE import_order_ids (
      order_no text NOT NULL, id int8 NOT NULL, store_id int4 NOT NULL, local_day date NOT NULL, channel int2 NOT NULL,
      local_hour int2 NOT NULL, valid bool NOT NULL, inserted bool NOT NULL, changed bool NOT NULL
    ) ON COMMIT DROP""";

  static final String UPSERT_ORDERS = "WITH up AS (INSERT INTO orders (order_no, " + String.join(", ", ORDER_COLUMNS)
    + ") SELECT order_no, " + String.join(", ", ORDER_COLUMNS) + " FROM import_orders ON CONFLICT (order_no) DO UPDATE SET "
    + ORDER_COLUMNS.stream().map(c -> c + " = EXCLUDED." + c).collect(Collectors.joining(", "))
    + " WHERE (" + ORDER_COLUMNS.stream().map(c -> "orders." + c).collect(Collectors.joining(", "))
    + ") IS DISTINCT FROM (" + ORDER_COLUMNS.stream().map(c -> "EXCLUDED." + c).collect(Collectors.joining(", "))
    + ") RETURNING id, order_no, store_id, local_day, channel, local_hour, valid, (xmax = 0) AS inserted),"
    + " saved AS (INSERT INTO import_order_ids SELECT order_no, id, store_id, local_day, channel, local_hour, valid, inserted, true FROM up)"
    + " SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM up";

  // Orders the upsert did not touch (already equal) are the only ones looked up: none on a first import.
  static final String UNCHANGED_ORDER_IDS = """
    INSERT INTO import_order_ids
    SELECT o.order_no, o.id, o.store_id, o.local_day, o.channel, o.local_hour, o.valid, false, false
    FROM import_orders i JOIN orders o ON o.order_no = i.order_no
    WHERE NOT EXISTS (SELECT 1 FROM import_order_ids x WHERE x.order_no = i.order_no)""";

  /**
   * A file replaces each of its orders whole: the lines the order had are removed, the file's written. Lines of an
   * order whose stored values and line sums equal the file's are rewritten too (a line may differ in what no sum
   * shows, such as 剩余库存) but counted as unchanged in the report.
   */
  static final String DELETE_LINES = "DELETE FROM order_lines l USING import_order_ids i WHERE l.order_id = i.id";

  static final String INSERT_LINES = """
    WITH ins AS (
      INSERT INTO order_lines (order_id, line_no, unit_price, sale_price, list_price, cost, gross_profit, service_fee,
                               expected_income, rebate, stock, refund_quantity, product_id, store_id, local_day,
                               quantity, channel, local_hour, valid)
      SELECT i.id, row_number() OVER (PARTITION BY l.order_no ORDER BY l.line)::int2, l.unit_price, l.sale_price,
             l.list_price, l.cost, l.gross_profit,
             -- StoreDash's layout gives the order's fee on every line: it goes on the order's first line.
             CASE WHEN max(l.order_service_fee) OVER (PARTITION BY l.order_no) IS NULL THEN l.service_fee
                  WHEN row_number() OVER (PARTITION BY l.order_no ORDER BY l.line) = 1
                  THEN max(l.order_service_fee) OVER (PARTITION BY l.order_no) ELSE 0 END,
             l.expected_income, l.rebate, l.stock,
             l.refund_quantity, p.id, i.store_id, i.local_day, l.quantity, i.channel, i.local_hour, i.valid
      FROM import_lines l
      JOIN import_order_ids i ON i.order_no = l.order_no
      JOIN products p ON p.sku = l.sku
      RETURNING order_id)
    SELECT count(*) FILTER (WHERE i.inserted), count(*) FILTER (WHERE i.changed AND NOT i.inserted)
    FROM ins JOIN import_order_ids i ON i.id = ins.order_id""";

  static final String NEW_DAYS = "SELECT min(local_day), max(local_day), count(*), count(DISTINCT local_day) FROM import_orders";
  static final String STORE_CODES = "SELECT code FROM stores WHERE id = ANY($1) ORDER BY code";
  /** The stores an import with a scope may write to, read before the file changes any store (its city, say). */
  static final String STORES_IN_SCOPE = "SELECT id FROM stores WHERE code = ANY($1::text[]) OR city = ANY($2::text[])";
  static final String STORE_NAMES = "SELECT id, code, name FROM stores WHERE id = ANY($1)";
}
