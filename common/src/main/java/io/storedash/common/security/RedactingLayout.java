package io.storedash.common.security;

import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;

/**
 * The log layout of every StoreDash process ({@code logback.xml}): the pattern's line, stack trace included, passed
 * through {@link Redaction#redact}. A safety net under the redaction done where failures are logged: whatever a
 * library puts in a message or an exception — a URL with its password, a {@code password=} parameter, a configured
 * secret word for word — does not reach the log.
 */
public final class RedactingLayout extends PatternLayout {

  @Override
  public String doLayout(ILoggingEvent event) {
    return Redaction.redact(super.doLayout(event));
  }
}
