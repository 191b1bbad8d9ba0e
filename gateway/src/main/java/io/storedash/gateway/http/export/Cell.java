package io.storedash.gateway.http.export;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** One written cell: text, or a number with the way the page shows it. */
sealed interface Cell {

  Cell EMPTY = new Text("");

  /** Text: a string cell in a workbook, a guarded field in CSV (never a formula in either). */
  record Text(String text) implements Cell {
  }

  /** A number: a number cell in a workbook, shown as the page shows it; its digits in CSV. */
  record Figure(BigDecimal value, Shown shown) implements Cell {
  }

  /** How a number is shown. */
  enum Shown {
    /** Whole numbers: orders, items, ranks. */
    COUNT("0", 0),
    /** Yuan with 2 decimals, as the JSON views write money (docs/DESIGN.md §4.2). */
    MONEY("0.00", 2),
    /** A ratio (4 decimals in JSON) as a percentage with 2: lossless. */
    PERCENT("0.00%", 4),
    /** A change in percentage points, 2 decimals. */
    POINTS("0.00", 2),
    /** Any other number, as it came. */
    DECIMAL("General", -1);

    private final String excelFormat;
    private final int scale;

    Shown(String excelFormat, int scale) {
      this.excelFormat = excelFormat;
      this.scale = scale;
    }

    /** The number format of a workbook cell. */
    String excelFormat() {
      return excelFormat;
    }

    /** The value with the scale it is written with (rounded half-up when the JSON had more digits). */
    BigDecimal scaled(BigDecimal value) {
      return scale < 0 ? value : value.setScale(scale, RoundingMode.HALF_UP);
    }

    /** The text of a CSV field: a percentage with its sign (Excel reads {@code 30.64%} as the number 0.3064). */
    String csv(BigDecimal value) {
      BigDecimal scaled = scaled(value);
      return this == PERCENT ? scaled.movePointRight(2).setScale(2, RoundingMode.HALF_UP).toPlainString() + "%"
        : scaled.toPlainString();
    }
  }
}
