package io.storedash.query.ingest;

import io.storedash.common.testing.TestStorage;

import java.util.ArrayList;
import java.util.List;

/**
 * The bulk-load benchmark: runs {@link LoadDemo} against a fresh database of the embedded PostgreSQL the tests use
 * (or of PG_URL's server when set), with LoadDemo's arguments. Not a test: run it by hand, see docs.
 * <pre>
 * mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
 * java -cp target/classes:target/test-classes:$(cat target/test.classpath) io.storedash.query.ingest.LoadBenchmark \
 *   --stores 100 --rows-per-store 30000 --days 90 --seed 42 --end-date 2026-10-31
 * </pre>
 */
public final class LoadBenchmark {

  private LoadBenchmark() {
  }

  public static void main(String[] args) {
    List<String> withDatabase = new ArrayList<>(List.of(args));
    withDatabase.add("--pg-url");
    withDatabase.add(TestStorage.newDatabase());
    LoadDemo.main(withDatabase.toArray(String[]::new));
  }
}
