package io.storedash.standalone;

import io.storedash.common.QueryKind;
import io.storedash.common.testing.TestStorage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The user's data across restarts, with the real standalone process (its fat jar) started and stopped as a user
 * would: a stop never deletes the embedded database, {@code --fresh} empties it before the start only, a second
 * StoreDash on a data directory in use names the holder and exits 2 (so does a start over a PostgreSQL that a killed
 * StoreDash left running), and a backup taken while StoreDash serves restores elsewhere to the same answers for
 * every view.
 */
class StandaloneDataIT {

  private static final Duration START = Duration.ofSeconds(180);
  private static final String END = "2026-10-31";
  private static final List<String> SMALL = List.of("--stores", "3", "--rows-per-store", "200", "--days", "20",
    "--end-date", END);

  private static ServiceProcesses processes;

  @TempDir
  Path dir;

  /** A running StoreDash. */
  record Running(Process process, int http, int management) {
    String url(String path) {
      return "http://127.0.0.1:" + http + path;
    }
  }

  @BeforeAll
  static void processes() throws IOException {
    processes = new ServiceProcesses(Map.of("ADMIN_TOKEN", "standalone-data-it-admin-token-0123"), "standalone-data-it");
  }

  @AfterAll
  static void stopAll() throws Exception {
    processes.close();
  }

  @Test
  void aStopKeepsTheDataAndFreshEmptiesItOnlyBeforeTheStart() throws Exception {
    Path data = dir.resolve("data");
    Running first = start(data, SMALL);
    String stores = get(first, "/api/v1/stores");
    String overview = get(first, "/api/v1/stores/all/overview?from=2026-10-12&to=" + END);
    assertThat(stores).contains("S001", "S002", "S003").doesNotContain("S004");
    stop(first);
    assertThat(data.resolve("postgres/PG_VERSION")).exists();

    // Restarted with the default demo options (12 stores): the data is kept, and demo data only fills an empty database.
    Running again = start(data, List.of());
    assertThat(get(again, "/api/v1/stores")).isEqualTo(stores);
    assertThat(get(again, "/api/v1/stores/all/overview?from=2026-10-12&to=" + END)).isEqualTo(overview);
    stop(again);

    // --fresh over a data directory that holds a database starts (no "directory exists but is not empty") ...
    Running fresh = start(data, List.of("--fresh", "--stores", "2", "--rows-per-store", "100", "--days", "10", "--end-date", END));
    String freshStores = get(fresh, "/api/v1/stores");
    assertThat(freshStores).contains("S001", "S002").doesNotContain("S003");
    stop(fresh);
    // ... and its stop keeps what it loaded.
    assertThat(data.resolve("postgres/PG_VERSION")).exists();
    Running afterFresh = start(data, List.of());
    assertThat(get(afterFresh, "/api/v1/stores")).isEqualTo(freshStores);
    stop(afterFresh);
  }

