package io.storedash.loadtest.workload;

/**
 * One request of the mix: a short name for the report, the path template, and its weight in the open model (the
 * closed model visits every endpoint once per session, in order).
 */
public record Endpoint(String name, PathTemplate path, double weight) {

  public Endpoint {
    if (name == null || !name.matches("[A-Za-z0-9_.-]+")) {
      throw new IllegalArgumentException("endpoint name '" + name + "' may use only letters, digits, _ . -");
    }
    if (!(weight >= 0) || Double.isInfinite(weight)) {
      throw new IllegalArgumentException("endpoint " + name + ": weight must be a number >= 0, got " + weight);
    }
  }
}
