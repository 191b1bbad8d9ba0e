package io.storedash.gateway.downstream;

import io.storedash.common.testing.ManualClock;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class InstancesTest {

  private final ManualClock clock = new ManualClock();
  private final Instances instances = new Instances(clock);

  private static JsonObject beat(String service, String node, long intervalMs, boolean draining) {
    return new JsonObject().put("service", service).put("node", node).put("interval_ms", intervalMs).put("draining", draining);
  }

  @Test
  void aServiceNoInstanceHasBeatForHasNone() {
    instances.heartbeat(beat("cache-service", "c1", 1000, false));
    assertThat(instances.live("query-service")).isZero();
  }

  @Test
  void everyNodeThatBeatCountsOnceHoweverOftenItBeat() {
    instances.heartbeat(beat("query-service", "q1", 1000, false));
    instances.heartbeat(beat("query-service", "q1", 1000, false));
    instances.heartbeat(beat("query-service", "q2", 1000, false));
    instances.heartbeat(beat("cache-service", "c1", 1000, false));
    assertThat(instances.live("query-service")).isEqualTo(2);
    assertThat(instances.live("cache-service")).isEqualTo(1);
  }

  @Test
  void anInstanceCountsForThreeOfItsIntervalsAfterItsLastBeat() {
    instances.heartbeat(beat("query-service", "q1", 1000, false));
    instances.heartbeat(beat("query-service", "q2", 2000, false));
    clock.advance(Duration.ofMillis(3000));
    assertThat(instances.live("query-service")).as("3 s after both beat").isEqualTo(2);
    clock.advance(Duration.ofMillis(1));
    assertThat(instances.live("query-service")).as("q1, beating every second, missed three").isEqualTo(1);
    clock.advance(Duration.ofMillis(3000));
    assertThat(instances.live("query-service")).as("q2, beating every 2 s, missed three").isZero();
  }

  @Test
  void aNewBeatBringsAnInstanceBack() {
    instances.heartbeat(beat("query-service", "q1", 1000, false));
    clock.advance(Duration.ofSeconds(5));
    assertThat(instances.live("query-service")).isZero();
    instances.heartbeat(beat("query-service", "q1", 1000, false));
    assertThat(instances.live("query-service")).isEqualTo(1);
  }

  @Test
  void aBeatWithoutAnIntervalMeansEveryFiveSeconds() {
    instances.heartbeat(new JsonObject().put("service", "query-service").put("node", "q1"));
    clock.advance(Duration.ofSeconds(15));
    assertThat(instances.live("query-service")).isEqualTo(1);
    clock.advance(Duration.ofMillis(1));
    assertThat(instances.live("query-service")).isZero();
  }

  @Test
  void aDrainingInstanceDoesNotCountUntilItBeatsAsServingAgain() {
    instances.heartbeat(beat("query-service", "q1", 1000, false));
    instances.heartbeat(beat("query-service", "q1", 1000, true));
    assertThat(instances.live("query-service")).isZero();
    instances.heartbeat(beat("query-service", "q1", 1000, false));
    assertThat(instances.live("query-service")).isEqualTo(1);
  }

  @Test
  void aBeatThatDoesNotSayWhichServiceOrNodeIsIgnored() {
    instances.heartbeat(new JsonObject().put("node", "q1"));
    instances.heartbeat(new JsonObject().put("service", "query-service"));
    assertThat(instances.live("query-service")).isZero();
  }
}
