package io.storedash.standalone;

import io.storedash.cache.CacheService;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.ConfigException;
import io.storedash.common.config.ConfigLoader;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.embedded.DataDirectoryInUse;
import io.storedash.common.embedded.DataDirectoryLock;
import io.storedash.common.embedded.EmbeddedPostgresServer;
import io.storedash.common.embedded.EmbeddedRedisServer;
import io.storedash.common.security.Redaction;
import io.storedash.common.security.MessageSignatures;
import io.storedash.gateway.GatewayService;
import io.storedash.monitor.MonitorService;
import io.storedash.query.QueryService;
import io.storedash.query.ingest.DemoData;
import io.storedash.query.ingest.DemoOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * StoreDash in one JVM: the four services on the local event bus, PostgreSQL and Redis embedded unless
 * {@code PG_URL}/{@code REDIS_URL} name servers, and a demo data set loaded into an empty database.
 */
@Command(name = "storedash", mixinStandardHelpOptions = true, versionProvider = Standalone.Version.class,
  description = "Runs StoreDash standalone: gateway, cache-, query- and monitor-service in one JVM.",
  subcommands = {BackupCommand.class, RestoreCommand.class})
public final class Standalone implements Callable<Integer> {

  private static final Logger LOG = LoggerFactory.getLogger(Standalone.class);
  /** Where below the data directory the embedded PostgreSQL keeps its cluster, and the database StoreDash uses. */
  static final String POSTGRES_DIRECTORY = "postgres";
  static final String DATABASE = "storedash";

  @Option(names = "--stores", defaultValue = "30", description = "demo data: number of stores (default ${DEFAULT-VALUE})")
  int stores;

  @Option(names = "--rows-per-store", defaultValue = "62000", description = "demo data: order lines per store on average (default ${DEFAULT-VALUE})")
  int rowsPerStore;

  @Option(names = "--days", defaultValue = "60", description = "demo data: days of history (default ${DEFAULT-VALUE})")
  int days;

  @Option(names = "--seed", defaultValue = "42", description = "demo data: generator seed (default ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--end-date", description = "demo data: the last day with orders (default: yesterday in TIMEZONE)")
  LocalDate endDate;

  @Option(names = "--demo-users", description = "also create a manager and a viewer for each city of the stores "
    + "(manager-1, viewer-1, ...), with one password (STOREDASH_DEMO_PASSWORD or generated), printed at the start")
  private boolean demoUsers;

  @Option(names = "--no-demo", description = "do not load demo data into an empty database")
  boolean noDemo;

  @Option(names = "--data-dir", defaultValue = "data", description = "where embedded PostgreSQL keeps its data (default ${DEFAULT-VALUE})")
  Path dataDir;

  @Option(names = "--fresh", description = "empty the embedded database before the start and begin from an empty one (a stop never deletes data)")
  boolean fresh;

  @Option(names = "--infra-only", description = "start only embedded PostgreSQL and Redis (and demo data), print PG_URL and REDIS_URL (the embedded Redis's with its generated password), and keep them running: for a cluster of separate service JVMs")
  boolean infraOnly;

  @Option(names = "--env-file", description = "with --infra-only: write PG_URL and REDIS_URL (with the embedded Redis's generated password) to this file, readable by this user only, and print them without passwords")
  Path envFile;

  @Option(names = "--pg-port", defaultValue = "0", description = "embedded PostgreSQL port (default: a free one)")
  int pgPort;

  @Option(names = "--redis-port", defaultValue = "0", description = "embedded Redis port (default: a free one)")
  int redisPort;

  private final List<AutoCloseable> embedded = new ArrayList<>();
  /** Held while the embedded PostgreSQL runs on {@link #dataDir}; released after it stopped. */
  private DataDirectoryLock lock;

