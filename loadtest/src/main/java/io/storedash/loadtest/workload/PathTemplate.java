package io.storedash.loadtest.workload;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.StringJoiner;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request path with the placeholders {@code {store}}, {@code {from}} and {@code {to}}, e.g.
 * {@code /api/v1/stores/{store}/overview?from={from}&to={to}}. A query parameter whose value expands to nothing is
 * dropped, so without an end date the server's default range is asked for.
 */
public final class PathTemplate {

  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");

  private final String text;
  private final boolean usesStore;
  private final boolean usesRange;

  public PathTemplate(String text) {
    if (text == null || !text.startsWith("/")) {
      throw new IllegalArgumentException("path '" + text + "' must start with /");
    }
    if (text.chars().anyMatch(c -> c <= ' ')) {
      throw new IllegalArgumentException("path '" + text + "' contains a space or control character");
    }
    Matcher m = PLACEHOLDER.matcher(text);
    boolean store = false;
    boolean range = false;
    while (m.find()) {
      switch (m.group(1)) {
        case "store" -> store = true;
        case "from", "to" -> range = true;
        default -> throw new IllegalArgumentException(
          "path '" + text + "' has the unknown placeholder {" + m.group(1) + "}; use {store}, {from}, {to}");
      }
    }
    this.text = text;
    this.usesStore = store;
    this.usesRange = range;
  }

  public String text() {
    return text;
  }

  public boolean usesStore() {
    return usesStore;
  }

  public boolean usesRange() {
    return usesRange;
  }

  /** The concrete request URI; {@code from}/{@code to} may be null for the server's default range. */
  public String expand(String store, String from, String to) {
    String s = text;
    if (usesStore) {
      s = s.replace("{store}", URLEncoder.encode(store, StandardCharsets.UTF_8).replace("+", "%20"));
    }
    if (!usesRange) {
      return s;
    }
    s = s.replace("{from}", from == null ? "" : from).replace("{to}", to == null ? "" : to);
    int q = s.indexOf('?');
    if (q < 0) {
      return s;
    }
    StringJoiner kept = new StringJoiner("&");
    for (String param : s.substring(q + 1).split("&")) {
      if (!param.isEmpty() && !param.endsWith("=")) {
        kept.add(param);
      }
    }
    return kept.length() == 0 ? s.substring(0, q) : s.substring(0, q + 1) + kept;
  }

  @Override
  public String toString() {
    return text;
  }
}
