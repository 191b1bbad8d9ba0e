package io.storedash.loadtest.plan;

import java.util.List;

/** The command line asks for something the tool will not do; every problem is listed, one sentence each. */
public final class PlanException extends Exception {

  private final List<String> problems;

  public PlanException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