  public static void main(String[] args) {
    CommandLine command = new CommandLine(new Standalone());
    // picocli would print the stack trace as it is: a client's failure may quote the URL it was given, password and all.
    command.setExecutionExceptionHandler((e, cmd, parsed) -> {
      LOG.error("StoreDash failed: {}", Redaction.message(e), Redaction.throwable(e));
      return cmd.getCommandSpec().exitCodeOnExecutionException();
    });
    int exit;
    try {
      exit = command.execute(args);
    } catch (Error e) {
      // An error picocli lets through (a class missing from the jar, say) would end only this thread: the services'
      // threads would keep a StoreDash alive that never becomes ready. It ends here, saying why.
      LOG.error("StoreDash failed: {}", Redaction.message(e), Redaction.throwable(e));
      exit = 1;
    }
    // The services keep the JVM running after call() returns 0; a finished command (backup, restore) ends it.
    if (exit != 0 || command.getParseResult() != null && command.getParseResult().hasSubcommand()) {
      System.exit(exit);
    }
  }

  @Override
  public Integer call() throws Exception {
    StoreDashConfig config = configuration("start");
    if (config == null) {
      return 2;
    }
    if (fresh && config.pgUrl().isPresent()) {
      System.err.println("StoreDash cannot start: --fresh empties the embedded database, and PG_URL names an external "
        + "PostgreSQL, which StoreDash never wipes: unset PG_URL or leave out --fresh");
      return 2;
    }
    try {
      config = PushKeyFile.apply(withStorage(config), dataDir);
    } catch (DataDirectoryInUse e) {
      stopEmbedded();
      System.err.println("StoreDash cannot start: " + e.getMessage());
      return 2;
    }
    LocalDate end = endDate != null ? endDate : LocalDate.now(config.timezone()).minusDays(1);
    DemoOptions demo = new DemoOptions(stores, rowsPerStore, days, seed, end);
    return infraOnly ? runInfrastructure(config, demo) : runServices(config, demo);
  }

  /** The configuration from the environment, or null after saying why StoreDash cannot {@code doing} with it. */
  static StoreDashConfig configuration(String doing) {
    try {
      return ConfigLoader.fromEnvironment();
    } catch (ConfigException e) {
      System.err.println("StoreDash cannot " + doing + ": " + e.getMessage());
      return null;
    }
  }

  /** The data directory a command names, else the one given before the command (default {@code data}). */
  Path dataDir(Path commandDataDir) {
    return commandDataDir != null ? commandDataDir : dataDir;
  }

