-- StoreDash schema, version 1.
-- Money is integer cents (bigint); instants are timestamptz; days and hours are store-local and are computed
-- once, at load time, from each store's time zone, so every query works on plain dates.
-- The bulk tables (orders, order_lines) and the rollups carry no foreign keys: their ids come from the loader,
-- which has just upserted the stores and products, and the per-row trigger of a foreign key halved the load rate
-- of the 3M-line reference set (measured: 40k instead of 83k lines/s).

-- The sales channels. Orders store the small id; the code is what travels in JSON.
CREATE TABLE channels (
  id      smallint PRIMARY KEY,
  code    text NOT NULL UNIQUE,
  name_zh text NOT NULL
);
INSERT INTO channels (id, code, name_zh) VALUES
  (1, 'meituan', '美团'),
  (2, 'eleme', '饿了么'),
  (3, 'jddj', '京东到家'),
  (4, 'offline', '线下');

CREATE TABLE stores (
  id           integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  code         text NOT NULL UNIQUE,
  name         text NOT NULL,
  city         text NOT NULL DEFAULT '',
  timezone     text NOT NULL DEFAULT 'Asia/Shanghai',
  -- The dataset version of the last load that touched this store; caches key on it.
  data_version bigint NOT NULL DEFAULT 0,
  -- The first and newest store-local day with orders, kept by every load (null before the first order).
  first_day    date,
  last_day     date
);

CREATE TABLE products (
  id       integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  sku      text NOT NULL UNIQUE,
  name     text NOT NULL,
  category text NOT NULL DEFAULT '未分类'
);

-- One row per order. The order-level money columns repeat on every line of a platform export; they are stored
-- here once, so they are counted once per order.
CREATE TABLE orders (
  id                    bigserial PRIMARY KEY,
  order_no              text NOT NULL UNIQUE,
  store_id              integer NOT NULL,
  channel               smallint NOT NULL CHECK (channel BETWEEN 1 AND 4),
  ordered_at            timestamptz NOT NULL,
  local_day             date NOT NULL,
  local_hour            smallint NOT NULL CHECK (local_hour BETWEEN 0 AND 23),
  delivery_cost         bigint NOT NULL DEFAULT 0 CHECK (delivery_cost >= 0),
  platform_fee          bigint NOT NULL DEFAULT 0 CHECK (platform_fee >= 0),
  discount              bigint NOT NULL DEFAULT 0 CHECK (discount >= 0),
  customer_delivery_fee bigint NOT NULL DEFAULT 0 CHECK (customer_delivery_fee >= 0),
  packaging_fee         bigint NOT NULL DEFAULT 0 CHECK (packaging_fee >= 0)
);
CREATE INDEX orders_store_day ON orders (store_id, local_day);

-- One row per product of an order. store_id, local_day, channel and local_hour are copied from the order so that
-- the rollups aggregate lines in one pass without a join, and the paged order-lines query reads one index range.
-- Columns are ordered widest first to avoid alignment padding on 15M rows.
CREATE TABLE order_lines (
  order_id   bigint NOT NULL,
  unit_price bigint NOT NULL CHECK (unit_price >= 0),
  list_price bigint NOT NULL,
  unit_cost  bigint NOT NULL CHECK (unit_cost >= 0),
  product_id integer NOT NULL,
  store_id   integer NOT NULL,
  local_day  date NOT NULL,
  quantity   integer NOT NULL CHECK (quantity > 0),
  channel    smallint NOT NULL,
  local_hour smallint NOT NULL,
  PRIMARY KEY (order_id, product_id),
  CHECK (list_price >= unit_price)
);
CREATE INDEX order_lines_store_day ON order_lines (store_id, local_day DESC);

-- The version of the whole dataset (the data version of 'all'); every load increments it once.
CREATE TABLE dataset_version (
  id      boolean PRIMARY KEY DEFAULT true CHECK (id),
  version bigint NOT NULL
);
INSERT INTO dataset_version (id, version) VALUES (true, 0);

-- Rollups, rebuilt for the (store, day) range of every load inside the load's transaction: dashboard queries read
-- these and never scan order lines. Sums of money are cents.

-- Per store, day and channel: everything the KPIs, the trend, the channel split and the ranking need.
-- orders and the order-level columns are summed over orders; items, revenue, cost and list_revenue over lines.
CREATE TABLE daily_store_channel (
  store_id              integer NOT NULL,
  day                   date NOT NULL,
  channel               smallint NOT NULL,
  orders                bigint NOT NULL,
  items                 bigint NOT NULL,
  revenue               bigint NOT NULL,
  cost                  bigint NOT NULL,
  list_revenue          bigint NOT NULL,
  discount              bigint NOT NULL,
  delivery_cost         bigint NOT NULL,
  platform_fee          bigint NOT NULL,
  customer_delivery_fee bigint NOT NULL,
  packaging_fee         bigint NOT NULL,
  PRIMARY KEY (store_id, day, channel)
);
-- For chain-wide ('all') queries and the ranking, which select by day only.
CREATE INDEX daily_store_channel_day ON daily_store_channel (day);

-- Per store, day and product: the product table, the categories and the product-health diagnosis
-- (halves of a range, last sale day, markdown rate from list_revenue). orders = orders containing the product.
CREATE TABLE daily_store_product (
  store_id     integer NOT NULL,
  day          date NOT NULL,
  product_id   integer NOT NULL,
  quantity     bigint NOT NULL,
  revenue      bigint NOT NULL,
  cost         bigint NOT NULL,
  list_revenue bigint NOT NULL,
  orders       bigint NOT NULL,
  PRIMARY KEY (store_id, day, product_id)
);

-- Per store, day and store-local hour: the hours breakdown.
CREATE TABLE daily_store_hour (
  store_id integer NOT NULL,
  day      date NOT NULL,
  hour     smallint NOT NULL,
  orders   bigint NOT NULL,
  items    bigint NOT NULL,
  revenue  bigint NOT NULL,
  PRIMARY KEY (store_id, day, hour)
);
