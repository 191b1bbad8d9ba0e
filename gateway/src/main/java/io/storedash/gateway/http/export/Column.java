package io.storedash.gateway.http.export;

import java.math.BigDecimal;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;

/**
 * A column of an exported table: where its value is in a row of the view (a dotted path such as
 * {@code previous.revenue}), its header in both languages, and how the value is written.
 *
 * @param labels texts for codes ({@link Type#LABEL}, {@link Type#LABELS}), empty otherwise
 * @param period for the overview's figures: the view's member naming their period ({@code previous},
 *               {@code previous_year}); the column is left out when the view has no such period, and a figure's header
 *               names its days; null for every other column
 */
record Column(String path, Label header, Type type, Map<String, Label> labels, String period) {

  /** How a value becomes a cell. */
  enum Type {
    TEXT, COUNT, MONEY, PERCENT, POINTS, DECIMAL,
    /** A code (or true/false) written as its label. */
    LABEL,
    /** A list of objects with a {@code code}, written as their labels. */
    LABELS,
    /** A list of objects with a {@code recommendation: {zh, en}}, written in the export's language. */
    ADVICE,
    /** An object {@code {zh, en}} (the 今日必做 advice), written in the export's language. */
    LOCALISED,
    /** A number shown as the row's {@code unit} says (the overview's figures). */
    FIGURE,
    /** A change: {@code {"relative": r}} as a percentage, {@code {"points": p}} in points. */
    CHANGE
  }

  static Column of(String path, String zh, String en, Type type) {
    return new Column(path, new Label(zh, en), type, Map.of(), null);
  }

  static Column labelled(String path, String zh, String en, Type type, Map<String, Label> labels) {
    return new Column(path, new Label(zh, en), type, labels, null);
  }

  static Column ofPeriod(String path, String zh, String en, Type type, String period) {
    return new Column(path, new Label(zh, en), type, Map.of(), period);
  }

  /** Whether the view has what this column shows. */
  boolean shownFor(Map<String, Object> view) {
    return period == null || view.get(period) instanceof Map;
  }

  /** The header, with the days of the column's period for a figure of one ({@code 上期 2026-09-01–2026-09-30}). */
  String header(Language language, Map<String, Object> view) {
    String text = header.in(language);
    if (period != null && type == Type.FIGURE && view.get(period) instanceof Map<?, ?> days
      && days.get("from") != null && days.get("to") != null) {
      return text + " " + days.get("from") + "–" + days.get("to");
    }
    return text;
  }

  /** The cell of this column in a row. */
  Cell cell(Map<String, Object> row, Language language) {
    Object value = valueAt(row, path);
    if (value == null) {
      return Cell.EMPTY;
    }
    if (value instanceof Label label) {
      return new Cell.Text(label.in(language));
    }
    return switch (type) {
      case TEXT -> new Cell.Text(text(value));
      case COUNT -> figure(value, Cell.Shown.COUNT);
      case MONEY -> figure(value, Cell.Shown.MONEY);
      case PERCENT -> figure(value, Cell.Shown.PERCENT);
      case POINTS -> figure(value, Cell.Shown.POINTS);
      case DECIMAL -> figure(value, Cell.Shown.DECIMAL);
      case LABEL -> new Cell.Text(label(text(value), language));
      case LABELS -> joined(value, item -> label(text(item.get("code")), language), language);
      case ADVICE -> joined(value, item -> item.get("recommendation") instanceof Map<?, ?> advice
        ? text(advice.get(language == Language.ZH ? "zh" : "en")) : "", language);
      case LOCALISED -> new Cell.Text(value instanceof Map<?, ?> words
        ? text(words.get(language == Language.ZH ? "zh" : "en")) : text(value));
      case FIGURE -> row.get(ViewSpecs.UNIT) instanceof Cell.Shown shown ? figure(value, shown) : new Cell.Text(text(value));
      case CHANGE -> change(value);
    };
  }

  private String label(String code, Language language) {
    Label label = labels.get(code);
    return label == null ? code : label.in(language);
  }

  private static Cell change(Object value) {
    if (!(value instanceof Map<?, ?> change)) {
      return Cell.EMPTY;
    }
    if (change.get("relative") != null) {
      return figure(change.get("relative"), Cell.Shown.PERCENT);
    }
    return change.get("points") == null ? Cell.EMPTY : figure(change.get("points"), Cell.Shown.POINTS);
  }

  private static Cell figure(Object value, Cell.Shown shown) {
    if (value instanceof BigDecimal number) {
      return new Cell.Figure(number, shown);
    }
    // Not a number where the view should have one: written as it came, as text, never dropped.
    return new Cell.Text(text(value));
  }

  private static Cell joined(Object value, java.util.function.Function<Map<?, ?>, String> text, Language language) {
    if (!(value instanceof List<?> items)) {
      return new Cell.Text(text(value));
    }
    StringJoiner joined = new StringJoiner(language.pick("、", "; "));
    for (Object item : items) {
      if (item instanceof Map<?, ?> map) {
        joined.add(text.apply(map));
      }
    }
    return new Cell.Text(joined.toString());
  }

  static String text(Object value) {
    if (value == null) {
      return "";
    }
    return value instanceof BigDecimal number ? number.toPlainString() : value.toString();
  }

  /** The value at a dotted path, or null when any step is missing. */
  @SuppressWarnings("unchecked")
  static Object valueAt(Map<String, Object> row, String path) {
    Object current = row;
    int start = 0;
    while (current instanceof Map<?, ?> map) {
      int dot = path.indexOf('.', start);
      String step = dot < 0 ? path.substring(start) : path.substring(start, dot);
      current = ((Map<String, Object>) map).get(step);
      if (dot < 0) {
        return current;
      }
      start = dot + 1;
    }
    return null;
  }
}
