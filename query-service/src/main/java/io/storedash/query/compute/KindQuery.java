package io.storedash.query.compute;

import io.storedash.common.DashboardQuery;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/** Computes the result of one {@link io.storedash.common.QueryKind} from PostgreSQL. */
public interface KindQuery {

  /**
   * @return the result JSON; fails with a {@link io.vertx.core.eventbus.ReplyException} carrying the contract's
   * code (404 unknown store, ...) or with the raw storage failure, which {@link Computations} classifies
   */
  Future<JsonObject> answer(DashboardQuery query);
}
