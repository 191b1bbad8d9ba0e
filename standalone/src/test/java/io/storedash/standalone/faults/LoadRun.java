package io.storedash.standalone.faults;

import io.storedash.loadtest.LoadTestCommand;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * One run of the load-test tool, in this JVM and in the background, against every gateway of a stack (the tool
 * spreads users over them and fails a dead one over, as a load balancer would). Its JSON result is read back.
 */
public final class LoadRun {

  private final CompletableFuture<Integer> exit;
  private final Path json;
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();
  private final long startedNanos = System.nanoTime();

  private LoadRun(List<String> args, Path json) {
    this.json = json;
    List<String> all = new ArrayList<>(args);
    all.add("--json");
    all.add(json.toString());
    this.exit = CompletableFuture.supplyAsync(() -> LoadTestCommand.commandLine(new LoadTestCommand())
      .setOut(new PrintWriter(out, true))
      .setErr(new PrintWriter(err, true))
      .execute(all.toArray(String[]::new)));
  }

  /** Starts {@code loadtest --target <gateways> <args>}; its JSON goes to {@code dir}. */
  public static LoadRun start(List<String> gatewayUrls, Path dir, String... args) throws IOException {
    Files.createDirectories(dir);
    List<String> all = new ArrayList<>(List.of("--target", String.join(",", gatewayUrls), "--quiet"));
    all.addAll(List.of(args));
    return new LoadRun(all, dir.resolve("loadtest-" + System.nanoTime() + ".json"));
  }

  /** Seconds since the run was started, on the same clock as the tool's timeline (to within its 100 ms start delay). */
  public double elapsedSeconds() {
    return (System.nanoTime() - startedNanos) / 1e9;
  }

  /** Waits for the end of the run and returns the figures of its (only) run. */
  public Result await(long timeoutSeconds) throws Exception {
    int code = exit.get(timeoutSeconds, TimeUnit.SECONDS);
    if (!Files.exists(json)) {
      throw new AssertionError("loadtest exited " + code + " without a result:\n" + err + out);
    }
    JsonObject run = new JsonObject(Files.readString(json)).getJsonArray("runs").getJsonObject(0);
    return new Result(code, run, out.toString());
  }

  /** The figures of a run. */
  public record Result(int exit, JsonObject run, String report) {

    public JsonObject overall() {
      return run.getJsonObject("overall");
    }

    public long requests() {
      return overall().getLong("requests");
    }

    public long successes() {
      return overall().getLong("successes");
    }

    public double successPercent() {
      return requests() == 0 ? 0 : 100.0 * successes() / requests();
    }

    public double p99Millis() {
      return overall().getJsonObject("latency_ms").getDouble("p99");
    }

    public Map<String, Object> errors() {
      return overall().getJsonObject("errors").getMap();
    }

    public long failovers() {
      return run.getLong("failovers", 0L);
    }

    public double hitRatePercent() {
      Double rate = overall().getJsonObject("cache").getDouble("hit_rate_percent");
      return rate == null ? 0 : rate;
    }

    public JsonArray timeline() {
      return run.getJsonArray("timeline");
    }

    /**
     * Seconds from {@code fromSecond} of the timeline to the first second at or after it from which every second
     * of the rest of the run had no failure; -1 when the run never got clean again.
     */
    public double recoverySeconds(double fromSecond) {
      JsonArray points = timeline();
      long lastBad = -1;
      for (int i = 0; i < points.size(); i++) {
        JsonObject p = points.getJsonObject(i);
        if (p.getLong("s") >= fromSecond && p.getLong("successes") < p.getLong("requests")) {
          lastBad = p.getLong("s");
        }
      }
      return lastBad < 0 ? 0 : lastBad + 1 - fromSecond;
    }
  }
}
