package io.storedash.query.compute;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A set's statement is its store statement with every store condition made a set condition, nothing else changed. */
class ScopedStatementTest {

  @Test
  void everyStoreConditionBecomesASetCondition() {
    ScopedStatement statement = ScopedStatement.of("SELECT 1 FROM daily_channel",
      "SELECT x FROM daily_store d WHERE d.store_id = $4 AND day > $1 UNION ALL SELECT y FROM t WHERE store_id = $4");
    assertThat(statement.set()).isEqualTo("SELECT x FROM daily_store d WHERE d.store_id = ANY($4::int4[]) AND day > $1 "
      + "UNION ALL SELECT y FROM t WHERE store_id = ANY($4::int4[])");
    assertThat(statement.chain()).isEqualTo("SELECT 1 FROM daily_channel");
  }

  @Test
  void aStoreStatementThatNamesNoStoreIsRefused() {
    // Its set form would cover every store: a caller would see the chain.
    assertThatThrownBy(() -> ScopedStatement.of("SELECT 1", "SELECT 1 FROM daily_store WHERE day = $1"))
      .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("store_id = $n");
  }
}
