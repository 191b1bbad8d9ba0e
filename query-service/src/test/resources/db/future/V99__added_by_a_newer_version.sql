-- What a newer StoreDash release might add (additive, as its migrations must be): used by MigrationsTest to show
-- that the current release still starts against the newer schema, i.e. that a rollback works.
CREATE TABLE feature_of_a_newer_version (id BIGINT PRIMARY KEY, note TEXT);
ALTER TABLE stores ADD COLUMN added_by_a_newer_version TEXT;
