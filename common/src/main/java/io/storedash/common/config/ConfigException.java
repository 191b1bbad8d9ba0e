package io.storedash.common.config;

import java.util.List;

/** Start-up configuration is wrong; the message names every bad variable and what it expects. */
public final class ConfigException extends RuntimeException {

  private final List<String> problems;

  public ConfigException(List<String> problems) {
    super("bad configuration: " + String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
