package io.storedash.query.compute;

import io.storedash.common.DashboardQuery;
import io.storedash.common.Failure;
import io.storedash.common.QueryKind;
import io.storedash.common.config.ConfigLoader;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestStorage;
import io.storedash.query.storage.PgPools;
import io.storedash.query.storage.StorageFailures;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** PostgreSQL failures become 503 when the database is unavailable and 500 when a statement is wrong. */
@ExtendWith(VertxExtension.class)
class FailureCodesTest {

  private Pool pool;

  @Test
  void anUnreachableDatabaseIs503(Vertx vertx, VertxTestContext testContext) {
    StoreDashConfig config = ConfigLoader.load(Map.of(
      "PG_URL", "postgresql://storedash:secret@127.0.0.1:" + TestStorage.freePort() + "/storedash",
      "REQUEST_TIMEOUT", "2s"));
    pool = PgPools.create(vertx, config, 1, null);
    new Computations(pool, config.timezone())
      .answer(DashboardQuery.of(QueryKind.OVERVIEW, "S001", null, null))
      .onComplete(testContext.failing(e -> testContext.verify(() -> {
        assertThat(e).isInstanceOf(ReplyException.class);
        assertThat(((ReplyException) e).failureCode()).isEqualTo(Failure.DEPENDENCY_DOWN.code());
        assertThat(e.getMessage()).startsWith("PostgreSQL is unavailable").doesNotContain("secret");
        testContext.completeNow();
      })));
  }

  @Test
  void aFailingStatementIs500AndAShutdownIs503() {
    ReplyException bug = StorageFailures.asReply(new PgException("relation \"nope\" does not exist", "ERROR", "42P01", null));
    assertThat(bug.failureCode()).isEqualTo(Failure.BUG.code());
    assertThat(bug.getMessage()).contains("relation \"nope\" does not exist");
    ReplyException shutdown = StorageFailures.asReply(new PgException("terminating connection due to administrator command",
      "FATAL", "57P01", null));
    assertThat(shutdown.failureCode()).isEqualTo(Failure.DEPENDENCY_DOWN.code());
    assertThat(StorageFailures.asReply(new IllegalArgumentException("bad")).failureCode()).isEqualTo(Failure.BAD_REQUEST.code());
    assertThat(StorageFailures.asReply(new NullPointerException("oops")).failureCode()).isEqualTo(Failure.BUG.code());
  }

  @Test
  void aFailureThatQuotesAUrlIsRepliedWithoutItsPassword() {
    // The reply's message reaches the gateway's answer and the logs (docs/DESIGN.md §11.6).
    ReplyException down = StorageFailures.asReply(new java.io.IOException(
      "cannot connect to postgresql://storedash:Pg-password-in-a-reply@db:5432/storedash"));
    assertThat(down.failureCode()).isEqualTo(Failure.DEPENDENCY_DOWN.code());
    assertThat(down.getMessage()).contains("postgresql://storedash:***@db:5432/storedash").doesNotContain("Pg-password");
    ReplyException bug = StorageFailures.asReply(new PgException("bad password=Pg-password-in-a-reply", "ERROR", "42000", null));
    assertThat(bug.getMessage()).doesNotContain("Pg-password");
  }
}
