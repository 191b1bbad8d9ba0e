package io.storedash.common.config;

import io.storedash.common.security.Redaction;

import java.util.List;

/**
 * Start-up configuration is wrong; the message names every bad variable and what it expects. Every problem is
 * redacted ({@link Redaction}): a value is echoed to say what is wrong with it, a secret never.
 */
public final class ConfigException extends RuntimeException {

  private final List<String> problems;

  public ConfigException(List<String> problems) {
    this(problems.stream().map(Redaction::redact).toList(), true);
  }

  private ConfigException(List<String> redacted, boolean ignored) {
    super("bad configuration: " + String.join("; ", redacted));
    this.problems = List.copyOf(redacted);
  }

  public List<String> problems() {
    return problems;
  }
}
