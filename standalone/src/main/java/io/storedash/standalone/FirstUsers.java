package io.storedash.standalone;

import io.storedash.common.config.StoreDashConfig;
import io.storedash.gateway.auth.Role;
import io.storedash.gateway.auth.Users;
import io.storedash.query.storage.Migrations;
import io.storedash.common.security.MessageSignatures;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.handler.HttpException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The users a standalone start creates so that a newcomer can sign in at once: {@code admin} (hq) on the first start,
 * with STOREDASH_ADMIN_PASSWORD or a generated password printed once; with {@code --demo-users} also a manager and a
 * viewer for each city of the stores ({@code manager-1}, {@code viewer-1} for the first city in name order, ...), all
 * with one demo password (STOREDASH_DEMO_PASSWORD or generated). Users that exist are left as they are.
 */
final class FirstUsers {

  static final String ADMIN_PASSWORD = "STOREDASH_ADMIN_PASSWORD";
  static final String DEMO_PASSWORD = "STOREDASH_DEMO_PASSWORD";
  private static final String ALPHABET = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

  /** What was done, for the lines printed beside the URL. */
  record Outcome(boolean adminCreated, String adminPassword, boolean adminPasswordGenerated, List<String> demoUsers,
                 String demoPassword, boolean demoPasswordGenerated) {

    List<String> lines() {
      List<String> lines = new ArrayList<>();
      if (adminCreated) {
        // A password the operator chose is theirs already: it is not printed (nor kept in a log).
        lines.add("  Sign in:    user admin, password " + (adminPasswordGenerated ? adminPassword
          + "  (generated and shown this once: write it down, or set " + ADMIN_PASSWORD + " before the first start)"
          : "from " + ADMIN_PASSWORD));
      } else {
        lines.add("  Sign in:    as admin with the password of its first start (forgotten? set ADMIN_TOKEN and "
          + "PATCH /api/v1/admin/users/admin {\"password\": ...} with it, see docs/OPERATIONS.md)");
      }
      if (!demoUsers.isEmpty()) {
        lines.add("  Demo users: manager-N (manager) and viewer-N (viewer) of city N: " + String.join(", ", demoUsers)
          + "; password " + (demoPasswordGenerated ? demoPassword : "from " + DEMO_PASSWORD));
      }
      return lines;
    }
  }

  private FirstUsers() {
  }

  /**
   * Creates the users, migrating the schema first when it is not yet.
   *
   * @param environment where the passwords are read (System::getenv)
   */
  static Future<Outcome> create(Vertx vertx, StoreDashConfig config, boolean demoUsers, Function<String, String> environment) {
    String given = environment.apply(ADMIN_PASSWORD);
    String adminPassword = given == null || given.isEmpty() ? generated() : given;
    String givenDemo = environment.apply(DEMO_PASSWORD);
    String demoPassword = givenDemo == null || givenDemo.isEmpty() ? generated() : givenDemo;
    SqlClient db = Users.oneConnection(vertx, config);
    // Normally migrated already (query-service or the demo load did it); not with --infra-only --no-demo.
    return vertx.executeBlocking(() -> Migrations.migrate(config))
      .compose(version -> Users.ensureAdmin(vertx, db, adminPassword))
      .compose(created -> (demoUsers ? demoUsers(vertx, db, demoPassword) : Future.succeededFuture(List.<String>of()))
        .map(demo -> new Outcome(created, adminPassword, given == null || given.isEmpty(), demo, demoPassword,
          givenDemo == null || givenDemo.isEmpty())))
      .eventually(db::close);
  }

  /** A manager and a viewer for each city, named by the city's place in name order; the cities whose users were made now ("1 上海"). */
  private static Future<List<String>> demoUsers(Vertx vertx, SqlClient db, String password) {
    // Made before any gateway runs: no gateway has them cached, so the changes it publishes need reach nobody.
    Users users = new Users(vertx, MessageSignatures.unshared("first-users"), db, Clock.systemUTC(), Duration.ZERO);
    return db.query("SELECT DISTINCT city FROM stores WHERE city IS NOT NULL AND city <> '' ORDER BY city").execute()
      .compose(rows -> {
        List<String> cities = new ArrayList<>();
        for (Row row : rows) {
          cities.add(row.getString(0));
        }
        java.util.Set<String> made = new java.util.LinkedHashSet<>();
        Future<Void> chain = Future.succeededFuture();
        for (int i = 0; i < cities.size(); i++) {
          String city = cities.get(i);
          int n = i + 1;
          for (Role role : List.of(Role.MANAGER, Role.VIEWER)) {
            String name = role.wireName() + "-" + n;
            chain = chain.compose(v -> users.create(name, password, role, Set.of(), Set.of(city))
              .map(user -> made.add(n + " " + city))
              // A user of that name exists already (an earlier start): left as it is.
              .recover(e -> e instanceof HttpException he && he.getStatusCode() == 409 ? Future.succeededFuture(false)
                : Future.failedFuture(e))
              .mapEmpty());
          }
        }
        return chain.map(v -> List.copyOf(made));
      });
  }

  /** 20 characters from a 57-letter alphabet without look-alikes: about 117 bits. */
  static String generated() {
    SecureRandom random = new SecureRandom();
    StringBuilder password = new StringBuilder(20);
    for (int i = 0; i < 20; i++) {
      password.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return password.toString();
  }
}
