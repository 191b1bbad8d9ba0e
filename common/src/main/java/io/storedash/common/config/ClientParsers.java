package io.storedash.common.config;

import io.storedash.common.redis.RedisEndpoints;
import io.storedash.common.security.Redaction;

import java.net.URISyntaxException;
import java.util.Optional;

/**
 * PG_URL and REDIS_URL read at load time by the parsers of the clients that will use them
 * ({@code PgConnectOptions.fromUri}, the Redis client's {@code RedisURI}), so that a URL a client would refuse stops
 * start-up with one sentence naming the variable, before anything has started — instead of failing in a verticle's
 * start with the client's own message, which quotes the whole URL, password and all (docs/DESIGN.md §11.6).
 *
 * <p>A client is asked only when it is in this process (both are optional dependencies of common): cache-service
 * has no PostgreSQL client and never connects to PostgreSQL, query-service has no Redis client.
 */
final class ClientParsers {

  static final String POSTGRES_EXPECTED = "postgresql://user[:password]@host[:port]/database[?sslmode=...], the user, "
    + "password and database in letters, digits and - . _ ~ ! * (percent-encode any other character, e.g. ^ as %5E)";

  private static final boolean POSTGRES_CLIENT = present("io.vertx.pgclient.PgConnectOptions");
  private static final boolean REDIS_CLIENT = present("io.vertx.redis.client.impl.RedisURI");

  private ClientParsers() {
  }

  /** Why the PostgreSQL client refuses {@code url}, if it does (and is in this process); never the URL itself. */
  static Optional<String> postgresProblem(String url) {
    return POSTGRES_CLIENT ? Postgres.problem(url) : Optional.empty();
  }

  /** Why the Redis client refuses {@code url} (any of its connection strings), if it does; never the URL itself. */
  static Optional<String> redisProblem(String url) {
    RedisEndpoints endpoints;
    try {
      endpoints = RedisEndpoints.parse(url);
    } catch (IllegalArgumentException e) {
      // Says what is wrong without quoting the URL (RedisEndpoints' contract).
      return Optional.of("expected " + RedisEndpoints.EXPECTED + " (" + Redaction.redact(e.getMessage()) + ")");
    }
    return REDIS_CLIENT ? Redis.problem(endpoints) : Optional.empty();
  }

  /** The reason of a failure without the text it failed on: a URISyntaxException quotes its whole input. */
  static String reason(Throwable failure) {
    Throwable reason = failure.getCause() != null ? failure.getCause() : failure;
    if (reason instanceof URISyntaxException syntax) {
      return syntax.getReason() + (syntax.getIndex() >= 0 ? " at index " + syntax.getIndex() : "");
    }
    return Redaction.message(reason);
  }

  private static boolean present(String className) {
    try {
      Class.forName(className, false, ClientParsers.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException | LinkageError e) {
      return false;
    }
  }

  /** Loaded only when the PostgreSQL client is on the class path. */
  private static final class Postgres {

    static Optional<String> problem(String url) {
      try {
        io.vertx.pgclient.PgConnectOptions.fromUri(url);
        return Optional.empty();
      } catch (RuntimeException e) {
        // "Cannot parse invalid connection URI: <the URL>" caused by what is wrong: the cause is kept, not the URL.
        return Optional.of("the PostgreSQL client cannot read it (" + reason(e) + "); expected " + POSTGRES_EXPECTED);
      }
    }
  }

  /** Loaded only when the Redis client is on the class path. */
  private static final class Redis {

    static Optional<String> problem(RedisEndpoints endpoints) {
      for (String connectionString : endpoints.connectionStrings()) {
        try {
          new io.vertx.redis.client.impl.RedisURI(connectionString);
        } catch (RuntimeException e) {
          return Optional.of("the Redis client cannot read it (" + reason(e) + "); percent-encode special characters "
            + "in the user and password (e.g. ^ as %5E, @ as %40)");
        }
      }
      return Optional.empty();
    }
  }
}
