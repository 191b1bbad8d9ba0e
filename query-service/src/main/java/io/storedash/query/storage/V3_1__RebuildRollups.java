package io.storedash.query.storage;

import org.flywaydb.core.api.migration.BaseJavaMigration;
import org.flywaydb.core.api.migration.Context;

/**
 * Schema version 3.1: fills the rollups that version 3 recreated with the chain's figures, from the orders, with the
 * statements every import uses ({@link Rollups#rebuildAll}), so the migration and the imports cannot disagree.
 */
public final class V3_1__RebuildRollups extends BaseJavaMigration {

  @Override
  public void migrate(Context context) throws Exception {
    Rollups.rebuildAll(context.getConnection());
  }
}
