package io.storedash.query;

import io.storedash.common.Addresses;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestStorage;
import io.storedash.query.ingest.DemoData;
import io.storedash.query.ingest.DemoOptions;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The product-health diagnosis of generated stores over their default range shows every quadrant and every flag. */
@ExtendWith(VertxExtension.class)
class GeneratedDiagnosisTest {

  private static final DemoOptions OPTIONS = new DemoOptions(4, 6_000, 60, 42, LocalDate.of(2026, 10, 31));

  private Node node;

  @BeforeEach
  void deployAndLoad(VertxTestContext testContext) {
    StoreDashConfig config = TestStorage.config(Map.of());
    node = Node.local(config);
    node.deploy(QueryService.DESCRIPTOR, 1)
      .compose(id -> DemoData.load(node.vertx(), node.signatures(), config, OPTIONS))
      .onComplete(testContext.succeedingThenComplete());
  }

  @AfterEach
  void close(VertxTestContext testContext) {
    node.vertx().close().onComplete(testContext.succeedingThenComplete());
  }

  @Test
  void everyStoreShowsEveryQuadrantAndFlag(VertxTestContext testContext) {
    List<Future<JsonObject>> answers = new ArrayList<>();
    for (String store : List.of("S001", "S002", "S003", "S004")) {
      answers.add(node.vertx().eventBus().<Buffer>request(Addresses.DASHBOARD_COMPUTE,
          new JsonObject().put("kind", "diagnosis").put("store", store))
        .map(Message::body).map(JsonObject::new));
    }
    Future.all(answers).onComplete(testContext.succeeding(all -> testContext.verify(() -> {
      for (int i = 0; i < answers.size(); i++) {
        JsonObject diagnosis = all.resultAt(i);
        assertThat(diagnosis.getString("from")).isEqualTo("2026-10-02");
        assertThat(diagnosis.getString("to")).isEqualTo("2026-10-31");
        for (String quadrant : List.of("star", "traffic", "potential", "laggard")) {
          assertThat(diagnosis.getJsonObject("quadrants").getJsonObject(quadrant).getLong("products"))
            .as("%s in %s", quadrant, diagnosis.getString("store")).isPositive();
        }
        for (String flag : List.of("negative_margin", "declining", "markdown_dependent", "slow_moving")) {
          assertThat(diagnosis.getJsonObject("flags").getJsonObject(flag).getLong("products"))
            .as("%s in %s", flag, diagnosis.getString("store")).isPositive();
        }
        assertThat(diagnosis.getDouble("health")).isBetween(50.0, 100.0);
      }
      testContext.completeNow();
    })));
  }
}
