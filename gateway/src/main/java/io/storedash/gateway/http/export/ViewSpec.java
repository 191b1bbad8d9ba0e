package io.storedash.gateway.http.export;

import io.storedash.common.QueryKind;

import java.util.List;

/**
 * What an export of one kind of view writes: its name and its tables. A paged view ({@code page} among its kind's
 * defaults) has one table, the paged list, and is exported page by page; any other view is one answer.
 */
record ViewSpec(QueryKind kind, Label name, List<Table> tables) {

  ViewSpec {
    if (paged(kind) && tables.size() != 1) {
      throw new IllegalArgumentException(kind.wireName() + " is paged: its export is exactly its paged list");
    }
  }

  static ViewSpec of(QueryKind kind, String zh, String en, Table... tables) {
    return new ViewSpec(kind, new Label(zh, en), List.of(tables));
  }

  boolean paged() {
    return paged(kind);
  }

  private static boolean paged(QueryKind kind) {
    return kind.defaults().containsKey("page");
  }
}
