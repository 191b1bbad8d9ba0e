package io.storedash.gateway.http.export;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A table of an export: a sheet of the workbook, a section of the CSV file.
 *
 * @param rows    the view's member that holds the rows (a list of objects); for {@link Source#FIGURES} the member
 *                whose keys are the figures
 * @param title   the sheet's name and the section's title
 * @param columns in the order they are written
 */
record Table(String rows, Label title, List<Column> columns, Source source) {

  /** Where the rows come from. */
  enum Source {
    /** One row per object of the list at {@link #rows}. */
    LIST,
    /**
     * One row per figure of the object at {@link #rows} (the overview's {@code kpis}), in the view's order: the
     * figure's name, its unit, and its value in {@code kpis} and in every other member of the view that has it
     * ({@code previous}, {@code change}, ...), each under that member's name.
     */
    FIGURES
  }

  static Table list(String rows, String zh, String en, Column... columns) {
    return new Table(rows, new Label(zh, en), List.of(columns), Source.LIST);
  }

  static Table figures(String rows, String zh, String en, Column... columns) {
    return new Table(rows, new Label(zh, en), List.of(columns), Source.FIGURES);
  }

  /** The columns this view has data for. */
  List<Column> columnsFor(Map<String, Object> view) {
    return columns.stream().filter(c -> c.shownFor(view)).toList();
  }

  /** The rows of this table in a view (one page of it for a paged view); none when the view has no such member. */
  @SuppressWarnings("unchecked")
  List<Map<String, Object>> rowsOf(Map<String, Object> view) {
    Object value = Column.valueAt(view, rows);
    List<Map<String, Object>> list = new ArrayList<>();
    if (source == Source.LIST && value instanceof List<?> items) {
      for (Object item : items) {
        if (item instanceof Map<?, ?> row) {
          list.add((Map<String, Object>) row);
        }
      }
    } else if (source == Source.FIGURES && value instanceof Map<?, ?> figures) {
      for (Object name : figures.keySet()) {
        list.add(ViewSpecs.figureRow((String) name, view));
      }
    }
    return list;
  }
}