  /** Starts embedded PostgreSQL/Redis for whichever of PG_URL/REDIS_URL is not set. */
  private StoreDashConfig withStorage(StoreDashConfig config) {
    String pgUrl = config.pgUrl().orElseGet(() -> {
      lock = DataDirectoryLock.acquire(dataDir);
      EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dataDir.resolve(POSTGRES_DIRECTORY), fresh, pgPort);
      embedded.add(pg);
      lock.record(DataDirectoryLock.PG_PORT, Integer.toString(pg.port()));
      return pg.url(DATABASE);
    });
    String redisUrl = config.redisUrl().orElseGet(() -> {
      EmbeddedRedisServer redis = EmbeddedRedisServer.start(redisPort, "1gb");
      embedded.add(redis);
      return redis.url();
    });
    return config.withStorage(pgUrl, redisUrl);
  }

  private int runInfrastructure(StoreDashConfig config, DemoOptions demo) throws Exception {
    Runtime.getRuntime().addShutdownHook(new Thread(this::stopEmbedded, "storedash-embedded-stop"));
    Vertx vertx = Vertx.vertx();
    FirstUsers.Outcome users;
    try {
      // Before any service runs: the data-changed event of the load reaches no cache.
      loadDemo(vertx, MessageSignatures.unshared("standalone-infrastructure"), config, demo).await();
      users = FirstUsers.create(vertx, config, demoUsers, System::getenv).await();
    } finally {
      vertx.close().await();
    }
    users.lines().forEach(System.out::println);
    handOver(config.pgUrlOrDefault(), config.redisUrlOrDefault(), envFile, System.out);
    System.out.println("PostgreSQL and Redis are running; stop them with Ctrl-C or SIGTERM.");
    Thread.currentThread().join();
    return 0;
  }

  /**
   * Gives PG_URL and REDIS_URL to whoever starts the service JVMs. REDIS_URL holds the embedded Redis's password
   * (generated at every start): with {@code --env-file} the URLs go to that file, readable by this user only, and the
   * output shows them without passwords; without it the output is the only way to hand them over, so it has them.
   */
  static void handOver(String pgUrl, String redisUrl, Path envFile, PrintStream out) throws IOException {
    String env = "PG_URL=" + pgUrl + "\nREDIS_URL=" + redisUrl + "\n";
    if (envFile == null) {
      out.print(env);
      return;
    }
    // Written beside it and moved into place: a script polling for the file never reads half of it.
    Path dir = envFile.toAbsolutePath().getParent();
    Path written = FileSystems.getDefault().supportedFileAttributeViews().contains("posix")
      ? Files.createTempFile(dir, ".storedash-env", ".tmp", PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
      : Files.createTempFile(dir, ".storedash-env", ".tmp");
    Files.writeString(written, env, StandardCharsets.UTF_8);
    Files.move(written, envFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    out.print(env.replaceAll("//([^:/@\\s]*):[^@\\s]*@", "//$1:***@"));
    out.println("(with the passwords in " + envFile + ", readable by this user only)");
  }

  private int runServices(StoreDashConfig config, DemoOptions demo) throws Exception {
    Node node = Node.local(config);
    long started = System.nanoTime();
    FirstUsers.Outcome[] users = new FirstUsers.Outcome[1];
    int managementPort = node.deploy(QueryService.DESCRIPTOR, 1)
      .compose(id -> loadDemo(node.vertx(), node.signatures(), config, demo))
      .compose(v -> FirstUsers.create(node.vertx(), config, demoUsers, System::getenv))
      .onSuccess(outcome -> users[0] = outcome)
      .compose(v -> node.deploy(CacheService.DESCRIPTOR, 1))
      .compose(id -> node.deploy(MonitorService.DESCRIPTOR, 1))
      .compose(id -> node.deploy(GatewayService.DESCRIPTOR, 1))
      .compose(id -> node.startManagement(config.managementPortOr(9050)))
      .await();
    // One ordered shutdown: the services finish their requests, then the storage they use goes away.
    node.shutdownOnSignal(this::stopEmbedded);
    System.out.printf("%nStoreDash is running (started in %.1f s)%n", (System.nanoTime() - started) / 1e9);
    System.out.printf("  Dashboard:  http://127.0.0.1:%d/%n", config.httpPort());
    System.out.printf("  API:        http://127.0.0.1:%d/api/v1/stores%n", config.httpPort());
    users[0].lines().forEach(System.out::println);
    // MANAGEMENT_HOST (127.0.0.1 unless set); 0.0.0.0 is every address, this machine's own among them.
    String managementHost = config.limits().managementHost();
    String probesHost = "0.0.0.0".equals(managementHost) ? "127.0.0.1"
      : managementHost.contains(":") ? "[" + managementHost + "]" : managementHost;
    System.out.printf("  Probes:     http://%s:%d/health/ready  (metrics: /metrics)%n", probesHost, managementPort);
    System.out.println("  Stop with Ctrl-C.");
    return 0;
  }

  private Future<Void> loadDemo(Vertx vertx, MessageSignatures signatures, StoreDashConfig config, DemoOptions demo) {
    if (noDemo) {
      return Future.succeededFuture();
    }
    return DemoData.loadIfEmpty(vertx, signatures, config, demo)
      .onSuccess(report -> LOG.info("demo data: {}", report))
      .mapEmpty();
  }

  private void stopEmbedded() {
    for (AutoCloseable server : embedded) {
      try {
        server.close();
      } catch (Exception e) {
        LOG.warn("stopping {} failed: {}", server, e.getMessage());
      }
    }
    if (lock != null) {
      lock.close();
    }
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"StoreDash " + Node.version()};
    }
  }
}
