package io.storedash.common;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** HQ's 今日必做 thresholds (docs/DESIGN.md §14.1): the issue's defaults, a change of some members, each refusal named. */
class ActionThresholdsTest {

  @Test
  void theDefaultsAreTheIssuesAndAChangeKeepsTheRest() {
    assertThat(ActionThresholds.DEFAULTS.toJson().encode()).isEqualTo("{\"delivery_cost_max\":6.00,\"stock_out_top\":10,"
      + "\"falling_drop\":0.30,\"falling_min_quantity\":10,\"unsold_days\":[3,7,15],\"margin_drop_points\":2.00,"
      + "\"top_count\":3,\"max_items\":20}");
    ActionThresholds changed = ActionThresholds.DEFAULTS.with(new JsonObject().put("delivery_cost_max", 8.5)
      .put("unsold_days", new JsonArray().add(5)));
    assertThat(changed.deliveryCostMaxCents()).isEqualTo(850);
    assertThat(changed.unsoldDays()).isEqualTo(List.of(5));
    assertThat(changed.fallingDrop()).isEqualTo(new BigDecimal("0.30"));
    assertThat(ActionThresholds.fromJson(changed.toJson())).isEqualTo(changed);
    assertThat(ActionThresholds.fromJson(new JsonObject())).as("a stored row without members").isEqualTo(ActionThresholds.DEFAULTS);
  }

  @Test
  void eachBadValueIsRefusedNamingItsMember() {
    Object[][] bad = {{"delivery_cost_max", -1}, {"delivery_cost_max", 6.001}, {"delivery_cost_max", "6"},
      {"stock_out_top", 0}, {"stock_out_top", 1.5}, {"falling_drop", 0}, {"falling_drop", 1.01},
      {"falling_min_quantity", 0}, {"unsold_days", new JsonArray()}, {"unsold_days", new JsonArray().add(7).add(7)},
      {"unsold_days", new JsonArray().add(61)}, {"unsold_days", new JsonArray().add(1).add(2).add(3).add(4).add(5).add(6)},
      {"unsold_days", 3}, {"margin_drop_points", 101}, {"top_count", 51}, {"max_items", 201}, {"max_items", null},
      {"who_knows", 1}};
    for (Object[] b : bad) {
      JsonObject change = new JsonObject().put((String) b[0], b[1]);
      assertThatThrownBy(() -> ActionThresholds.DEFAULTS.with(change)).as(change.encode())
        .isInstanceOfSatisfying(ActionThresholds.Invalid.class, e -> {
          assertThat(e.field()).isEqualTo(b[0]);
          assertThat(e.getMessage()).startsWith(b[0] + ": ");
        });
    }
  }
}
