package io.storedash.loadtest.plan;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/**
 * The command line as typed. Values stay strings here and are checked all at once by {@link LoadPlan#from}, so a
 * user sees every mistake in one go, with the flag it concerns.
 */
public class LoadTestOptions {

  @Option(names = {"-t", "--target"}, paramLabel = "URL", defaultValue = "http://127.0.0.1:8051",
    description = {"Base URL of the gateway (default: ${DEFAULT-VALUE}). Only loopback unless --allow-remote.",
      "Several, comma-separated: instances of the gateway, used like a load balancer does: each user keeps to one;",
      "a request that fails at the connection level is sent once more to the next instance (like nginx's default",
      "proxy_next_upstream), and that instance is left out for 1 s. Such retries are counted as failovers."})
  public String target;

  @Option(names = {"-u", "--users"}, paramLabel = "N[,N...]",
    description = "Closed model: virtual users, each run in turn, e.g. 30,50,100,200 (default: 30).")
  public String users;

  @Option(names = {"-r", "--rate"}, paramLabel = "RATE[,RATE...]",
    description = "Open model: fixed request rate(s), e.g. 500/s or 500/s,1000/s; latency from the intended send time.")
  public String rate;

  @Option(names = "--max-outstanding", paramLabel = "N", defaultValue = "256",
    description = "Open model: most requests in flight (= connections); later requests wait and their wait counts (default: ${DEFAULT-VALUE}).")
  public int maxOutstanding;

  @Option(names = "--think", paramLabel = "DURATION", defaultValue = "0",
    description = "Closed model: pause between a user's dashboard visits, e.g. 500ms (default: none).")
  public String think;

  @Option(names = "--zipf", paramLabel = "S", defaultValue = "1.1",
    description = "Zipf exponent of store popularity over the store list; 0 = uniform (default: ${DEFAULT-VALUE}).")
  public double zipf;

  @Option(names = "--stores", paramLabel = "CODE[,CODE...]",
    description = "Stores to visit, most popular first (default: the list GET /api/v1/stores returns).")
  public String stores;

  @Option(names = "--end-date", paramLabel = "YYYY-MM-DD",
    description = "Pick ranges 'last N days up to this date' (see --ranges); without it the server's default range.")
  public String endDate;

  @Option(names = "--ranges", paramLabel = "DAYS[,DAYS...]", defaultValue = "7,30,90",
    description = "Range lengths in days used with --end-date (default: ${DEFAULT-VALUE}).")
  public String ranges;

  @Option(names = "--ramp", paramLabel = "DURATION", defaultValue = "0",
    description = "Closed model: start the users evenly over this time (default: all at once).")
  public String ramp;

  @Option(names = "--warmup", paramLabel = "DURATION", defaultValue = "10s",
    description = "Time at the start of each run left out of the figures (default: ${DEFAULT-VALUE}).")
  public String warmup;

  @Option(names = {"-d", "--duration"}, paramLabel = "DURATION", defaultValue = "60s",
    description = "Measured time of each run, after the warm-up (default: ${DEFAULT-VALUE}).")
  public String duration;

  @Option(names = "--timeout", paramLabel = "DURATION", defaultValue = "5s",
    description = "Request timeout, also the grace for in-flight requests at the end (default: ${DEFAULT-VALUE}).")
  public String timeout;

  @Option(names = "--mix", paramLabel = "FILE",
    description = "Endpoint mix file, lines 'name path [weight]' with {store}, {from}, {to} (default: the dashboard session).")
  public String mixFile;

  @Option(names = "--endpoints", paramLabel = "NAME[,NAME...]",
    description = "Only these endpoints of the mix, e.g. overview,trend.")
  public String endpoints;

  @Option(names = "--url-only", paramLabel = "PATH",
    description = "Hit this one path only (machine-limit baseline against a constant-payload endpoint).")
  public String urlOnly;

  @Option(names = {"-H", "--header"}, paramLabel = "'NAME: VALUE'",
    description = "Extra request header, repeatable, e.g. -H 'Authorization: Bearer x'.")
  public List<String> headers = new ArrayList<>();

  @Option(names = "--user", paramLabel = "NAME",
    description = {"Sign in as NAME (POST /api/v1/session) before the runs; the password is read from the environment",
      "variable named by --password-env. Each virtual user gets a session of its own (at most --sessions)."})
  public String user;

  @Option(names = "--password-env", paramLabel = "VAR", defaultValue = "STOREDASH_PASSWORD",
    description = "Environment variable holding --user's password (default: ${DEFAULT-VALUE}): never on the command line.")
  public String passwordEnv;

  @Option(names = "--sessions", paramLabel = "N", defaultValue = "0",
    description = "With --user: sessions to sign in, shared round-robin (default: one per virtual user, at most 200).")
  public int sessions;

  @Option(names = "--token-env", paramLabel = "VAR",
    description = "Send 'Authorization: Bearer <token>' with the API token held in this environment variable.")
  public String tokenEnv;

  @Option(names = "--accept-gzip", description = "Send Accept-Encoding: gzip and count the compressed bytes.")
  public boolean acceptGzip;

  @Option(names = "--allow-remote", description = "Allow a target that is not loopback.")
  public boolean allowRemote;

  @Option(names = "--insecure", description = "With https: trust any certificate (self-signed test servers).")
  public boolean insecure;

  @Option(names = "--json", paramLabel = "FILE", description = "Also write the results as JSON to FILE ('-' for standard output).")
  public String json;

  @Option(names = "--max-p99", paramLabel = "DURATION", description = "SLO: fail (exit 1) when the overall p99 is above this.")
  public String maxP99;

  @Option(names = "--min-success", paramLabel = "PERCENT", description = "SLO: fail (exit 1) when the success rate is below this, e.g. 99.9.")
  public Double minSuccess;

  @Option(names = "--min-hit-rate", paramLabel = "PERCENT", description = "SLO: fail (exit 1) when the X-Cache hit rate is below this, e.g. 95.")
  public Double minHitRate;

  @Option(names = "--seed", paramLabel = "N", defaultValue = "42", description = "Random seed for store, range and endpoint picks (default: ${DEFAULT-VALUE}).")
  public long seed;

  @Option(names = "--event-loops", paramLabel = "N",
    description = "Event-loop threads of the load generator (default: the number of CPUs).")
  public Integer eventLoops;

  @Option(names = {"-q", "--quiet"}, description = "No progress line every second.")
  public boolean quiet;
}
