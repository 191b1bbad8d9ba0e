package io.storedash.common.client;

import io.storedash.common.Addresses;
import io.storedash.common.DashboardQuery;
import io.storedash.common.DashboardReply;
import io.storedash.common.Failure;
import io.storedash.common.QueryKind;
import io.storedash.common.ReplyHeaders;
import io.storedash.common.security.ClusterKeys;
import io.storedash.common.security.MessageSignatures;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
class ClientsTest {

  private static final Duration TIMEOUT = Duration.ofMillis(300);
  private static final MessageSignatures SIGNATURES = MessageSignatures.of(ClusterKeys.random(), "test", new SimpleMeterRegistry());
  private static final DashboardQuery OVERVIEW = DashboardQuery.of(QueryKind.OVERVIEW, "S001",
    LocalDate.parse("2024-01-01"), LocalDate.parse("2024-01-31"));

  @Test
  void computeSendsTheQueryAndKeepsTheResultBytesAndHeaders(Vertx vertx, VertxTestContext testContext) {
    AtomicReference<Object> asked = new AtomicReference<>();
    vertx.eventBus().consumer(Addresses.DASHBOARD_COMPUTE, message -> {
      asked.set(message.body());
      DashboardReply.computed(Buffer.buffer("{\"revenue\":12}"), "3.5").replyTo(message);
    }).completion()
      .compose(v -> QueryClient.create(vertx, SIGNATURES, TIMEOUT).compute(OVERVIEW))
      .onComplete(testContext.succeeding(reply -> testContext.verify(() -> {
        assertThat(asked.get()).isEqualTo(OVERVIEW.toJson());
        assertThat(reply.body().toString()).isEqualTo("{\"revenue\":12}");
        assertThat(reply.computeMs()).isEqualTo("3.5");
        assertThat(reply.gzipped()).isFalse();
        assertThat(reply.tier()).isNull();
        testContext.completeNow();
      })));
  }

  @Test
  void aCachedAnswerSaysWhereItCameFrom(Vertx vertx, VertxTestContext testContext) {
    vertx.eventBus().<JsonObject>consumer(Addresses.DASHBOARD_QUERY, message -> message.reply(Buffer.buffer(new byte[] {31, -117}),
        new DeliveryOptions().addHeader(ReplyHeaders.TIER, "L2").addHeader(ReplyHeaders.CACHE_STATUS, "HIT")
          .addHeader(ReplyHeaders.ENCODING, "gzip").addHeader(ReplyHeaders.ETAG, "\"abc\"")))
      .completion()
      .compose(v -> CacheClient.create(vertx, SIGNATURES, TIMEOUT).query(OVERVIEW))
      .onComplete(testContext.succeeding(reply -> testContext.verify(() -> {
        assertThat(reply.body().getBytes()).containsExactly(31, -117);
        assertThat(reply.tier()).isEqualTo("L2");
        assertThat(reply.cacheStatus()).isEqualTo("HIT");
        assertThat(reply.gzipped()).isTrue();
        assertThat(reply.etag()).isEqualTo("\"abc\"");
        assertThat(reply.computeMs()).isNull();
        testContext.completeNow();
      })));
  }

  @Test
  void theAdminCommandsAreTheOnesCacheServiceReadsSigned(Vertx vertx, VertxTestContext testContext) {
    List<JsonObject> commands = new ArrayList<>();
    CacheClient cache = CacheClient.create(vertx, SIGNATURES, TIMEOUT);
    vertx.eventBus().<JsonObject>consumer(Addresses.CACHE_ADMIN, SIGNATURES.verified(Addresses.CACHE_ADMIN, message -> {
      commands.add(message.body());
      message.reply(new JsonObject().put("ok", true));
    })).completion()
      .compose(v -> cache.warm(new JsonArray().add("S001")))
      .compose(v -> cache.warm(null))
      .compose(v -> cache.flush("L2", null))
      .compose(v -> cache.stats())
      .onComplete(testContext.succeeding(stats -> testContext.verify(() -> {
        assertThat(stats).isEqualTo(new JsonObject().put("ok", true));
        assertThat(commands).containsExactly(
          new JsonObject().put("action", "warm").put("stores", new JsonArray().add("S001")),
          new JsonObject().put("action", "warm"),
          new JsonObject().put("action", "flush").put("tier", "L2").put("store", null),
          new JsonObject().put("action", "stats"));
        testContext.completeNow();
      })));
  }

