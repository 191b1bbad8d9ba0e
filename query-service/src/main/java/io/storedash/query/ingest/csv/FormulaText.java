package io.storedash.query.ingest.csv;

/**
 * Text that a spreadsheet would run as a formula when it opens a CSV file ("CSV injection"): a cell starting with
 * {@code =}, {@code +}, {@code -}, {@code @}, a tab or a carriage return. StoreDash stores such text as it is (a
 * product may well be called {@code -20% 特价}); exports mark it as text with a leading apostrophe, as spreadsheets
 * themselves do, and imports remove that one mark, so an export reads back to the same values.
 */
public final class FormulaText {

  private static final String TRIGGERS = "=+-@\t\r";

  private FormulaText() {
  }

  public static boolean looksLikeFormula(String value) {
    return value != null && !value.isEmpty() && TRIGGERS.indexOf(value.charAt(0)) >= 0;
  }

  /** The value without the apostrophe that marks formula-like text as text; any other value as it is. */
  public static String unmarked(String value) {
    if (value != null && value.length() > 1 && value.charAt(0) == '\'' && looksLikeFormula(value.substring(1))) {
      return value.substring(1);
    }
    return value;
  }
}