  @Test
  void aSecondStoreDashOnADataDirectoryInUseNamesTheHolderAndExits2() throws Exception {
    Path data = dir.resolve("data");
    Running holder = start(data, SMALL);
    String stores = get(holder, "/api/v1/stores");
    String overview = get(holder, "/api/v1/stores/S001/overview?from=2026-10-12&to=" + END);

    List<List<String>> seconds = List.of(List.of(), List.of("--fresh"), List.of("restore", dir.resolve("none.zip").toString()));
    for (List<String> args : seconds) {
      Process second = processes.start("standalone", "second", ports(), Stream.concat(Stream.of("--data-dir",
        data.toString()), args.stream()).toList());
      assertThat(second.waitFor(60, TimeUnit.SECONDS)).as("a second StoreDash " + args + " ends by itself").isTrue();
      String log = processes.log(second);
      if (args.size() == 2 && args.get(0).equals("restore")) {
        // A backup that is not there is refused before the directory is looked at.
        assertThat(second.exitValue()).as(log).isEqualTo(2);
        assertThat(log).contains("none.zip is not a file");
        continue;
      }
      assertThat(second.exitValue()).as(log).isEqualTo(2);
      assertThat(log).contains("the data directory " + data.toAbsolutePath() + " is in use by StoreDash process "
        + holder.process().pid(), "stop that process first (kill " + holder.process().pid() + ")");
    }
    // The refused --fresh deleted nothing: the holder still serves the same answers.
    assertThat(get(holder, "/api/v1/stores")).isEqualTo(stores);
    assertThat(get(holder, "/api/v1/stores/S001/overview?from=2026-10-12&to=" + END)).isEqualTo(overview);
    stop(holder);

    // A StoreDash killed with SIGKILL leaves its PostgreSQL running on the directory: the next start names it.
    Running killed = start(data, List.of());
    // Redis is the JVM's child; PostgreSQL was started through pg_ctl, which detaches it.
    List<ProcessHandle> left = new ArrayList<>(killed.process().descendants().toList());
    long postgres = Long.parseLong(Files.readAllLines(data.resolve("postgres/postmaster.pid")).get(0).strip());
    ProcessHandle.of(postgres).ifPresent(left::add);
    try {
      processes.kill(killed.process());
      Process next = processes.start("standalone", "after-kill", ports(), List.of("--data-dir", data.toString()));
      assertThat(next.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String log = processes.log(next);
      assertThat(next.exitValue()).as(log).isEqualTo(2);
      assertThat(log).contains("a PostgreSQL server (process " + postgres + ", port ", "probably left by a StoreDash that "
        + "was killed: stop it (kill " + postgres + ")");
    } finally {
      left.forEach(ProcessHandle::destroy);
      for (ProcessHandle p : left) {
        p.onExit().get(30, TimeUnit.SECONDS);
      }
    }
    // Once that server is stopped, StoreDash starts on the same data.
    Running recovered = start(data, List.of());
    assertThat(get(recovered, "/api/v1/stores")).isEqualTo(stores);
    stop(recovered);
  }

  @Test
  void aBackupTakenWhileStoreDashServesRestoresTheSameAnswersForEveryView() throws Exception {
    Path data = dir.resolve("data");
    Path backup = dir.resolve("backups/storedash.zip");
    Running source = start(data, SMALL);
    List<String> views = views(source);

    AtomicBoolean reading = new AtomicBoolean(true);
    AtomicInteger answered = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    ExecutorService readers = Executors.newFixedThreadPool(4);
    List<Future<?>> running = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      running.add(readers.submit(() -> {
        while (reading.get()) {
          try {
            int status = processes.get(source.url("/api/v1/stores/all/trend")).statusCode();
            (status == 200 ? answered : failed).incrementAndGet();
          } catch (IOException e) {
            failed.incrementAndGet();
          } catch (InterruptedException e) {
            return;
          }
        }
      }));
    }
    Process backupRun;
    try {
      backupRun = processes.start("standalone", "backup", Map.of(), List.of("--data-dir", data.toString(), "backup",
        backup.toString()));
      assertThat(backupRun.waitFor(120, TimeUnit.SECONDS)).isTrue();
    } finally {
      reading.set(false);
      for (Future<?> f : running) {
        f.get(30, TimeUnit.SECONDS);
      }
      readers.shutdown();
    }
    String backupLog = processes.log(backupRun);
    assertThat(backupRun.exitValue()).as(backupLog).isZero();
    assertThat(backupLog).contains("Backed up the embedded database in " + data.toAbsolutePath() + " (StoreDash running)");
    assertThat(answered.get()).isPositive();
    assertThat(failed.get()).isZero();
    stop(source);

    Path restored = dir.resolve("restored");
    Process restore = processes.start("standalone", "restore", Map.of(), List.of("--data-dir", restored.toString(),
      "restore", backup.toString()));
    assertThat(restore.waitFor(120, TimeUnit.SECONDS)).isTrue();
    String restoreLog = processes.log(restore);
    assertThat(restore.exitValue()).as(restoreLog).isZero();
    assertThat(restoreLog).contains("Restored ", "into " + restored.toAbsolutePath());

    Running copy = start(restored, List.of());
    assertThat(views(copy)).containsExactlyElementsOf(views);
    stop(copy);
  }

  private Running start(Path data, List<String> args) throws Exception {
    Map<String, String> ports = ports();
    List<String> all = new ArrayList<>(List.of("--data-dir", data.toString()));
    all.addAll(args);
    Process process = processes.start("standalone", "standalone", ports, all);
    Running running = new Running(process, Integer.parseInt(ports.get("HTTP_PORT")), Integer.parseInt(ports.get("MANAGEMENT_PORT")));
    processes.awaitStatus("http://127.0.0.1:" + running.management() + "/health/ready", 200, START, process);
    return running;
  }

  private static Map<String, String> ports() {
    return Map.of("HTTP_PORT", String.valueOf(TestStorage.freePort()), "MANAGEMENT_PORT", String.valueOf(TestStorage.freePort()));
  }

  private static void stop(Running running) throws Exception {
    assertThat(processes.terminate(running.process(), Duration.ofSeconds(60))).as("StoreDash stops on SIGTERM").isTrue();
  }

  private static String get(Running running, String path) throws Exception {
    HttpResponse<String> answer = processes.get(running.url(path));
    assertThat(answer.statusCode()).as(path + ": " + answer.body()).isEqualTo(200);
    return answer.body();
  }

  /** Every view of every store and of 'all' over one range, as the bodies a client receives. */
  private static List<String> views(Running running) throws Exception {
    List<String> bodies = new ArrayList<>();
    String range = "?from=2026-10-12&to=" + END;
    bodies.add(get(running, "/api/v1/stores"));
    bodies.add(get(running, "/api/v1/ranking" + range));
    for (QueryKind kind : QueryKind.values()) {
      if (kind == QueryKind.STORES || kind == QueryKind.RANKING) {
        continue;
      }
      // The action list is of one day, the range's last (docs/DESIGN.md §14.1).
      String asked = kind == QueryKind.ACTIONS ? "?day=" + END : range;
      for (String store : kind.allowsAllStores() ? List.of("all", "S001", "S002", "S003") : List.of("S001", "S002", "S003")) {
        bodies.add(get(running, "/api/v1/stores/" + store + "/" + kind.wireName() + asked));
      }
    }
    return bodies;
  }
}
