-- StoreDash schema, version 9: when each store's data last came in (issue 19, freshness: "最近导入"; docs/DESIGN.md
-- §13.2). Additive: a release before this one runs on this schema and simply leaves the column alone.
--
-- Set by every import and bulk load that touched the store, in the load's transaction (storage/Rollups.recordImport),
-- so it changes exactly when the store's data version does. Null for a store whose data came before this release:
-- no earlier release recorded it, and a guess would be a wrong "data as of".
ALTER TABLE stores ADD COLUMN last_import_at timestamptz;
