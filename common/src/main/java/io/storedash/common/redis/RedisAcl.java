package io.storedash.common.redis;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The Redis ACL user StoreDash needs: every command its services send (and the Vert.x client sends for them), and
 * nothing else — no FLUSHALL, KEYS, CONFIG SET, DEBUG, MODULE, SHUTDOWN. The standalone's embedded Redis runs with
 * exactly this user, so every test against it proves the list complete; docs/OPERATIONS.md ("Redis password and ACL
 * user") shows the same {@code ACL SETUSER} line for a Redis of your own.
 */
public final class RedisAcl {

  /** The user name StoreDash connects as when Redis has ACL users. */
  public static final String USER = "storedash";

  /**
   * Commands by who sends them. Keys are any ({@code ~*}): a gateway session's key is its bare id, as Vert.x's
   * session store names it. No pub/sub channel is used.
   */
  public static final List<String> COMMANDS = List.of(
    // the Vert.x client on every new connection: HELLO 3 AUTH ..., PING, SELECT when the URL names a database
    "hello", "auth", "ping", "select",
    // cache-service: entries (GET, SET PX), flush and count (SCAN, UNLINK)
    "get", "set", "scan", "unlink",
    // the gateway: sessions (GET, SET PX, DEL, PEXPIRE) and sign-in lockout counters (GET, INCR, PEXPIRE, PTTL, DEL)
    "del", "incr", "pexpire", "pttl",
    // monitor-service: health only
    "info", "config|get",
    // a Redis Cluster: slot map, per-node figures, redirections during a resharding
    "cluster|slots", "cluster|info", "asking", "readonly");

  private RedisAcl() {
  }

  /** The ACL rules after the user name, with the password as {@code >password}. */
  public static String rules(String password) {
    return "on >" + password + " ~* resetchannels -@all " + COMMANDS.stream().map(c -> "+" + c).collect(Collectors.joining(" "));
  }

  /** {@code ACL SETUSER storedash ...} with a placeholder for the password, as the operations guide shows it. */
  public static String setUser(String password) {
    return "ACL SETUSER " + USER + " reset " + rules(password);
  }
}
