package io.storedash.common;

import io.storedash.common.client.DownstreamFailure;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FailureTest {

  private static ReplyException recipient(int code) {
    return new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code, "a sentence");
  }

  @Test
  void aRecipientsCodeIsItsHttpStatus() {
    assertThat(Failure.of(recipient(400))).isSameAs(Failure.BAD_REQUEST);
    assertThat(Failure.of(recipient(403))).isSameAs(Failure.FORBIDDEN);
    assertThat(Failure.of(recipient(404))).isSameAs(Failure.UNKNOWN_STORE);
    assertThat(Failure.of(recipient(413))).isSameAs(Failure.TOO_LARGE);
    assertThat(Failure.of(recipient(422))).isSameAs(Failure.UNPROCESSABLE);
    assertThat(Failure.of(recipient(500))).isSameAs(Failure.BUG);
    assertThat(Failure.of(recipient(503))).isSameAs(Failure.DEPENDENCY_DOWN);
    for (int code : new int[] {400, 403, 404, 413, 422, 500, 503}) {
      assertThat(Failure.of(recipient(code)).httpStatus()).isEqualTo(code);
      assertThat(Failure.of(recipient(code)).code()).isEqualTo(code);
    }
  }

  @Test
  void anUnlistedCodeTravelsOnAndOnlyHttpErrorCodesBecomeTheStatus() {
    assertThat(Failure.of(recipient(409))).isEqualTo(new Failure.Code(409));
    assertThat(Failure.of(recipient(409)).httpStatus()).isEqualTo(409);
    assertThat(Failure.of(recipient(502)).httpStatus()).isEqualTo(502);
    assertThat(Failure.of(recipient(-1)).httpStatus()).isEqualTo(500);
    assertThat(Failure.of(recipient(302)).httpStatus()).isEqualTo(500);
    assertThat(Failure.of(recipient(600)).httpStatus()).isEqualTo(500);
  }

  @Test
  void theEventBusOwnFailuresAreNoInstanceAndTimeout() {
    Failure none = Failure.of(new ReplyException(ReplyFailure.NO_HANDLERS, -1, "no handlers"));
    Failure late = Failure.of(new ReplyException(ReplyFailure.TIMEOUT, -1, "timed out"));

    assertThat(none).isSameAs(Failure.NO_INSTANCE);
    assertThat(none.httpStatus()).isEqualTo(503);
    assertThat(late).isSameAs(Failure.TIMEOUT);
    assertThat(late.httpStatus()).isEqualTo(504);
    // Relayed by a service that depends on the one that is missing or slow: its dependency is down.
    assertThat(none.code()).isEqualTo(503);
    assertThat(late.code()).isEqualTo(503);
  }

  @Test
  void anythingNobodyMeantToSendIsABug() {
    assertThat(Failure.of(new NullPointerException())).isSameAs(Failure.BUG);
    assertThat(Failure.of(new ReplyException(ReplyFailure.ERROR, -1, "codec"))).isSameAs(Failure.BUG);
    assertThat(Failure.BUG.httpStatus()).isEqualTo(500);
  }

  @Test
  void aDownstreamFailureIsItsKind() {
    Throwable none = DownstreamFailure.translate("query-service", new ReplyException(ReplyFailure.NO_HANDLERS, -1, "x"), 5000);
    Throwable late = DownstreamFailure.translate("query-service", new ReplyException(ReplyFailure.TIMEOUT, -1, "x"), 5000);

    assertThat(Failure.of(none)).isSameAs(Failure.NO_INSTANCE);
    assertThat(none).hasMessage("no instance of query-service is running");
    assertThat(Failure.of(late)).isSameAs(Failure.TIMEOUT);
    assertThat(late).hasMessage("query-service did not complete the request within 5000 ms");
    assertThat(Failure.of(DownstreamFailure.circuitOpen("query-service", 7)).httpStatus()).isEqualTo(503);
    // A service's own answer is kept as it is.
    ReplyException own = recipient(404);
    assertThat(DownstreamFailure.translate("query-service", own, 5000)).isSameAs(own);
  }

  @Test
  void onlyTheServicesOwnFaultsCountAgainstIt() {
    assertThat(Failure.of(recipient(400)).countsAgainstService()).isFalse();
    assertThat(Failure.of(recipient(403)).countsAgainstService()).as("an unsigned message: the sender's fault").isFalse();
    assertThat(Failure.of(recipient(404)).countsAgainstService()).isFalse();
    assertThat(Failure.of(recipient(413)).countsAgainstService()).isFalse();
    assertThat(Failure.of(recipient(422)).countsAgainstService()).isFalse();
    assertThat(Failure.of(recipient(409)).countsAgainstService()).isFalse();
    // A dependency behind the service is down: it answered at once and will again when the dependency is back.
    assertThat(Failure.of(recipient(503)).countsAgainstService()).isFalse();
    assertThat(new Failure.Code(503).countsAgainstService()).isFalse();
    assertThat(Failure.of(recipient(500)).countsAgainstService()).isTrue();
    assertThat(Failure.of(recipient(502)).countsAgainstService()).isTrue();
    assertThat(Failure.NO_INSTANCE.countsAgainstService()).isTrue();
    assertThat(Failure.TIMEOUT.countsAgainstService()).isTrue();
    assertThat(Failure.of(new IllegalStateException()).countsAgainstService()).isTrue();
  }

  @Test
  void aReplyKeepsARecipientsOwnFailureAndCodesTheRest() {
    ReplyException own = recipient(422);
    assertThat(Failure.asReply(own)).isSameAs(own);

    ReplyException bug = Failure.asReply(new IllegalStateException("broken"));
    assertThat(bug.failureType()).isEqualTo(ReplyFailure.RECIPIENT_FAILURE);
    assertThat(bug.failureCode()).isEqualTo(500);
    assertThat(bug).hasMessage("broken");
    assertThat(Failure.asReply(new NullPointerException()).getMessage()).isEqualTo("NullPointerException");
    assertThat(Failure.asReply(new ReplyException(ReplyFailure.TIMEOUT, -1, "timed out")).failureCode()).isEqualTo(503);
    assertThat(Failure.unknownStore("S999").failureCode()).isEqualTo(404);
    assertThat(Failure.unknownStore("S999")).hasMessage("unknown store 'S999'");
    assertThat(Failure.DEPENDENCY_DOWN.reply("Redis is down").failureCode()).isEqualTo(503);
  }

  /** Admission control's 429 (docs/DESIGN.md §12.3): its own kind, never the service's fault, its seconds in its sentence. */
  @Test
  void overloadedIsA429ThatCarriesItsRetryAfterInItsSentence() {
    ReplyException shed = Failure.overloaded("this client is over its budget", 3);
    assertThat(Failure.of(shed)).isSameAs(Failure.OVERLOADED);
    assertThat(Failure.OVERLOADED.httpStatus()).isEqualTo(429);
    assertThat(Failure.OVERLOADED.countsAgainstService()).isFalse();
    assertThat(shed.getMessage()).isEqualTo("this client is over its budget; retry after 3 s");
    assertThat(Failure.retryAfterSeconds(shed.getMessage())).isEqualTo(3);
    assertThat(Failure.retryAfterSeconds(Failure.overloaded("x", 0).getMessage())).isEqualTo(1);
    for (String odd : new String[] {null, "", "no seconds here", "retry after many s", "retry after 99999999999 s"}) {
      assertThat(Failure.retryAfterSeconds(odd)).as(String.valueOf(odd)).isEqualTo(1);
    }
    assertThat(Failure.retryAfterSeconds("retry after 7200 s")).isEqualTo(3600);
  }
}
