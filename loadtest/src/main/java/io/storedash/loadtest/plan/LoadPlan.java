package io.storedash.loadtest.plan;

import io.storedash.loadtest.slo.SloPolicy;
import io.storedash.loadtest.workload.DateRanges;
import io.storedash.loadtest.workload.EndpointMix;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A checked, complete description of what to run. {@link #from} turns the typed options into a plan or a
 * {@link PlanException} listing every problem.
 */
public record LoadPlan(List<URI> targets, Model model, List<Double> levels, int maxOutstanding, Duration think, double zipf,
                       List<String> stores, DateRanges ranges, Duration ramp, Duration warmup, Duration duration,
                       Duration timeout, EndpointMix mix, List<Map.Entry<String, String>> headers, boolean acceptGzip,
                       boolean insecure, SloPolicy slo, String jsonOut, long seed, int eventLoops, boolean quiet,
                       List<String> warnings, SignIn signIn) {

  /** The most sessions the tool signs in. */
  public static final int MAX_SESSIONS = 200;

  /**
   * Sign in before the runs.
   *
   * @param sessions how many sessions to open (requests use them round-robin)
   */
  public record SignIn(String user, String password, int sessions) {
    @Override
    public String toString() {
      return "SignIn[user=" + user + ", sessions=" + sessions + "]";
    }
  }

  public enum Model { CLOSED, OPEN }

  public static final int MAX_USERS = 20_000;
  public static final double MAX_RATE = 1_000_000;

  /** The first (or only) gateway: where the store list is asked for. */
  public URI target() {
    return targets.get(0);
  }

  /** Users of run i (closed model). */
  public int users(int run) {
    return (int) Math.round(levels.get(run));
  }

  /** Requests per second of run i (open model). */
  public double rate(int run) {
    return levels.get(run);
  }

  public String label(int run) {
    return model == Model.CLOSED ? users(run) + " users" : Rates.format(rate(run));
  }

  /** Longest a run may take: warm-up, measured time, the grace for in-flight requests, and slack to close. */
  public Duration hardDeadlinePerRun() {
    return warmup.plus(duration).plus(timeout).plusSeconds(5);
  }

  public static LoadPlan from(LoadTestOptions o) throws PlanException {
    return from(o, System::getenv);
  }

  /** @param environment where the secrets named by --password-env and --token-env are read */
  public static LoadPlan from(LoadTestOptions o, Function<String, String> environment) throws PlanException {
    List<String> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    List<URI> targets = targets(o, problems);
    Model model = o.rate != null ? Model.OPEN : Model.CLOSED;
    List<Double> levels = levels(o, model, problems);
    if (o.maxOutstanding < 1 || o.maxOutstanding > MAX_USERS) {
      problems.add("--max-outstanding must be from 1 to " + MAX_USERS + ", got " + o.maxOutstanding);
    }
    Duration think = duration("--think", o.think, problems, true);
    Duration ramp = duration("--ramp", o.ramp, problems, true);
    Duration warmup = duration("--warmup", o.warmup, problems, true);
    Duration duration = duration("--duration", o.duration, problems, false);
    Duration timeout = duration("--timeout", o.timeout, problems, false);
    checkTiming(o, model, think, ramp, warmup, duration, problems, warnings);
    DateRanges ranges = ranges(o, problems);
    List<String> stores = stores(o, problems);
    EndpointMix mix = mix(o, problems);
    List<Map.Entry<String, String>> headers = headers(o, problems);
    SignIn signIn = credentials(o, model, levels, headers, environment, problems);
    SloPolicy slo = slo(o, problems);
    int eventLoops = eventLoops(o, problems);
    if (!problems.isEmpty()) {
      throw new PlanException(problems);
    }
    return new LoadPlan(List.copyOf(targets), model, levels, o.maxOutstanding, think, o.zipf, stores, ranges, ramp, warmup,
      duration, timeout, mix, List.copyOf(headers), o.acceptGzip, o.insecure, slo, o.json, o.seed, eventLoops,
      o.quiet, List.copyOf(warnings), signIn);
  }

  /**
   * {@code --user} (password from the environment) or {@code --token-env} (added as a bearer header): how the runs
   * authenticate. Secrets are read from the environment so that they never show in a process list.
   */
  static SignIn credentials(LoadTestOptions o, Model model, List<Double> levels, List<Map.Entry<String, String>> headers,
                            Function<String, String> environment, List<String> problems) {
    if (o.tokenEnv != null) {
      String token = environment.apply(o.tokenEnv);
      if (token == null || token.isBlank()) {
        problems.add("--token-env " + o.tokenEnv + ": that environment variable is not set");
      } else if (token.strip().chars().anyMatch(c -> c <= ' ')) {
        problems.add("--token-env " + o.tokenEnv + ": the token has a space or a line break in it");
      } else {
        headers.add(Map.entry("Authorization", "Bearer " + token.strip()));
      }
    }
    if (o.user == null) {
      if (o.sessions != 0) {
        problems.add("--sessions needs --user");
      }
      return null;
    }
    if (o.tokenEnv != null) {
      problems.add("give --user or --token-env, not both");
    }
    String password = environment.apply(o.passwordEnv);
    if (password == null || password.isEmpty()) {
      problems.add("--user " + o.user + ": the password environment variable " + o.passwordEnv + " is not set");
    }
    if (o.sessions < 0 || o.sessions > MAX_SESSIONS) {
      problems.add("--sessions must be from 1 to " + MAX_SESSIONS + ", got " + o.sessions);
    }
    int most = levels == null || levels.isEmpty() ? 1
      : model == Model.CLOSED ? (int) Math.round(levels.stream().mapToDouble(Double::doubleValue).max().orElse(1))
      : o.maxOutstanding;
    int sessions = o.sessions > 0 ? o.sessions : Math.max(1, Math.min(MAX_SESSIONS, most));
    return new SignIn(o.user, password, sessions);
  }

  /** The gateway instances: loopback unless --allow-remote, one path, no query or fragment. */
  private static List<URI> targets(LoadTestOptions o, List<String> problems) {
    List<URI> targets = new ArrayList<>();
    for (String part : o.target.split(",")) {
      String text = part.trim();
      if (text.isEmpty()) {
        continue;
      }
      try {
        URI target = new URI(text.endsWith("/") ? text.substring(0, text.length() - 1) : text);
        TargetPolicy.refusal(target, o.allowRemote).ifPresent(problems::add);
        if (target.getRawQuery() != null || target.getRawFragment() != null) {
          problems.add("--target " + text + " must not carry a query or fragment");
        }
        targets.add(target);
      } catch (URISyntaxException e) {
        problems.add("--target " + text + " is not a URL: " + e.getMessage());
      }
    }
    if (targets.isEmpty() && problems.stream().noneMatch(p -> p.startsWith("--target"))) {
      problems.add("--target names no URL");
    }
    if (targets.stream().map(u -> u.getRawPath() == null ? "" : u.getRawPath()).distinct().count() > 1) {
      problems.add("--target: every URL must have the same path (they are instances of one gateway)");
    }
    return targets;
  }

  /** Users (closed model) or rates (open model), one level per run step. */
  private static List<Double> levels(LoadTestOptions o, Model model, List<String> problems) {
    List<Double> levels = List.of();
    if (o.rate != null && o.users != null) {
      problems.add("--users (closed model) and --rate (open model) exclude each other; run them separately");
    } else if (model == Model.OPEN) {
      levels = list("--rate", o.rate, problems, s -> {
        double r = Rates.parse(s);
        if (r > MAX_RATE) {
          throw new IllegalArgumentException("rate " + s + " is above the limit of " + (long) MAX_RATE + "/s");
        }
        return r;
      });
    } else {
      levels = list("--users", o.users == null ? "30" : o.users, problems, s -> {
        int n = Integer.parseInt(s);
        if (n < 1 || n > MAX_USERS) {
          throw new IllegalArgumentException("users must be from 1 to " + MAX_USERS + ", got " + n);
        }
        return (double) n;
      });
    }
    return levels;
  }

  /** Think time and ramp belong to the closed model; the ramp must fit the run. */
  private static void checkTiming(LoadTestOptions o, Model model, Duration think, Duration ramp, Duration warmup,
                                  Duration duration, List<String> problems, List<String> warnings) {
    if (model == Model.OPEN && !think.isZero()) {
      problems.add("--think belongs to the closed model (--users); the open model sends at a fixed --rate");
    }
    if (model == Model.OPEN && !ramp.isZero()) {
      problems.add("--ramp belongs to the closed model (--users); the open model keeps its --rate from the start");
    }
    if (ramp.compareTo(warmup.plus(duration)) > 0) {
      problems.add("--ramp " + Durations.format(ramp) + " is longer than the run (warm-up + duration)");
    } else if (ramp.compareTo(warmup) > 0) {
      warnings.add("--ramp " + Durations.format(ramp) + " outlasts --warmup " + Durations.format(warmup)
        + ": part of the ramp is measured");
    }
    if (!(o.zipf >= 0) || o.zipf > 10) {
      problems.add("--zipf must be from 0 (uniform) to 10, got " + o.zipf);
    }
  }

  /** The date ranges asked for (--ranges), ending on --end-date or the newest data day; null for the defaults. */
  private static DateRanges ranges(LoadTestOptions o, List<String> problems) {
    LocalDate end = null;
    if (o.endDate != null) {
      try {
        end = LocalDate.parse(o.endDate.trim());
      } catch (DateTimeParseException e) {
        problems.add("--end-date " + o.endDate + " is not a date like 2026-10-30");
      }
    }
    DateRanges ranges = null;
    List<Integer> days = list("--ranges", o.ranges, problems, s -> {
      int d = Integer.parseInt(s);
      if (d < 1 || d > 3660) {
        throw new IllegalArgumentException("range length must be from 1 to 3660 days, got " + d);
      }
      return d;
    });
    if (!days.isEmpty()) {
      ranges = new DateRanges(end, days);
    }
    return ranges;
  }

  private static List<String> stores(LoadTestOptions o, List<String> problems) {
    List<String> stores = o.stores == null ? List.of()
      : Arrays.stream(o.stores.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    if (o.stores != null && stores.isEmpty()) {
      problems.add("--stores lists no store code");
    }
    return stores;
  }

  /** The endpoint mix: --url-only, or the dashboard mix or --mix file, narrowed by --endpoints. */
  private static EndpointMix mix(LoadTestOptions o, List<String> problems) {
    EndpointMix mix = null;
    try {
      if (o.urlOnly != null) {
        if (o.mixFile != null || o.endpoints != null) {
          throw new IllegalArgumentException("--url-only replaces the mix; drop --mix / --endpoints");
        }
        mix = EndpointMix.urlOnly(o.urlOnly);
      } else {
        mix = o.mixFile == null ? EndpointMix.dashboard()
          : EndpointMix.parse(Files.readString(Path.of(o.mixFile), StandardCharsets.UTF_8), o.mixFile);
        if (o.endpoints != null) {
          mix = mix.only(Arrays.stream(o.endpoints.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList());
        }
      }
    } catch (IOException e) {
      problems.add("--mix " + o.mixFile + " cannot be read: " + e.getMessage());
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage());
    }
    return mix;
  }

  /** Extra request headers, each a valid name and a value without line breaks. */
  private static List<Map.Entry<String, String>> headers(LoadTestOptions o, List<String> problems) {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    for (String h : o.headers) {
      int colon = h.indexOf(':');
      String name = colon > 0 ? h.substring(0, colon).trim() : "";
      if (name.isEmpty() || !name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
        problems.add("--header '" + h + "' must look like 'Name: value'");
        continue;
      }
      String value = h.substring(colon + 1).trim();
      if (value.chars().anyMatch(c -> c == '\r' || c == '\n')) {
        problems.add("--header " + name + " has a line break in its value");
        continue;
      }
      headers.add(Map.entry(name, value));
    }
    return headers;
  }

  private static SloPolicy slo(LoadTestOptions o, List<String> problems) {
    SloPolicy slo = null;
    try {
      Duration maxP99 = o.maxP99 == null ? null : Durations.parse(o.maxP99);
      slo = new SloPolicy(maxP99, o.minSuccess, o.minHitRate);
    } catch (IllegalArgumentException e) {
      problems.add(e.getMessage().startsWith("--") ? e.getMessage() : "--max-p99: " + e.getMessage());
    }
    return slo;
  }

  private static int eventLoops(LoadTestOptions o, List<String> problems) {
    int cpus = Runtime.getRuntime().availableProcessors();
    int eventLoops = o.eventLoops == null ? cpus : o.eventLoops;
    if (eventLoops < 1 || eventLoops > 64) {
      problems.add("--event-loops must be from 1 to 64, got " + eventLoops);
    }
    return eventLoops;
  }

  private static Duration duration(String flag, String text, List<String> problems, boolean zeroAllowed) {
    try {
      Duration d = Durations.parse(text);
      if (!zeroAllowed && d.isZero()) {
        problems.add(flag + " must be above 0");
        return Duration.ofSeconds(1);
      }
      if (d.compareTo(Duration.ofDays(1)) > 0) {
        problems.add(flag + " " + text + " is longer than a day");
      }
      return d;
    } catch (IllegalArgumentException e) {
      problems.add(flag + ": " + e.getMessage());
      return Duration.ofSeconds(1);
    }
  }

  private static <T> List<T> list(String flag, String text, List<String> problems, Function<String, T> parse) {
    List<T> out = new ArrayList<>();
    for (String part : text.split(",")) {
      String p = part.trim();
      if (p.isEmpty()) {
        continue;
      }
      try {
        out.add(parse.apply(p));
      } catch (NumberFormatException e) {
        problems.add(flag + ": '" + p + "' is not a whole number");
      } catch (IllegalArgumentException e) {
        problems.add(flag + ": " + e.getMessage());
      }
    }
    if (out.isEmpty() && problems.stream().noneMatch(s -> s.startsWith(flag))) {
      problems.add(flag + " lists no value");
    }
    return out;
  }
}
