package io.storedash.common.security;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RedactionTest {

  @Test
  void aUrlKeepsItsUserAndLosesItsPassword() {
    assertThat(Redaction.redact("Cannot parse invalid connection URI: postgresql://storedash:pw%21x@127.0.0.1:5432/db?sslmode=bogus"))
      .isEqualTo("Cannot parse invalid connection URI: postgresql://storedash:***@127.0.0.1:5432/db?sslmode=bogus");
    assertThat(Redaction.redact("Illegal character in authority at index 8: redis://:pa^ss@127.0.0.1:1"))
      .isEqualTo("Illegal character in authority at index 8: redis://:***@127.0.0.1:1");
    // A raw @ in the password: everything up to the last @ of the URL goes.
    assertThat(Redaction.redact("redis://:p@ss@cache:6379/0")).isEqualTo("redis://:***@cache:6379/0");
    assertThat(Redaction.redact("'redis-sentinel://u:a@h1:26379,h2:26379/m' and 'rediss://:b@c:6380'"))
      .isEqualTo("'redis-sentinel://u:***@h1:26379,h2:26379/m' and 'rediss://:***@c:6380'");
  }

  @Test
  void passwordParametersLoseTheirValue() {
    assertThat(Redaction.redact("jdbc:postgresql://h/db?user=u&password=abc&ssl=true"))
      .isEqualTo("jdbc:postgresql://h/db?user=u&password=***&ssl=true");
    assertThat(Redaction.redact("redis://cache:6379?PASSWORD=abc; next")).isEqualTo("redis://cache:6379?PASSWORD=***; next");
  }

  @Test
  void whatHoldsNoSecretIsLeftAlone() {
    for (String text : List.of(
      "cannot migrate the schema of PostgreSQL 127.0.0.1:1/storedash: Unable to obtain connection from database "
        + "(jdbc:postgresql://127.0.0.1:1/storedash) for user 'storedash': Connection to 127.0.0.1:1 refused.",
      "redis://127.0.0.1:6379/0", "http://127.0.0.1:8051/api/v1/stores?from=2026-01-01", "user@example.com",
      "FATAL: password authentication failed for user \"storedash\"",
      // Templates in messages that say what a URL should look like.
      "expected redis://[user:password@]host:port[/db] or redis-sentinel://[[user]:password@]host:port/master-name",
      "expected postgresql://user[:password]@host[:port]/database")) {
      assertThat(Redaction.redact(text)).isEqualTo(text);
    }
    assertThat(Redaction.redact(null)).isNull();
  }

  @Test
  void registeredSecretsAreMaskedWordForWordRawAndPercentEncoded() {
    String secret = "Rdct-" + System.nanoTime() + "!a b/c";
    Redaction.register(secret);
    String encoded = java.net.URLEncoder.encode(secret, java.nio.charset.StandardCharsets.UTF_8);
    assertThat(Redaction.redact("token " + secret + " then " + encoded + " then " + encoded.replace("+", "%20")))
      .isEqualTo("token *** then *** then ***");
    // A password given percent-encoded (as in a URL) is masked decoded too.
    String inUrl = "Rdct-" + System.nanoTime() + "%5Ex";
    Redaction.register(inUrl);
    assertThat(Redaction.redact("reason: " + inUrl.replace("%5E", "^"))).isEqualTo("reason: ***");
  }

  @Test
  void shortValuesAreNotMaskedEverywhere() {
    Redaction.register(java.util.Arrays.asList("pass", "", " ", null));
    assertThat(Redaction.redact("a password is needed")).isEqualTo("a password is needed");
    // ... but in a URL they are.
    assertThat(Redaction.redact("redis://:pass@h:1")).isEqualTo("redis://:***@h:1");
  }

  @Test
  void passwordsInTextAreFound() {
    assertThat(Redaction.passwordsIn("postgresql://u:p%40ss@h/db?password=second")).containsExactly("p%40ss", "second");
    assertThat(Redaction.passwordsIn("redis://h:6379")).isEmpty();
  }

  @Test
  void aFailureCopyKeepsClassesFramesAndCausesWithRedactedMessages() {
    IllegalArgumentException cause = new IllegalArgumentException("Could not find an appropriate SSL mode");
    IllegalArgumentException failure = new IllegalArgumentException(
      "Cannot parse invalid connection URI: postgresql://u:hunter2hunter2@h/db", cause);
    failure.addSuppressed(new IllegalStateException("also redis://:hunter3hunter3@h:1"));
    Throwable copy = Redaction.throwable(failure);
    assertThat(copy.getMessage()).isEqualTo(
      "java.lang.IllegalArgumentException: Cannot parse invalid connection URI: postgresql://u:***@h/db");
    assertThat(copy.getStackTrace()).isEqualTo(failure.getStackTrace());
    assertThat(copy.getCause().getMessage()).isEqualTo("java.lang.IllegalArgumentException: Could not find an appropriate SSL mode");
    assertThat(copy.getSuppressed()).hasSize(1);
    StringWriter printed = new StringWriter();
    copy.printStackTrace(new PrintWriter(printed));
    assertThat(printed.toString()).doesNotContain("hunter").contains("IllegalStateException: also redis://:***@h:1");
    // Nothing to hide: the failure itself.
    IllegalStateException clean = new IllegalStateException("Connection refused", cause);
    assertThat(Redaction.throwable(clean)).isSameAs(clean);
    assertThat(Redaction.message(new IllegalStateException())).isEqualTo("IllegalStateException");
    assertThat(Redaction.message(failure)).doesNotContain("hunter");
  }

  @Test
  void theLogLayoutRedactsEveryLineStackTracesIncluded() {
    String secret = "Layout-" + System.nanoTime() + "-secret";
    Redaction.register(secret);
    LoggerContext context = new LoggerContext();
    RedactingLayout layout = new RedactingLayout();
    layout.setContext(context);
    layout.setPattern("%-5level %logger - %msg%n");
    layout.start();
    Logger logger = context.getLogger("test");
    LoggingEvent event = new LoggingEvent(Logger.class.getName(), logger, Level.ERROR, "failed with {} for {}",
      new IllegalStateException("nested postgresql://u:" + secret + "@h/db"), new Object[] {secret, "redis://:x1@h:1"});
    String line = layout.doLayout(event);
    assertThat(line).startsWith("ERROR test - failed with *** for redis://:***@h:1")
      .contains("IllegalStateException: nested postgresql://u:***@h/db")
      .doesNotContain(secret).doesNotContain("x1@");
  }

  @Test
  void everyProcessLogsThroughTheRedactingLayout() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    ConsoleAppender<?> stdout = (ConsoleAppender<?>) context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME).getAppender("STDOUT");
    assertThat(stdout).as("logback.xml's STDOUT appender").isNotNull();
    assertThat(((LayoutWrappingEncoder<?>) stdout.getEncoder()).getLayout()).isInstanceOf(RedactingLayout.class);
  }
}
