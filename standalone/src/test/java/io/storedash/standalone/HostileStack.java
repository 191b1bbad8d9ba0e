package io.storedash.standalone;

import io.storedash.cache.CacheService;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.testing.TestStorage;
import io.storedash.gateway.GatewayService;
import io.storedash.monitor.MonitorService;
import io.storedash.query.QueryService;
import io.storedash.query.ingest.DemoData;
import io.storedash.query.ingest.DemoOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.net.URI;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The whole StoreDash in one JVM, as standalone runs it (gateway, cache-, query- and monitor-service, PostgreSQL and
 * Redis), with a small demo data set and an admin token: what the hostile-input tests attack. It can fingerprint
 * every table, so a test can show that a refused request changed nothing.
 */
final class HostileStack implements AutoCloseable {

  static final String TOKEN = "hostile-admin-token-0123456789";
  static final LocalDate END = LocalDate.of(2026, 10, 31);

  /**
   * What must never be in an answer: a Java stack frame, a qualified exception class, a driver's or the database's
   * own words. (The fuzz never sends such text itself, so an echo of a parameter cannot match.)
   */
  private static final Pattern INTERNALS = Pattern.compile("(?s).*(\\tat |\\bat [a-zA-Z_$][\\w$]*(\\.[\\w$]+)+\\(|"
    + "\\b[a-z]\\w*(\\.[a-z]\\w*)+\\.[A-Z]\\w*(Exception|Error)\\b|SQLSTATE|org\\.postgresql|io\\.vertx\\.|ERROR: ).*");

  final StoreDashConfig config;
  final Node node;
  final WebClient client;

  HostileStack() {
    // Push on (a key), so that its address is attacked where subscriptions are really written.
    config = TestStorage.config(Map.of("ADMIN_TOKEN", TOKEN, "WARM_ON_START", "false", "PUSH_SECRET_KEY",
      java.util.Base64.getEncoder().encodeToString(new byte[32])));
    node = Node.local(config);
    node.deploy(QueryService.DESCRIPTOR, 1)
      .compose(id -> DemoData.loadIfEmpty(node.vertx(), node.signatures(), config, new DemoOptions(3, 300, 40, 11, END)))
      .compose(v -> node.deploy(CacheService.DESCRIPTOR, 1))
      .compose(id -> node.deploy(MonitorService.DESCRIPTOR, 1))
      .compose(id -> node.deploy(GatewayService.DESCRIPTOR, 1))
      .await();
    client = WebClient.create(node.vertx(), new WebClientOptions().setDefaultHost("127.0.0.1")
      .setDefaultPort(config.httpPort()).setFollowRedirects(false).setDecompressionSupported(false));
  }

  int port() {
    return config.httpPort();
  }

  /**
   * A fingerprint of every table of the database: its row count and the MD5 of its rows in a fixed order. Equal
   * fingerprints mean equal contents.
   */
  Map<String, String> tables() {
    URI uri = URI.create(config.pgUrl().orElseThrow());
    String[] user = uri.getUserInfo().split(":", 2);
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + uri.getHost() + ":" + uri.getPort() + uri.getPath(),
      user[0], user.length > 1 ? user[1] : "");
         Statement st = c.createStatement()) {
      List<String> names = new ArrayList<>();
      try (ResultSet rs = st.executeQuery("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' "
        + "AND table_type = 'BASE TABLE' ORDER BY 1")) {
        while (rs.next()) {
          names.add(rs.getString(1));
        }
      }
      Map<String, String> fingerprint = new TreeMap<>();
      // The audit log grows with every admin command and refused import by design: it is no data a request changed.
      names.remove("audit_log");
      for (String name : names) {
        try (ResultSet rs = st.executeQuery("SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') "
          + "FROM \"" + name + "\" t")) {
          rs.next();
          fingerprint.put(name, rs.getString(1));
        }
      }
      assertThat(fingerprint).containsKeys("stores", "products", "orders", "order_lines", "dataset_version");
      return fingerprint;
    } catch (SQLException e) {
      throw new IllegalStateException("cannot fingerprint the tables: " + e.getMessage(), e);
    }
  }

  /** Whether a body shows something of the implementation: a stack frame, an exception class, SQL errors. */
  static boolean leaksInternals(String body) {
    return body != null && INTERNALS.matcher(body).matches();
  }

  /** Checks an answer is a well-formed problem that shows nothing internal; its JSON. */
  static JsonObject problem(int status, String contentType, String body) {
    assertThat(contentType).as(body).startsWith("application/problem+json");
    JsonObject problem = new JsonObject(body);
    assertThat(problem.getInteger("status")).isEqualTo(status);
    assertThat(problem.getString("title")).isNotBlank();
    assertThat(problem.getString("detail")).isNotBlank();
    assertThat(leaksInternals(body)).as("internals in " + body).isFalse();
    return problem;
  }

  static JsonObject problem(HttpResponse<Buffer> response) {
    return problem(response.statusCode(), response.getHeader("Content-Type"), response.bodyAsString());
  }

  @Override
  public void close() {
    node.shutdown().await();
  }
}
