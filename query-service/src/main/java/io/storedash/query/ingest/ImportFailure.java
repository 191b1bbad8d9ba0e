package io.storedash.query.ingest;

import io.storedash.query.ingest.csv.ImportReport;

/**
 * An import that wrote nothing: the failure code of the event-bus contract (400 not CSV, 413 too large, 422 bad
 * lines) and the report that says why.
 */
public final class ImportFailure extends RuntimeException {

  private final int code;
  private final ImportReport report;

  public ImportFailure(int code, ImportReport report) {
    super(report.detail(), null, false, false);
    this.code = code;
    this.report = report;
  }

  public int code() {
    return code;
  }

  public ImportReport report() {
    return report;
  }
}
