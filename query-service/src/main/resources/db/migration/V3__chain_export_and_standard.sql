-- StoreDash schema, version 3: the platforms' order-detail export and the chain's calculation standard
-- (docs/DESIGN.md §3.3 and §4).
-- Not additive: columns are renamed and dropped, so a release before this one cannot run on this schema; going back
-- means restoring a backup taken before the upgrade (docs/OPERATIONS.md, "Upgrades").
-- The rollups are emptied here and rebuilt from the orders by the Java migration V3_1 (Rollups' own statements).

-- Channels are data: any 渠道 of an export becomes a channel. charges_fee says whether the platform takes a service
-- fee; an order on such a channel whose service fee sums to 0 or less is cancelled or refunded (not valid).
ALTER TABLE channels ADD COLUMN charges_fee boolean NOT NULL DEFAULT false;
UPDATE channels SET charges_fee = true WHERE code IN ('meituan', 'eleme', 'jddj');
CREATE SEQUENCE channels_id_seq AS smallint MINVALUE 1 OWNED BY channels.id;
SELECT setval('channels_id_seq', (SELECT max(id) FROM channels));
ALTER TABLE channels ALTER COLUMN id SET DEFAULT nextval('channels_id_seq');
CREATE UNIQUE INDEX channels_name ON channels (name_zh);

-- A store of an export is known by its 门店ID (the platform's id) when the export has one.
ALTER TABLE stores ADD COLUMN external_id text UNIQUE;

ALTER TABLE products ADD COLUMN barcode text;
ALTER TABLE products ADD COLUMN subcategory text;

-- Orders: the export's order-level columns, each counted once per order, and the sums of the order's lines that
-- the rollups need, computed when the order is written (so the channel, hour, distance and store rollups read
-- orders only). Money may be negative (refunds and corrections); only prices must not be.
ALTER TABLE orders DROP CONSTRAINT orders_channel_check;
ALTER TABLE orders DROP CONSTRAINT orders_delivery_cost_check;
ALTER TABLE orders DROP CONSTRAINT orders_platform_fee_check;
ALTER TABLE orders DROP CONSTRAINT orders_discount_check;
ALTER TABLE orders DROP CONSTRAINT orders_customer_delivery_fee_check;
ALTER TABLE orders DROP CONSTRAINT orders_packaging_fee_check;
ALTER TABLE orders RENAME COLUMN discount TO full_reduction;
ALTER TABLE orders RENAME COLUMN platform_fee TO service_fee;
ALTER TABLE orders
  ADD COLUMN order_code            text,
  ADD COLUMN commission            bigint NOT NULL DEFAULT 0,
  ADD COLUMN delivery_fee_discount bigint NOT NULL DEFAULT 0,
  ADD COLUMN product_discount      bigint NOT NULL DEFAULT 0,
  ADD COLUMN new_customer_discount bigint NOT NULL DEFAULT 0,
  ADD COLUMN merchant_voucher      bigint NOT NULL DEFAULT 0,
  ADD COLUMN merchant_coupon       bigint NOT NULL DEFAULT 0,
  ADD COLUMN gift_amount           bigint NOT NULL DEFAULT 0,
  ADD COLUMN other_discount        bigint NOT NULL DEFAULT 0,
  ADD COLUMN distance_m            integer,
  ADD COLUMN delivery_platform     text,
  ADD COLUMN lines                 integer NOT NULL DEFAULT 0,
  ADD COLUMN items                 bigint NOT NULL DEFAULT 0,
  ADD COLUMN revenue               bigint NOT NULL DEFAULT 0,
  ADD COLUMN cost                  bigint NOT NULL DEFAULT 0,
  ADD COLUMN gross_profit          bigint NOT NULL DEFAULT 0,
  ADD COLUMN consumables_cost      bigint NOT NULL DEFAULT 0,
  ADD COLUMN rebate                bigint NOT NULL DEFAULT 0,
  ADD COLUMN expected_income       bigint NOT NULL DEFAULT 0,
  ADD COLUMN list_gmv              bigint NOT NULL DEFAULT 0,
  ADD COLUMN gmv_order             boolean NOT NULL DEFAULT false,
  ADD COLUMN valid                 boolean NOT NULL DEFAULT true;

-- Lines: a line number within the order (a product may appear on two lines of one order), the line's total cost
-- (成本 is the line's cost, not a unit cost), its gross profit, service fee, expected income and rebate.
-- A quantity of 0 or less is a refunded line: kept, not sold.
ALTER TABLE order_lines DROP CONSTRAINT order_lines_pkey;
ALTER TABLE order_lines DROP CONSTRAINT order_lines_check;
ALTER TABLE order_lines DROP CONSTRAINT order_lines_quantity_check;
ALTER TABLE order_lines DROP CONSTRAINT order_lines_unit_cost_check;
ALTER TABLE order_lines
  ADD COLUMN line_no         smallint,
  ADD COLUMN sale_price      bigint NOT NULL DEFAULT 0 CHECK (sale_price >= 0),
  ADD COLUMN cost            bigint NOT NULL DEFAULT 0,
  ADD COLUMN gross_profit    bigint NOT NULL DEFAULT 0,
  ADD COLUMN service_fee     bigint NOT NULL DEFAULT 0,
  ADD COLUMN expected_income bigint NOT NULL DEFAULT 0,
  ADD COLUMN rebate          bigint NOT NULL DEFAULT 0,
  ADD COLUMN stock           integer,
  ADD COLUMN refund_quantity integer NOT NULL DEFAULT 0,
  ADD COLUMN valid           boolean NOT NULL DEFAULT true;
ALTER TABLE order_lines ADD CHECK (list_price >= 0);

-- Lines of earlier releases: unit cost × quantity is the line's cost; the order's service fee goes on its first line.
UPDATE order_lines l SET line_no = n.line_no, sale_price = l.unit_price, cost = l.unit_cost * l.quantity,
       gross_profit = (l.unit_price - l.unit_cost) * l.quantity,
       service_fee = CASE WHEN n.line_no = 1 THEN o.service_fee ELSE 0 END
FROM (SELECT order_id, product_id, row_number() OVER (PARTITION BY order_id ORDER BY product_id) AS line_no
      FROM order_lines) n, orders o
WHERE n.order_id = l.order_id AND n.product_id = l.product_id AND o.id = l.order_id;
ALTER TABLE order_lines DROP COLUMN unit_cost;
ALTER TABLE order_lines ALTER COLUMN line_no SET NOT NULL;
ALTER TABLE order_lines ADD PRIMARY KEY (order_id, line_no);

UPDATE orders o SET lines = x.lines, items = x.items, revenue = x.revenue, cost = x.cost,
       gross_profit = x.gross_profit, consumables_cost = x.consumables_cost, list_gmv = x.list_gmv,
       gmv_order = x.gmv_order
FROM (SELECT l.order_id, count(*) AS lines, sum(greatest(l.quantity, 0)) AS items,
             sum(l.quantity::int8 * l.unit_price) AS revenue, sum(l.cost) AS cost, sum(l.gross_profit) AS gross_profit,
             coalesce(sum(l.cost) FILTER (WHERE p.category = '耗材'), 0) AS consumables_cost,
             coalesce(sum(l.quantity::int8 * l.list_price) FILTER (WHERE l.quantity > 0 AND l.list_price > 0), 0) AS list_gmv,
             bool_or(l.quantity > 0 AND l.list_price > 0) AS gmv_order
      FROM order_lines l JOIN products p ON p.id = l.product_id GROUP BY l.order_id) x
WHERE o.id = x.order_id;
UPDATE orders o SET valid = NOT (c.charges_fee AND o.service_fee <= 0) FROM channels c WHERE c.id = o.channel;
UPDATE order_lines l SET valid = false FROM orders o WHERE o.id = l.order_id AND NOT o.valid;

-- The rollups, with the chain's figures. Every sum is over valid orders only; invalid_orders counts the others,
-- lines counts every line (the order-lines view lists them all).
DROP TABLE daily_store_channel, daily_channel, daily_store_product, daily_product, daily_store_hour, daily_hour,
  daily_store;

CREATE TABLE daily_store_channel (
  store_id              integer NOT NULL,
  day                   date NOT NULL,
  channel               smallint NOT NULL,
  orders                bigint NOT NULL,
  invalid_orders        bigint NOT NULL,
  lines                 bigint NOT NULL,
  items                 bigint NOT NULL,
  revenue               bigint NOT NULL,
  cost                  bigint NOT NULL,
  gross_profit          bigint NOT NULL,
  consumables_cost      bigint NOT NULL,
  service_fee           bigint NOT NULL,
  rebate                bigint NOT NULL,
  delivery_cost         bigint NOT NULL,
  customer_delivery_fee bigint NOT NULL,
  delivery_fee_discount bigint NOT NULL,
  gmv                   bigint NOT NULL,
  marketing             bigint NOT NULL,
  product_discount      bigint NOT NULL,
  commission            bigint NOT NULL,
  expected_income       bigint NOT NULL,
  PRIMARY KEY (store_id, day, channel)
);
CREATE INDEX daily_store_channel_day ON daily_store_channel (day);
CREATE TABLE daily_channel (LIKE daily_store_channel);
ALTER TABLE daily_channel DROP COLUMN store_id;
ALTER TABLE daily_channel ADD PRIMARY KEY (day, channel);
CREATE TABLE daily_store (LIKE daily_store_channel);
ALTER TABLE daily_store DROP COLUMN channel;
ALTER TABLE daily_store ADD PRIMARY KEY (day, store_id);
-- The products the store sold that day (a line with 销量 > 0 in a valid order, consumables left out), sorted: 动销商品数
-- over a range is the number of distinct ids in its days' arrays, read from one row a day instead of one row per
-- product and day (which lie on as many pages).
ALTER TABLE daily_store ADD COLUMN sold_products int4[] NOT NULL DEFAULT '{}';

-- Products of valid orders. sold_lines counts lines with 销量 > 0 (动销: a product with one is "moving").
CREATE TABLE daily_store_product (
  store_id     integer NOT NULL,
  day          date NOT NULL,
  product_id   integer NOT NULL,
  quantity     bigint NOT NULL,
  revenue      bigint NOT NULL,
  cost         bigint NOT NULL,
  gross_profit bigint NOT NULL,
  list_revenue bigint NOT NULL,
  orders       bigint NOT NULL,
  sold_lines   bigint NOT NULL,
  PRIMARY KEY (store_id, day, product_id)
);
CREATE TABLE daily_product (LIKE daily_store_product);
ALTER TABLE daily_product DROP COLUMN store_id;
ALTER TABLE daily_product ADD PRIMARY KEY (day, product_id);

-- Valid orders per store-local hour; profit is the orders' 订单实际利润.
CREATE TABLE daily_store_hour (
  store_id integer NOT NULL,
  day      date NOT NULL,
  hour     smallint NOT NULL,
  orders   bigint NOT NULL,
  items    bigint NOT NULL,
  revenue  bigint NOT NULL,
  profit   bigint NOT NULL,
  PRIMARY KEY (store_id, day, hour)
);
CREATE TABLE daily_hour (LIKE daily_store_hour);
ALTER TABLE daily_hour DROP COLUMN store_id;
ALTER TABLE daily_hour ADD PRIMARY KEY (day, hour);

-- Valid orders with a delivery distance, per whole kilometre band (0 = 0–1 km, ..., 6 = 6 km and more).
CREATE TABLE daily_store_distance (
  store_id      integer NOT NULL,
  day           date NOT NULL,
  band          smallint NOT NULL,
  orders        bigint NOT NULL,
  revenue       bigint NOT NULL,
  profit        bigint NOT NULL,
  delivery_net  bigint NOT NULL,
  PRIMARY KEY (store_id, day, band)
);
CREATE TABLE daily_distance (LIKE daily_store_distance);
ALTER TABLE daily_distance DROP COLUMN store_id;
ALTER TABLE daily_distance ADD PRIMARY KEY (day, band);
