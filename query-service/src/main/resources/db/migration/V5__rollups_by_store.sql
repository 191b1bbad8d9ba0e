-- StoreDash schema, version 5: one store's rows of the rollups on few pages, whatever the size of the chain (issue 18,
-- the growth curve; docs/DESIGN.md §12.5). Additive: a release before this one runs on this schema.
--
-- The per-store rollups were written in the order their hash aggregates produced the rows, so one store's 30 days of
-- daily_store_product lay on ~1 page per row: 1,526 pages read for 1,664 rows at 3 M lines, 2,006 for 1,990 at 30 M,
-- where the table no longer stays in memory and the store's categories, products and diagnosis grew with the chain.
-- The refresh now inserts them in key order (storage/Rollups), and this rewrites the rows already there in key
-- order once (CLUSTER: an exclusive lock while it runs, measured 30 M lines: see docs/BENCHMARKS.md).
CLUSTER daily_store_product USING daily_store_product_pkey;
CLUSTER daily_store_channel USING daily_store_channel_pkey;
CLUSTER daily_store_hour USING daily_store_hour_pkey;
CLUSTER daily_store_distance USING daily_store_distance_pkey;

-- daily_store is keyed (day, store_id) for the ranking, which reads every store's days. The store overview reads one
-- store's days from it too (动销商品数 from sold_products), and so does the rebuild of a load's stores: through that
-- key both scanned the index entries of every store for the range's days and kept one store's — 6,000 entries for 60
-- days of 100 stores, 60,000 for 1,000.
CREATE INDEX daily_store_store_day ON daily_store (store_id, day);
