package io.storedash.loadtest.plan;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses request rates: {@code 500/s}, {@code 500} (per second), {@code 30000/min}. */
public final class Rates {

  private static final Pattern FORM = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(?:/\\s*(s|sec|m|min))?");

  private Rates() {
  }

  /** Requests per second. */
  public static double parse(String text) {
    String t = text == null ? "" : text.trim().toLowerCase();
    Matcher m = FORM.matcher(t);
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + text + "' is not a rate: write e.g. 500/s or 30000/min");
    }
    double amount = Double.parseDouble(m.group(1));
    String unit = m.group(2);
    double perSecond = unit == null || unit.startsWith("s") ? amount : amount / 60.0;
    if (!(perSecond > 0)) {
      throw new IllegalArgumentException("rate '" + text + "' must be above 0");
    }
    return perSecond;
  }

  public static String format(double perSecond) {
    return perSecond == Math.rint(perSecond) ? ((long) perSecond) + "/s" : String.format("%.2f/s", perSecond);
  }
}
