package io.storedash.monitor.redis;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.Test;

import static io.storedash.monitor.redis.UnauthenticatedPing.Access.OPEN;
import static io.storedash.monitor.redis.UnauthenticatedPing.Access.PASSWORD_REQUIRED;
import static io.storedash.monitor.redis.UnauthenticatedPing.Access.UNKNOWN;
import static org.assertj.core.api.Assertions.assertThat;

class UnauthenticatedPingTest {

  @Test
  void judgesTheFirstLineOfTheReply() {
    assertThat(UnauthenticatedPing.judge("+PONG")).isEqualTo(OPEN);
    assertThat(UnauthenticatedPing.judge("-NOAUTH Authentication required.")).isEqualTo(PASSWORD_REQUIRED);
    assertThat(UnauthenticatedPing.judge("-WRONGPASS invalid username-password pair or user is disabled.")).isEqualTo(PASSWORD_REQUIRED);
    // A default user that may not PING, a TLS port's garbage, anything else: no judgement either way.
    assertThat(UnauthenticatedPing.judge("-NOPERM this user has no permissions to run the 'ping' command")).isEqualTo(UNKNOWN);
    assertThat(UnauthenticatedPing.judge("\u0015\u0003\u0001")).isEqualTo(UNKNOWN);
  }

  @Test
  void onlyAPlainRedisUrlIsProbed() {
    Vertx vertx = Vertx.vertx();
    try {
      assertThat(UnauthenticatedPing.forUrl(vertx, "redis://h:6379", "h:6379", 100)).isNotNull();
      assertThat(UnauthenticatedPing.forUrl(vertx, "redis://[::1]:6379", "[::1]:6379", 100)).isNotNull();
      assertThat(UnauthenticatedPing.forUrl(vertx, "rediss://h:6380", "h:6380", 100)).isNull();
      assertThat(UnauthenticatedPing.forUrl(vertx, "unix:///run/redis.sock", null, 100)).isNull();
    } finally {
      vertx.close().await();
    }
  }
}
