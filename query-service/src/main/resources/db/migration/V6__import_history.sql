-- StoreDash schema, version 6: the history of imports, and what each import replaced, so that a whole import can be
-- undone (issue 19, docs/DESIGN.md §13.3).

-- One row per committed import (a dry run or a refused file leaves none), written in the import's own transaction.
-- The references are deferred, as the tokens' are (V4), so that a restore may copy the tables in any order.
-- store_ids are every store whose rollups the import rebuilt (the file's stores and those its orders came from),
-- first_day..last_day the days it rebuilt: an undo rebuilds exactly those.
CREATE TABLE import_history (
  id              bigserial PRIMARY KEY,
  at              timestamptz NOT NULL DEFAULT now(),
  username        text,
  file            text NOT NULL,
  lines           bigint NOT NULL DEFAULT 0,
  orders          bigint NOT NULL DEFAULT 0,
  new_orders      bigint NOT NULL DEFAULT 0,
  replaced_orders bigint NOT NULL DEFAULT 0,
  store_ids       integer[] NOT NULL DEFAULT '{}',
  first_day       date,
  last_day        date,
  version         bigint,
  status          text NOT NULL DEFAULT 'imported' CHECK (status IN ('imported', 'undone')),
  undone_at       timestamptz,
  undone_by       text
);
-- A manager's history: the imports that touch one of their stores.
CREATE INDEX import_history_stores ON import_history USING gin (store_ids);

-- Every order an import wrote, new ones marked: an undo deletes those and puts the others back as they were, and is
-- refused while a later import still in place wrote one of the same orders.
CREATE TABLE import_history_orders (
  import_id bigint NOT NULL REFERENCES import_history ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  order_id  bigint NOT NULL,
  inserted  boolean NOT NULL,
  PRIMARY KEY (import_id, order_id)
);
CREATE INDEX import_history_orders_order ON import_history_orders (order_id);

-- The orders and lines an import replaced, whole rows as they were (the tables' own row types, so that every column
-- comes back exactly, ids too). A migration that changes a column's type in orders or order_lines converts these too.
CREATE TABLE import_saved_orders (
  import_id bigint NOT NULL REFERENCES import_history ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  saved     orders NOT NULL
);
CREATE INDEX import_saved_orders_import ON import_saved_orders (import_id);
CREATE TABLE import_saved_lines (
  import_id bigint NOT NULL REFERENCES import_history ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
  saved     order_lines NOT NULL
);
CREATE INDEX import_saved_lines_import ON import_saved_lines (import_id);
