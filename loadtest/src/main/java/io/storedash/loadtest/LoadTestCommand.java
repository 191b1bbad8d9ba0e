package io.storedash.loadtest;

import io.storedash.loadtest.driver.LoadRunner;
import io.storedash.loadtest.plan.Durations;
import io.storedash.loadtest.plan.LoadPlan;
import io.storedash.loadtest.plan.LoadTestOptions;
import io.storedash.loadtest.plan.PlanException;
import io.storedash.loadtest.report.JsonReport;
import io.storedash.loadtest.report.RunResult;
import io.storedash.loadtest.report.TextReport;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Spec;

/**
 * The {@code loadtest} command: loads a StoreDash gateway with dashboard sessions (closed model) or a fixed request
 * rate (open model) and reports percentiles, success, errors by kind and the cache hit rate, with SLO exit codes.
 */
@Command(name = "loadtest", mixinStandardHelpOptions = true, sortOptions = false,
  versionProvider = LoadTestCommand.Version.class,
  subcommands = ConstantPayloadServer.class,
  description = {
    "Loads the StoreDash gateway with dashboard sessions (closed model, --users) or a fixed",
    "request rate (open model, --rate); reports percentiles, errors by kind and cache hits.",
    "Exit codes: 0 ran and met every SLO given; 1 an SLO was violated; 2 bad arguments or a",
    "refused target; 3 the run failed; 4 the hard deadline passed (jar only).", ""},
  footer = {"", "Examples:",
    "  loadtest --users 30,50,100,200 --max-p99 50ms --min-success 99.9 --min-hit-rate 95",
    "  loadtest --rate 500/s --duration 30s --json result.json",
    "  loadtest --url-only /ping --rate 20000/s --max-outstanding 512"})
public final class LoadTestCommand implements Callable<Integer> {

  public static final int EXIT_OK = 0;
  public static final int EXIT_SLO_VIOLATED = 1;
  public static final int EXIT_USAGE = 2;
  public static final int EXIT_RUN_FAILED = 3;
  public static final int EXIT_DEADLINE = 4;

  @Mixin
  LoadTestOptions options;

  @Spec
  CommandLine.Model.CommandSpec spec;

  /** Set by {@link #main}: a watchdog ends the process if a run overstays its hard deadline. */
  private boolean exitOnDeadline;

  /** Where secrets named by --password-env and --token-env are read. */
  private final java.util.function.Function<String, String> environment;

  public LoadTestCommand() {
    this(System::getenv);
  }

  /** @param environment the process environment (a map's get in tests) */
  public LoadTestCommand(java.util.function.Function<String, String> environment) {
    this.environment = environment;
  }

  public static void main(String[] args) {
    LoadTestCommand command = new LoadTestCommand();
    command.exitOnDeadline = true;
    System.exit(commandLine(command).execute(args));
  }

  /** The command line with the tool's conventions (bad arguments exit 2 and print the problem, not a trace). */
  public static CommandLine commandLine(LoadTestCommand command) {
    return new CommandLine(command).setCaseInsensitiveEnumValuesAllowed(true);
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    LoadPlan plan;
    try {
      plan = LoadPlan.from(options, environment);
    } catch (PlanException e) {
      e.problems().forEach(p -> err.println("loadtest: " + p));
      err.println("loadtest: see --help");
      err.flush();
      return EXIT_USAGE;
    }
    plan.warnings().forEach(w -> err.println("WARNING: " + w));
    boolean jsonToStdout = "-".equals(plan.jsonOut());
    PrintWriter report = jsonToStdout ? err : out;
    if (exitOnDeadline) {
      startWatchdog(plan, err);
    }

    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(plan.eventLoops()));
    List<RunResult> results = new ArrayList<>();
    try {
      LoadRunner runner = new LoadRunner(vertx, plan, err);
      List<String> sessions = runner.signIn().await();
      List<String> stores = runner.stores(sessions).await();
      report.printf("loadtest %s -> %s: %s, %d store(s)%s, mix %s, ranges %s%n",
        plan.model() == LoadPlan.Model.CLOSED ? "closed model" : "open model", plan.target(),
        plan.model() == LoadPlan.Model.CLOSED ? "users " + plan.levels().stream().map(l -> "" + Math.round(l)).toList()
          : "rates " + plan.levels(),
        stores.size(), stores.size() > 1 ? " (Zipf s=" + plan.zipf() + ", top " + stores.get(0) + ")" : "",
        plan.mix().names(), plan.ranges().all().stream()
          .map(r -> r.from() == null ? "server default" : r.from() + ".." + r.to()).toList());
      report.flush();
      for (int i = 0; i < plan.levels().size(); i++) {
        RunResult result = runner.run(i, stores, sessions).await();
        results.add(result);
        TextReport.printRun(report, plan, result);
      }
      TextReport.printVerdict(report, plan, results);
      int exit = results.stream().allMatch(r -> r.violations().isEmpty()) ? EXIT_OK : EXIT_SLO_VIOLATED;
      if (plan.jsonOut() != null) {
        writeJson(plan, JsonReport.of(plan, stores.size(), results, exit), out);
      }
      return exit;
    } catch (Exception e) {
      err.println("loadtest: the run failed: " + e);
      err.flush();
      return EXIT_RUN_FAILED;
    } finally {
      vertx.close().await();
    }
  }

  private static void writeJson(LoadPlan plan, JsonObject json, PrintWriter out) throws IOException {
    if ("-".equals(plan.jsonOut())) {
      out.println(json.encodePrettily());
      out.flush();
    } else {
      Files.writeString(Path.of(plan.jsonOut()), json.encodePrettily() + "\n", StandardCharsets.UTF_8);
    }
  }

  /** Ends the process when the runs overstay their hard deadline, whatever a server or the network does. */
  private static void startWatchdog(LoadPlan plan, PrintWriter err) {
    Duration limit = plan.hardDeadlinePerRun().multipliedBy(plan.levels().size())
      .plus(plan.timeout()).plusSeconds(10);
    Thread watchdog = new Thread(() -> {
      try {
        Thread.sleep(limit.toMillis());
      } catch (InterruptedException e) {
        return;
      }
      err.println("loadtest: hard deadline of " + Durations.format(limit) + " passed; exiting");
      err.flush();
      Runtime.getRuntime().halt(EXIT_DEADLINE);
    }, "loadtest-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = LoadTestCommand.class.getPackage().getImplementationVersion();
      return new String[] {"storedash loadtest " + (v == null ? "(development build)" : v)};
    }
  }
}
