package io.storedash.loadtest.plan;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the durations the command line takes: {@code 0}, {@code 500ms}, {@code 10s}, {@code 1.5s}, {@code 2m}, {@code 1h}. */
public final class Durations {

  private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h)");

  private Durations() {
  }

  public static Duration parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase();
    if (t.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = FORM.matcher(t);
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a duration: write a number with a unit, e.g. 500ms, 10s, 2m");
    }
    double amount = Double.parseDouble(m.group(1));
    double millis = switch (m.group(2)) {
      case "ms" -> amount;
      case "s" -> amount * 1_000;
      case "m" -> amount * 60_000;
      default -> amount * 3_600_000;
    };
    return Duration.ofNanos(Math.round(millis * 1_000_000));
  }

  /** The short form used in reports: {@code 750ms}, {@code 10s}, {@code 1.5s}. */
  public static String format(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    if (ms < 1_000 || ms % 100 != 0) {
      return ms + "ms";
    }
    return ms % 1_000 == 0 ? (ms / 1_000) + "s" : (ms / 1_000.0) + "s";
  }
}
