package io.storedash.loadtest.slo;

/** One objective a run missed: which ({@code max_p99}, {@code min_success}, {@code min_hit_rate}), where, and why. */
public record SloViolation(String objective, String run, String message) {

  @Override
  public String toString() {
    return run + ": " + message;
  }
}
