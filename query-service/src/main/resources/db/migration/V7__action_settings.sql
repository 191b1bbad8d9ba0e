-- StoreDash schema, version 7: HQ's thresholds of the 今日必做 rules (docs/DESIGN.md §14.1). One row; the thresholds
-- are a JSON object whose absent members take their defaults (common/ActionThresholds), so a later release that adds
-- a threshold reads this row as it is. revision counts the changes: the list's answer names it.
CREATE TABLE action_settings (
  id         smallint PRIMARY KEY CHECK (id = 1),
  thresholds jsonb NOT NULL DEFAULT '{}',
  revision   bigint NOT NULL DEFAULT 0,
  updated_at timestamptz,
  updated_by text
);
INSERT INTO action_settings (id) VALUES (1);