  @Test
  void aChannelCommandIsSigned(Vertx vertx, VertxTestContext testContext) {
    vertx.eventBus().<JsonObject>consumer(Addresses.CHANNELS, SIGNATURES.verified(Addresses.CHANNELS,
        message -> message.reply(new JsonObject().put("channels", new JsonArray()))))
      .completion()
      .compose(v -> QueryClient.create(vertx, SIGNATURES, TIMEOUT).channels(new JsonObject().put("action", "list")))
      .onComplete(testContext.succeeding(reply -> testContext.verify(() -> {
        assertThat(reply.getJsonArray("channels")).isEmpty();
        testContext.completeNow();
      })));
  }

  @Test
  void noInstanceIsADownstreamFailureNamingTheService(Vertx vertx, VertxTestContext testContext) {
    MonitorClient.create(vertx, TIMEOUT).snapshot().onComplete(testContext.failing(e -> testContext.verify(() -> {
      assertThat(e).isInstanceOf(DownstreamFailure.class).hasMessage("no instance of monitor-service is running");
      assertThat(((DownstreamFailure) e).service()).isEqualTo("monitor-service");
      assertThat(Failure.of(e)).isSameAs(Failure.NO_INSTANCE);
      testContext.completeNow();
    })));
  }

  @Test
  void noAnswerWithinTheTimeoutIsATimeout(Vertx vertx, VertxTestContext testContext) {
    vertx.eventBus().consumer(Addresses.DASHBOARD_COMPUTE, message -> {
      // Never answers.
    }).completion()
      .compose(v -> QueryClient.create(vertx, SIGNATURES, TIMEOUT).compute(OVERVIEW))
      .onComplete(testContext.failing(e -> testContext.verify(() -> {
        assertThat(Failure.of(e)).isSameAs(Failure.TIMEOUT);
        assertThat(e).hasMessage("query-service did not complete the request within 300 ms");
        testContext.completeNow();
      })));
  }

  @Test
  void theServicesOwnFailureIsKeptAsItSentIt(Vertx vertx, VertxTestContext testContext) {
    vertx.eventBus().consumer(Addresses.DATA_VERSIONS, message -> message.fail(503, "PostgreSQL is unavailable"))
      .completion()
      .compose(v -> QueryClient.create(vertx, SIGNATURES, TIMEOUT).dataVersions())
      .onComplete(testContext.failing(e -> testContext.verify(() -> {
        assertThat(e).isInstanceOf(ReplyException.class).hasMessage("PostgreSQL is unavailable");
        assertThat(Failure.of(e)).isSameAs(Failure.DEPENDENCY_DOWN);
        testContext.completeNow();
      })));
  }

  @Test
  void requestsGoThroughTheCallersBreaker(Vertx vertx, VertxTestContext testContext) {
    List<String> sent = new ArrayList<>();
    ServiceRequests breaker = new ServiceRequests() {
      @Override
      public String service() {
        return "query-service";
      }

      @Override
      public <T> Future<Message<T>> request(String address, Object body, DeliveryOptions options) {
        sent.add(address + " " + options.getSendTimeout());
        return Future.failedFuture(DownstreamFailure.circuitOpen("query-service", 4));
      }
    };
    QueryClient.create(breaker, SIGNATURES, TIMEOUT).compute(OVERVIEW).onComplete(testContext.failing(e -> testContext.verify(() -> {
      assertThat(sent).containsExactly(Addresses.DASHBOARD_COMPUTE + " 300");
      assertThat(((DownstreamFailure) e).kind()).isEqualTo(DownstreamFailure.Kind.CIRCUIT_OPEN);
      assertThat(((DownstreamFailure) e).retryAfterSeconds()).isEqualTo(4);
      testContext.completeNow();
    })));
  }
}
