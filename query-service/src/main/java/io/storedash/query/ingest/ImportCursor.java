package io.storedash.query.ingest;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.sqlclient.Cursor;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;

import java.util.function.Consumer;

/** Reads the rows of an import's check queries through a cursor, so a file with many bad lines never fills memory. */
final class ImportCursor {

  /** Rows read at a time when streaming check results. */
  private static final int CURSOR_ROWS = 2_000;

  private ImportCursor() {
  }

  /** Reads a query's rows through a cursor, a few thousand at a time. */
  static Future<Void> stream(SqlConnection conn, String sql, Consumer<Row> each) {
    return conn.prepare(sql).compose(statement -> {
      Cursor cursor = statement.cursor();
      Promise<Void> done = Promise.promise();
      readAll(cursor, each, done);
      return done.future().eventually(() -> cursor.close().eventually(statement::close));
    });
  }

  private static void readAll(Cursor cursor, Consumer<Row> each, Promise<Void> done) {
    cursor.read(CURSOR_ROWS).onComplete(ar -> {
      if (ar.failed()) {
        done.fail(ar.cause());
        return;
      }
      RowSet<Row> rows = ar.result();
      try {
        rows.forEach(each);
      } catch (RuntimeException e) {
        done.fail(e);
        return;
      }
      if (cursor.hasMore()) {
        readAll(cursor, each, done);
      } else {
        done.complete();
      }
    });
  }
}
