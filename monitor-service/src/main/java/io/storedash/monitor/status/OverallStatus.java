package io.storedash.monitor.status;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** One colour for the whole installation and the reasons for it, the red ones first. */
public final class OverallStatus {

  public enum Colour {
    GREEN, YELLOW, RED;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final List<String> red = new ArrayList<>();
  private final List<String> yellow = new ArrayList<>();

  /** Something users feel now: a dependency down, a service with no instance, requests failing. */
  public OverallStatus red(String reason) {
    red.add(reason);
    return this;
  }

  /** Something ops should look at before users feel it. */
  public OverallStatus yellow(String reason) {
    yellow.add(reason);
    return this;
  }

  public Colour colour() {
    return !red.isEmpty() ? Colour.RED : !yellow.isEmpty() ? Colour.YELLOW : Colour.GREEN;
  }

  public List<String> reasons() {
    List<String> reasons = new ArrayList<>(red);
    reasons.addAll(yellow);
    return reasons;
  }
}
