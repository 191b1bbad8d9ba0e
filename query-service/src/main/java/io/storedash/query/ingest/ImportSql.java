package io.storedash.query.ingest;

/**
 * The SQL of a CSV import ({@link CsvImport}, {@link ImportWrite}), in the order the import runs it: the staging
 * table the file's lines go into, the checks of the lines against each other and against the stored data, and the
 * upserts of stores, products, orders and lines. Temporary tables live for the import's transaction only.
 */
final class ImportSql {

  private ImportSql() {
  }

  static final String CREATE_STAGING = """
    CREATE TEMP TABLE import_lines (
      line int4 NOT NULL, order_no text NOT NULL, store_code text, store_name text, store_key text NOT NULL,
      channel int2 NOT NULL, local_time timestamp, instant timestamptz, sku text NOT NULL, sku_derived bool NOT NULL,
      product_name text NOT NULL, category text NOT NULL, quantity int4 NOT NULL, unit_price int8 NOT NULL,
      list_price int8 NOT NULL, unit_cost int8 NOT NULL, delivery_cost int8, platform_fee int8, discount int8,
      customer_delivery_fee int8, packaging_fee int8
    ) ON COMMIT DROP""";

  static final String STAGE = """
    INSERT INTO import_lines
    SELECT * FROM unnest($1::int4[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int2[], $7::timestamp[],
                         $8::timestamptz[], $9::text[], $10::bool[], $11::text[], $12::text[], $13::int4[], $14::int8[],
                         $15::int8[], $16::int8[], $17::int8[], $18::int8[], $19::int8[], $20::int8[], $21::int8[])""";

  // min() <> max() finds two different values in one hash aggregate (count(DISTINCT) would sort every group).
  static final String CONFLICTING_LINES = """
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

  static final String DUPLICATE_LINES = """
    SELECT l.line, l.order_no, l.sku, l.sku_derived, l.product_name, d.first_line
    FROM import_lines l
    JOIN (SELECT order_no, sku, min(line) AS first_line FROM import_lines GROUP BY order_no, sku HAVING count(*) > 1) d
      ON d.order_no = l.order_no AND d.sku = l.sku
    WHERE l.line <> d.first_line
    ORDER BY l.line""";

  static final String STORE_KEYS = """
    SELECT store_key, min(store_code), (array_agg(store_name ORDER BY line) FILTER (WHERE store_name IS NOT NULL))[1],
           min(line)
    FROM import_lines GROUP BY store_key""";
  static final String INSERT_STORES = """
    INSERT INTO stores (code, name, timezone)
    SELECT * FROM unnest($1::text[], $2::text[], $3::text[])
    ON CONFLICT (code) DO NOTHING
    RETURNING code""";
  static final String STORES_BY_CODE = "SELECT id, code, name, timezone FROM stores WHERE code = ANY($1)";
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

  // An existing product keeps its name; it takes the file's category only where it had none.
  // The first line of each sku names the product: found by a hash aggregate and a hash join, not a sort of the file.
  static final String UPSERT_PRODUCTS = """
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
  static final String CREATE_ORDERS = """
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
   * Store-days whose totals, with this file's orders in, pass the limit of one store-day ({@link LineParser#MAX_CENTS}),
   * with the file's first line on that store-day.
   */
  static final String STORE_DAYS_OVER_LIMIT = """
    SELECT (SELECT min(l.line) FROM import_order_ids i JOIN import_lines l ON l.order_no = i.order_no
            WHERE i.store_id = d.store_id AND i.local_day = d.day), s.code, d.day, x.name, x.total
    FROM daily_store d
    JOIN stores s ON s.id = d.store_id
    CROSS JOIN LATERAL (VALUES ('revenue', d.revenue), ('list-price revenue', d.list_revenue), ('cost', d.cost),
                               ('discount', d.discount), ('delivery_cost', d.delivery_cost),
                               ('platform_fee', d.platform_fee), ('customer_delivery_fee', d.customer_delivery_fee),
                               ('packaging_fee', d.packaging_fee)) AS x(name, total)
    WHERE d.store_id = ANY($1) AND d.day BETWEEN $2 AND $3 AND x.total > $4
    ORDER BY 1, x.name""";

  static final String OLD_PLACES = """
    SELECT o.store_id, min(o.local_day), max(o.local_day)
    FROM orders o JOIN import_orders i ON i.order_no = o.order_no
    GROUP BY o.store_id""";

  /** The id and place of every order of the file, as the lines need them. */
  static final String CREATE_ORDER_IDS = """
    CREATE TEMP TABLE import_order_ids (
      order_no text NOT NULL, id int8 NOT NULL, store_id int4 NOT NULL, local_day date NOT NULL, channel int2 NOT NULL,
      local_hour int2 NOT NULL, moved bool NOT NULL
    ) ON COMMIT DROP""";

  static final String UPSERT_ORDERS = """
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
  static final String UNCHANGED_ORDER_IDS = """
    INSERT INTO import_order_ids
    SELECT o.order_no, o.id, o.store_id, o.local_day, o.channel, o.local_hour, false
    FROM import_orders i JOIN orders o ON o.order_no = i.order_no
    WHERE NOT EXISTS (SELECT 1 FROM import_order_ids x WHERE x.order_no = i.order_no)""";

  static final String UPSERT_LINES = """
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
  static final String MOVE_OTHER_LINES = """
    UPDATE order_lines l SET store_id = o.store_id, local_day = o.local_day, channel = o.channel, local_hour = o.local_hour
    FROM import_order_ids m JOIN orders o ON o.id = m.id
    WHERE m.moved AND l.order_id = o.id
      AND (l.store_id, l.local_day, l.channel, l.local_hour) IS DISTINCT FROM (o.store_id, o.local_day, o.channel, o.local_hour)""";

  static final String NEW_DAYS = "SELECT min(local_day), max(local_day), count(*) FROM import_orders";
  static final String STORE_CODES = "SELECT code FROM stores WHERE id = ANY($1) ORDER BY code";
}
