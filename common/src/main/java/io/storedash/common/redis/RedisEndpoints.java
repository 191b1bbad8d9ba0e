package io.storedash.common.redis;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * What {@code REDIS_URL} names: one Redis server, a Sentinel set that watches a master, or a Redis Cluster. Plain
 * parsing without Vert.x types, so that start-up validation ({@code ConfigLoader}) works in every service;
 * {@link RedisClients} turns it into client options.
 *
 * <ul>
 *   <li>{@code redis://[user:password@]host[:port][/db]}, {@code rediss://...} (TLS), {@code unix://path}: one server</li>
 *   <li>{@code redis-sentinel://[[user]:password@]host:port[,host:port...]/master-name[/db]}: the master that the
 *       Sentinels name (port 26379 when omitted)</li>
 *   <li>{@code redis-cluster://[[user]:password@]host:port[,host:port...]}: a Redis Cluster, any of its nodes as
 *       seeds (port 6379 when omitted)</li>
 * </ul>
 * Special characters in the user or password are percent-encoded ({@code @} as {@code %40}, {@code /} as
 * {@code %2F}). The same credentials are used for every node (and the Sentinels).
 */
public final class RedisEndpoints {

  /** How the Redis deployment is laid out; decides the client type and where keyspace-wide commands go. */
  public enum Mode {
    STANDALONE, SENTINEL, CLUSTER
  }

  /** What a bad REDIS_URL is told it should look like. */
  public static final String EXPECTED = "redis://[user:password@]host:port[/db] (or rediss:// for TLS), "
    + "redis-sentinel://[[user]:password@]host:port[,host:port...]/master-name[/db] "
    + "or redis-cluster://[[user]:password@]host:port[,host:port...]";

  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9._-]{1,253}|\\[[0-9A-Fa-f:.]{2,45}]");
  private static final Pattern MASTER_NAME = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private final Mode mode;
  private final String url;
  private final List<String> hostPorts;
  private final String userInfo;
  private final String masterName;
  private final Integer database;
  private final boolean tls;

  private RedisEndpoints(Mode mode, String url, List<String> hostPorts, String userInfo, String masterName,
                         Integer database, boolean tls) {
    this.mode = mode;
    this.url = url;
    this.hostPorts = List.copyOf(hostPorts);
    this.userInfo = userInfo;
    this.masterName = masterName;
    this.database = database;
    this.tls = tls;
  }

  /**
   * @throws IllegalArgumentException saying what is wrong, never echoing a password
   */
  public static RedisEndpoints parse(String url) {
    String value = url == null ? "" : url.trim();
    int schemeEnd = value.indexOf("://");
    if (schemeEnd <= 0) {
      throw new IllegalArgumentException("no scheme");
    }
    String scheme = value.substring(0, schemeEnd);
    String rest = value.substring(schemeEnd + 3);
    return switch (scheme) {
      case "redis", "rediss" -> standalone(value, rest, scheme.equals("rediss"));
      case "unix" -> {
        if (rest.isEmpty() || rest.equals("/")) {
          throw new IllegalArgumentException("a unix:// URL needs the socket's path");
        }
        yield new RedisEndpoints(Mode.STANDALONE, value, List.of(), null, null, null, false);
      }
      case "redis-sentinel" -> sentinel(value, rest);
      case "redis-cluster" -> cluster(value, rest);
      default -> throw new IllegalArgumentException("unknown scheme '" + scheme + "'");
    };
  }

  private static RedisEndpoints standalone(String url, String rest, boolean tls) {
    // Vert.x also reads ?db=, ?user= and ?password=; only the part before the query is checked here.
    int query = rest.indexOf('?');
    Authority authority = Authority.of(query < 0 ? rest : rest.substring(0, query), 6379);
    if (authority.hostPorts.size() != 1) {
      throw new IllegalArgumentException("a redis:// URL names one server; use redis-sentinel:// or redis-cluster:// for several");
    }
    Integer db = null;
    String path = authority.path;
    if (!path.isEmpty() && !path.equals("/")) {
      db = database(path.substring(1));
    }
    return new RedisEndpoints(Mode.STANDALONE, url, authority.hostPorts, authority.userInfo, null, db, tls);
  }

  private static RedisEndpoints sentinel(String url, String rest) {
    Authority authority = Authority.of(rest, 26379);
    String path = authority.path.isEmpty() ? "" : authority.path.substring(1);
    String[] parts = path.split("/", -1);
    if (path.isEmpty() || parts[0].isEmpty()) {
      throw new IllegalArgumentException("the master name is missing after the Sentinel addresses (…/mymaster)");
    }
    if (!MASTER_NAME.matcher(parts[0]).matches()) {
      throw new IllegalArgumentException("the master name may use letters, digits, . _ and -, got '" + parts[0] + "'");
    }
    if (parts.length > 2 || parts.length == 2 && parts[1].isEmpty()) {
      throw new IllegalArgumentException("expected /master-name or /master-name/db after the Sentinel addresses");
    }
    Integer db = parts.length == 2 ? database(parts[1]) : null;
    return new RedisEndpoints(Mode.SENTINEL, url, authority.hostPorts, authority.userInfo, parts[0], db, false);
  }

  private static RedisEndpoints cluster(String url, String rest) {
    Authority authority = Authority.of(rest, 6379);
    if (!authority.path.isEmpty() && !authority.path.equals("/") && !authority.path.equals("/0")) {
      throw new IllegalArgumentException("a Redis Cluster has only database 0, got path '" + authority.path + "'");
    }
    return new RedisEndpoints(Mode.CLUSTER, url, authority.hostPorts, authority.userInfo, null, null, false);
  }

  private static int database(String text) {
    try {
      int db = Integer.parseInt(text);
      if (db >= 0) {
        return db;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new IllegalArgumentException("the database must be a whole number from 0, got '" + text + "'");
  }

  /** {@code [userinfo@]host[:port][,host[:port]...][/path]}: the user info kept raw (still percent-encoded). */
  private record Authority(String userInfo, List<String> hostPorts, String path) {

    static Authority of(String rest, int defaultPort) {
      int at = rest.lastIndexOf('@');
      int slash = rest.indexOf('/', Math.max(at, 0));
      String userInfo = at < 0 ? null : rest.substring(0, at);
      String hosts = rest.substring(at + 1, slash < 0 ? rest.length() : slash);
      String path = slash < 0 ? "" : rest.substring(slash);
      if (userInfo != null) {
        if (userInfo.isEmpty()) {
          throw new IllegalArgumentException("an empty user and password before '@'");
        }
        try {
          URLDecoder.decode(userInfo, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("the user or password has a bad percent-escape (encode '%' as %25)");
        }
      }
      if (hosts.isEmpty()) {
        throw new IllegalArgumentException("no host");
      }
      List<String> hostPorts = new ArrayList<>();
      for (String hostPort : hosts.split(",", -1)) {
        hostPorts.add(hostPort(hostPort.trim(), defaultPort));
      }
      return new Authority(userInfo, hostPorts, path);
    }

    private static String hostPort(String text, int defaultPort) {
      if (text.isEmpty()) {
        throw new IllegalArgumentException("an empty host in the list of addresses");
      }
      int colon = text.lastIndexOf(':');
      boolean bracketed = text.startsWith("[");
      String host = text;
      int port = defaultPort;
      if (colon > 0 && (!bracketed || text.lastIndexOf(']') < colon)) {
        host = text.substring(0, colon);
        String portText = text.substring(colon + 1);
        try {
          port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("the port of '" + host + "' must be a number from 1 to 65535, got '" + portText + "'");
        }
        if (port < 1 || port > 65535) {
          throw new IllegalArgumentException("the port of '" + host + "' must be a number from 1 to 65535, got " + port);
        }
      }
      if (!HOST.matcher(host).matches()) {
        throw new IllegalArgumentException("'" + host + "' is not a host name or IP address");
      }
      return host + ":" + port;
    }
  }

  public Mode mode() {
    return mode;
  }

  /** The URL as configured (it may hold a password: never log it, use {@link #describe()}). */
  public String url() {
    return url;
  }

  /** {@code host:port} of every address in the URL: the server, the Sentinels, or the cluster's seed nodes. */
  public List<String> hostPorts() {
    return hostPorts;
  }

  /** The Sentinels' name of the master; null unless {@link Mode#SENTINEL}. */
  public String masterName() {
    return masterName;
  }

  /** The database number in the URL, null when it names none. */
  public Integer database() {
    return database;
  }

  /**
   * Vert.x connection strings: the URL itself for one server; one {@code redis://} URL per Sentinel (with the
   * database, which Vert.x selects on the master) or per cluster seed node, each with the credentials.
   */
  public List<String> connectionStrings() {
    if (mode == Mode.STANDALONE) {
      return List.of(url);
    }
    String suffix = mode == Mode.SENTINEL && database != null ? "/" + database : "";
    return hostPorts.stream().map(hostPort -> nodeUrl(hostPort) + suffix).toList();
  }

  /** A connection string for one node of this deployment ({@code host:port}), with the URL's credentials. */
  public String nodeUrl(String hostPort) {
    return (tls ? "rediss://" : "redis://") + (userInfo == null ? "" : userInfo + "@") + hostPort;
  }

  /** For logs and the monitor: what the URL names, without credentials. */
  public String describe() {
    return switch (mode) {
      case STANDALONE -> hostPorts.isEmpty() ? url.split("\\?", 2)[0] : hostPorts.get(0);
      case SENTINEL -> "master " + masterName + " via sentinels " + String.join(",", hostPorts);
      case CLUSTER -> "cluster " + String.join(",", hostPorts);
    };
  }

  @Override
  public String toString() {
    return mode + " " + describe();
  }
}
