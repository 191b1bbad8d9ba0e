-- StoreDash schema, version 2: chain-wide rollups, line counts per store/day/channel, and what imports need.

-- Order lines per store, day and channel: the total of the paged order-lines query, and the days a page falls
-- into, come from here instead of counting order_lines.
ALTER TABLE daily_store_channel ADD COLUMN lines bigint NOT NULL DEFAULT 0;
UPDATE daily_store_channel d SET lines = x.lines
FROM (SELECT store_id, local_day, channel, count(*) AS lines FROM order_lines GROUP BY store_id, local_day, channel) x
WHERE d.store_id = x.store_id AND d.day = x.local_day AND d.channel = x.channel;

-- Chain-wide rollups: the sums of the per-store rollups over every store, so that a query for 'all' reads one row
-- per day (and channel, product or hour) instead of one per store. Every load and import keeps them equal to those
-- sums in its own transaction, by subtracting the old rows of the stores and days it rebuilds and adding the new.
CREATE TABLE daily_channel (
  day                   date NOT NULL,
  channel               smallint NOT NULL,
  orders                bigint NOT NULL,
  lines                 bigint NOT NULL,
  items                 bigint NOT NULL,
  revenue               bigint NOT NULL,
  cost                  bigint NOT NULL,
  list_revenue          bigint NOT NULL,
  discount              bigint NOT NULL,
  delivery_cost         bigint NOT NULL,
  platform_fee          bigint NOT NULL,
  customer_delivery_fee bigint NOT NULL,
  packaging_fee         bigint NOT NULL,
  PRIMARY KEY (day, channel)
);
INSERT INTO daily_channel
SELECT day, channel, sum(orders), sum(lines), sum(items), sum(revenue), sum(cost), sum(list_revenue), sum(discount),
       sum(delivery_cost), sum(platform_fee), sum(customer_delivery_fee), sum(packaging_fee)
FROM daily_store_channel GROUP BY day, channel;

CREATE TABLE daily_product (
  day          date NOT NULL,
  product_id   integer NOT NULL,
  quantity     bigint NOT NULL,
  revenue      bigint NOT NULL,
  cost         bigint NOT NULL,
  list_revenue bigint NOT NULL,
  orders       bigint NOT NULL,
  PRIMARY KEY (day, product_id)
);
INSERT INTO daily_product
SELECT day, product_id, sum(quantity), sum(revenue), sum(cost), sum(list_revenue), sum(orders)
FROM daily_store_product GROUP BY day, product_id;

CREATE TABLE daily_hour (
  day     date NOT NULL,
  hour    smallint NOT NULL,
  orders  bigint NOT NULL,
  items   bigint NOT NULL,
  revenue bigint NOT NULL,
  PRIMARY KEY (day, hour)
);
INSERT INTO daily_hour
SELECT day, hour, sum(orders), sum(items), sum(revenue) FROM daily_store_hour GROUP BY day, hour;

-- Per store and day, all channels together: the ranking reads every store's two periods from here, a quarter of the
-- rows of daily_store_channel. Keyed by day first, since the ranking selects days for all stores. Rebuilt from
-- daily_store_channel for the stores and days of every load.
CREATE TABLE daily_store (
  day                   date NOT NULL,
  store_id              integer NOT NULL,
  orders                bigint NOT NULL,
  lines                 bigint NOT NULL,
  items                 bigint NOT NULL,
  revenue               bigint NOT NULL,
  cost                  bigint NOT NULL,
  list_revenue          bigint NOT NULL,
  discount              bigint NOT NULL,
  delivery_cost         bigint NOT NULL,
  platform_fee          bigint NOT NULL,
  customer_delivery_fee bigint NOT NULL,
  packaging_fee         bigint NOT NULL,
  PRIMARY KEY (day, store_id)
);
INSERT INTO daily_store
SELECT day, store_id, sum(orders), sum(lines), sum(items), sum(revenue), sum(cost), sum(list_revenue), sum(discount),
       sum(delivery_cost), sum(platform_fee), sum(customer_delivery_fee), sum(packaging_fee)
FROM daily_store_channel GROUP BY day, store_id;
