package io.storedash.query;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Sales channels are data (table {@code channels}): any 渠道 an export names becomes a channel, with a code for the API
 * and a flag "charges a platform service fee" (docs/DESIGN.md §3.3, §4.1). This class finds or creates the channels
 * a load names and chooses the code and the default flag of a new one.
 */
public final class Channels {

  /** Most channels StoreDash keeps: a file that would pass it names something else in its 渠道 column. */
  public static final int MAX_CHANNELS = 200;

  /** The codes of the channels the chain's exports name, so that URLs and JSON read well. */
  private static final Map<String, String> KNOWN_CODES = Map.ofEntries(
    Map.entry("美团", "meituan"),
    Map.entry("美团闪购", "meituan_flash"),
    Map.entry("美团共橙", "meituan_gongcheng"),
    Map.entry("美团咖啡", "meituan_coffee"),
    Map.entry("饿了么", "eleme"),
    Map.entry("饿了么咖啡", "eleme_coffee"),
    Map.entry("京东到家", "jddj"),
    Map.entry("京东秒送", "jd_miaosong"),
    Map.entry("抖音", "douyin"),
    Map.entry("抖音团购", "douyin_group"),
    Map.entry("收银机订单", "pos"),
    Map.entry("闪购小程序", "miniapp"),
    Map.entry("线下", "offline"));

  /** Platforms that take a service fee: every channel whose name starts with one of these charges by default. */
  private static final List<String> FEE_PLATFORMS = List.of("美团", "饿了么", "京东", "抖音");

  /** More channels than {@link #MAX_CHANNELS} would exist; {@code first} is the first new name. */
  public static final class TooMany extends RuntimeException {
    private final String first;
    private final int known;
    private final int added;

    TooMany(String first, int known, int added) {
      super(added + " new channels with the " + known + " StoreDash has are more than the " + MAX_CHANNELS + " it keeps");
      this.first = first;
      this.known = known;
      this.added = added;
    }

    public String first() {
      return first;
    }

    public int known() {
      return known;
    }

    public int added() {
      return added;
    }
  }

  /** The channel ids of {@code names}, and which names were new channels. */
  public record Resolved(Map<String, Short> ids, List<String> created) {
  }

  private Channels() {
  }

  /**
   * Whether a new channel charges a platform service fee until HQ says otherwise: the platforms 美团*, 饿了么*, 京东*,
   * 抖音* do; the till (收银机订单), the mini-program (闪购小程序), 线下 and any other name do not.
   */
  public static boolean chargesByDefault(String name) {
    String trimmed = name.strip();
    return FEE_PLATFORMS.stream().anyMatch(trimmed::startsWith);
  }

  /**
   * The code of a new channel: the chain's usual code for a name it knows, the name itself when it is a short code
   * already (lower case), else {@code ch-} and 8 hex digits of its SHA-256; never one of {@code taken}.
   */
  public static String codeFor(String name, Set<String> taken) {
    String trimmed = name.strip();
    String code = KNOWN_CODES.get(trimmed);
    if (code == null && trimmed.matches("[A-Za-z0-9_-]{1,32}")) {
      code = trimmed.toLowerCase(Locale.ROOT);
    }
    if (code == null || taken.contains(code)) {
      code = "ch-" + hash(trimmed);
    }
    String unique = code;
    for (int i = 2; taken.contains(unique); i++) {
      unique = code + "-" + i;
    }
    return unique;
  }

  /**
   * Finds every channel of {@code names} by its name (or code, in any case) and creates the missing ones, in the
   * caller's transaction.
   *
   * @throws TooMany (as the future's failure) when the channels would be more than {@link #MAX_CHANNELS}
   */
  public static Future<Resolved> resolve(SqlConnection conn, Collection<String> names) {
    return conn.query("SELECT id, code, name_zh FROM channels ORDER BY id").execute().compose(known -> {
      Map<String, Short> byName = new HashMap<>();
      Set<String> codes = new HashSet<>();
      for (Row row : known) {
        byName.put(row.getString(2), row.getShort(0));
        byName.putIfAbsent(row.getString(1).toLowerCase(Locale.ROOT), row.getShort(0));
        codes.add(row.getString(1));
      }
      Map<String, Short> ids = new LinkedHashMap<>();
      List<String> missing = new ArrayList<>();
      for (String name : names) {
        Short id = byName.containsKey(name) ? byName.get(name) : byName.get(name.toLowerCase(Locale.ROOT));
        if (id != null) {
          ids.put(name, id);
        } else if (!missing.contains(name)) {
          missing.add(name);
        }
      }
      if (!missing.isEmpty() && known.size() + missing.size() > MAX_CHANNELS) {
        return Future.failedFuture(new TooMany(missing.get(0), known.size(), missing.size()));
      }
      Future<Void> inserted = Future.succeededFuture();
      for (String name : missing) {
        String code = codeFor(name, codes);
        codes.add(code);
        inserted = inserted.compose(v -> conn
          .preparedQuery("INSERT INTO channels (code, name_zh, charges_fee) VALUES ($1, $2, $3) RETURNING id")
          .execute(Tuple.of(code, name.strip(), chargesByDefault(name)))
          .map(rows -> {
            ids.put(name, rows.iterator().next().getShort(0));
            return null;
          }));
      }
      return inserted.map(v -> new Resolved(ids, List.copyOf(missing)));
    });
  }

  private static String hash(String name) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(name.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(digest, 0, 4);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }
}
