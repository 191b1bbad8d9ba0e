package io.storedash.query.ingest;

import io.storedash.query.Channels;
import io.storedash.query.ingest.csv.ImportColumn;
import io.storedash.query.ingest.csv.ImportHeader;
import io.storedash.query.ingest.csv.ImportReport;
import io.storedash.query.ingest.csv.LineParser;
import io.storedash.query.ingest.csv.Rejection;
import io.storedash.query.ingest.csv.RejectionList;
import io.storedash.query.storage.Rollups;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * The writing phase of a CSV import ({@link CsvImport}), on the import's connection and in its transaction, once the
 * file's lines are staged and checked against each other: finds or creates the stores, refuses what would move data
 * between stores or overflow a total, upserts products, orders and lines, rebuilds the rollups of the touched stores
 * and days, and bumps their data versions. Any rejection ends it with the import's refusal, and the caller rolls back.
 */
final class ImportWrite {

  /**
   * What the writing phase did, for the report and the event; {@code version} and {@code importId} are null in a dry
   * run, which bumps no version and records no history.
   */
  record Written(List<String> stores, List<String> newStores, List<String> newChannels, long newProducts, long orders, long newOrders,
                 long updatedOrders, long newLines, long updatedLines, Long version, List<String> changedStores,
                 ImportReport.Days days, Long importId) {

    /** The file's orders that were stored already, changed or not. */
    long replacedOrders() {
      return orders - newOrders;
    }
  }

  private final SqlConnection conn;
  private final ZoneId defaultZone;
  private final ImportScope scope;
  private final RejectionList rejections;
  private final ImportHeader header;
  private final Supplier<ImportFailure> refused;
  private final Map<String, Long> steps;
  /** Who imports which file, for the history; null in a dry run, which keeps nothing. */
  private final ImportHistory.Entry history;

  /**
   * @param scope   the stores the file may write to, or null for any store (and it may create stores)
   * @param refused the failure to end with when {@code rejections} holds anything (it carries the report)
   * @param steps   receives the milliseconds of each writing step, for the log
   * @param history the import's history row to write, with what it replaces; null for a dry run, which goes through
   *                every check and write but records nothing and bumps no version (its transaction is rolled back)
   */
  ImportWrite(SqlConnection conn, ZoneId defaultZone, ImportScope scope, RejectionList rejections, ImportHeader header,
              Supplier<ImportFailure> refused, Map<String, Long> steps, ImportHistory.Entry history) {
    this.history = history;
    this.conn = conn;
    this.defaultZone = defaultZone;
    this.scope = scope;
    this.rejections = rejections;
    this.header = header;
    this.refused = refused;
    this.steps = steps;
  }

  /** Under the loaders' advisory lock: the stores, then everything else, or the refusal. */
  Future<Written> run() {
    return conn.query(BulkLoader.LOCK).execute()
      .compose(v -> conn.query("SET LOCAL work_mem = '128MB'").execute())
      .compose(v -> stores())
      .compose(v -> rejections.isEmpty() ? rest() : Future.failedFuture(refused.get()));
  }

  private final List<String> fileStores = new ArrayList<>();
  private final List<String> newStores = new ArrayList<>();
  private final List<String> newChannels = new ArrayList<>();
  private final Set<Integer> touched = new LinkedHashSet<>();
  private LocalDate first;
  private LocalDate last;
  private long orders;
  private long newProducts;
  private long newOrders;
  private long updatedOrders;
  private long newLines;
  private long updatedLines;
  private ImportReport.Days fileDays;
  private Long importId;

  /**
   * The column that names a line's store in this file ({@code store_code}, else {@code store_id}, else
   * {@code store_name}), for rejections about its store.
   */
  static String storeColumn(ImportHeader header) {
    return (header == null || header.has(ImportColumn.STORE_CODE) ? ImportColumn.STORE_CODE
      : header.has(ImportColumn.STORE_ID) ? ImportColumn.STORE_ID : ImportColumn.STORE_NAME).english();
  }

  /**
   * Finds or creates every store the file names, and maps the file's store keys to them; with a scope, refuses the
   * stores outside it.
   */
  private Future<Void> stores() {
    return storesInScope().compose(allowed -> conn.query(ImportSql.STORE_KEYS).execute().compose(rows -> {
      List<String[]> byCode = new ArrayList<>();
      List<String[]> byId = new ArrayList<>();
      List<String[]> byName = new ArrayList<>();
      Map<String, Integer> firstLine = new HashMap<>();
      for (Row row : rows) {
        String key = row.getString(0);
        String code = row.getString(1);
        String externalId = row.getString(2);
        String name = row.getString(3);
        String city = row.getString(5);
        firstLine.put(key, row.getInteger(4));
        if (key.startsWith("code:")) {
          byCode.add(new String[] {key, code, name == null ? code : name, city, null});
        } else if (key.startsWith("id:")) {
          byId.add(new String[] {key, externalId, name, city, row.getLocalDate(6).toString()});
        } else {
          byName.add(new String[] {key, name, city});
        }
      }
      Map<String, Object[]> mapping = new HashMap<>();
      return codesButForCase(byCode, firstLine)
        .compose(v -> rejections.isEmpty() ? byFileCode(byCode, mapping) : Future.succeededFuture())
        .compose(v -> byExternalId(byId, mapping))
        .compose(v -> byName(byName, firstLine, mapping))
        .compose(v -> withinScope(allowed, mapping, firstLine))
        .compose(v -> conn.query(ImportSql.CREATE_STORE_MAP).execute())
        .compose(v -> {
          List<String> keys = new ArrayList<>(mapping.keySet());
          Tuple args = Tuple.tuple()
            .addArrayOfString(keys.toArray(String[]::new))
            .addArrayOfInteger(keys.stream().map(k -> (Integer) mapping.get(k)[0]).toArray(Integer[]::new))
            .addArrayOfString(keys.stream().map(k -> (String) mapping.get(k)[1]).toArray(String[]::new));
          keys.forEach(k -> fileStores.add((String) mapping.get(k)[2]));
          mapping.values().forEach(v2 -> touched.add((Integer) v2[0]));
          return conn.preparedQuery(ImportSql.FILL_STORE_MAP).execute(args).mapEmpty();
        })
        .compose(v -> channels());
    }));
  }

  /**
   * The ids of the stores the scope lets the file write to, read before the file finds, creates or renames any store
   * (so a file cannot move a store into a city of the scope); null without a scope.
   */
  private Future<Set<Integer>> storesInScope() {
    if (scope == null) {
      return Future.succeededFuture(null);
    }
    Tuple args = Tuple.tuple().addArrayOfString(scope.stores().toArray(String[]::new))
      .addArrayOfString(scope.cities().toArray(String[]::new));
    return conn.preparedQuery(ImportSql.STORES_IN_SCOPE).execute(args).map(rows -> {
      Set<Integer> ids = new HashSet<>();
      rows.forEach(row -> ids.add(row.getInteger(0)));
      return ids;
    });
  }

  /**
   * Refuses the file when a store it names is not one of {@code allowed} (a store created by this file never is: only
   * hq creates stores), once per store, at its first line; nothing when there is no scope ({@code allowed} null).
   */
  private Future<Void> withinScope(Set<Integer> allowed, Map<String, Object[]> mapping, Map<String, Integer> firstLine) {
    if (allowed == null) {
      return Future.succeededFuture();
    }
    List<String> outside = mapping.keySet().stream().filter(key -> !allowed.contains((Integer) mapping.get(key)[0]))
      .sorted(Comparator.comparing(firstLine::get)).toList();
    if (outside.isEmpty()) {
      return Future.succeededFuture();
    }
    Integer[] ids = outside.stream().map(key -> (Integer) mapping.get(key)[0]).distinct().toArray(Integer[]::new);
    return conn.preparedQuery(ImportSql.STORE_NAMES).execute(Tuple.tuple().addArrayOfInteger(ids)).compose(rows -> {
      Map<Integer, Row> stores = new HashMap<>();
      rows.forEach(row -> stores.put(row.getInteger(0), row));
      Set<Integer> named = new HashSet<>();
      for (String key : outside) {
        Row store = stores.get((Integer) mapping.get(key)[0]);
        if (named.add(store.getInteger(0))) {
          String code = store.getString(1);
          rejections.add(new Rejection(firstLine.get(key), storeColumn(header), "store " + store.getString(2) + " (" + code
            + ") is not one of the stores you may import for" + (newStores.contains(code)
            ? ": it does not exist yet, and only hq creates stores" : "")));
        }
      }
      return Future.failedFuture(refused.get());
    });
  }

  /**
   * Stores known by their 门店ID: the store with that id; else the one store of that name that has no id yet (it was
   * imported by name before), which takes the id; else a new store. Its code is the 门店ID when that is a valid code
   * no store has, else {@code S-} and a hash of the id. A known store takes the file's name and city: a renamed store
   * keeps its code and history.
   */
  private Future<Void> byExternalId(List<String[]> stores, Map<String, Object[]> mapping) {
    if (stores.isEmpty()) {
      return Future.succeededFuture();
    }
    String[] ids = stores.stream().map(s -> s[1]).toArray(String[]::new);
    return conn.preparedQuery(ImportSql.STORES_BY_EXTERNAL_ID).execute(Tuple.tuple().addArrayOfString(ids)).compose(rows -> {
      Map<String, Row> found = new HashMap<>();
      rows.forEach(row -> found.put(row.getString(4), row));
      List<String[]> missing = new ArrayList<>();
      for (String[] store : stores) {
        Row row = found.get(store[1]);
        if (row != null) {
          mapping.put(store[0], new Object[] {row.getInteger(0), row.getString(3), row.getString(1)});
        } else {
          missing.add(store);
        }
      }
      return adoptByName(missing, mapping).compose(unadopted -> create(unadopted, mapping)).compose(v -> {
        Integer[] storeIds = stores.stream().map(s -> (Integer) mapping.get(s[0])[0]).toArray(Integer[]::new);
        Tuple rename = Tuple.tuple().addArrayOfInteger(storeIds)
          .addArrayOfString(stores.stream().map(s -> s[2]).toArray(String[]::new))
          .addArrayOfString(stores.stream().map(s -> s[3]).toArray(String[]::new))
          .addArrayOfLocalDate(stores.stream().map(s -> LocalDate.parse(s[4])).toArray(LocalDate[]::new));
        return conn.preparedQuery(ImportSql.RENAME_STORES).execute(rename).mapEmpty();
      });
    });
  }

  /** Of {@code stores} (not found by id), those whose name is one id-less store's take that store; the rest come back. */
  private Future<List<String[]>> adoptByName(List<String[]> stores, Map<String, Object[]> mapping) {
    List<String[]> named = stores.stream().filter(s -> s[2] != null).toList();
    if (named.isEmpty()) {
      return Future.succeededFuture(stores);
    }
    Tuple names = Tuple.tuple().addArrayOfString(named.stream().map(s -> s[2]).toArray(String[]::new));
    return conn.preparedQuery(ImportSql.STORES_WITHOUT_ID_BY_NAME).execute(names).compose(rows -> {
      Map<String, List<Row>> byName = new HashMap<>();
      rows.forEach(row -> byName.computeIfAbsent(row.getString(2), n -> new ArrayList<>()).add(row));
      List<String[]> rest = new ArrayList<>();
      Future<Void> adopted = Future.succeededFuture();
      Set<Integer> taken = new HashSet<>();
      for (String[] store : stores) {
        List<Row> matches = store[2] == null ? List.of() : byName.getOrDefault(store[2], List.of());
        if (matches.size() == 1 && taken.add(matches.get(0).getInteger(0))) {
          Row row = matches.get(0);
          mapping.put(store[0], new Object[] {row.getInteger(0), row.getString(3), row.getString(1)});
          adopted = adopted.compose(v -> conn.preparedQuery(ImportSql.ADOPT_EXTERNAL_ID)
            .execute(Tuple.of(row.getInteger(0), store[1])).mapEmpty());
        } else {
          rest.add(store);
        }
      }
      return adopted.map(rest);
    });
  }

  /** New stores for 门店IDs no store has. */
  private Future<Void> create(List<String[]> stores, Map<String, Object[]> mapping) {
    if (stores.isEmpty()) {
      return Future.succeededFuture();
    }
    String[] wanted = stores.stream().map(s -> CsvImport.codeForExternalId(s[1])).toArray(String[]::new);
    Tuple lower = Tuple.tuple().addArrayOfString(Arrays.stream(wanted).map(c -> c.toLowerCase(Locale.ROOT)).toArray(String[]::new));
    return conn.preparedQuery(ImportSql.CODES_TAKEN).execute(lower).compose(rows -> {
      Set<String> taken = new HashSet<>();
      rows.forEach(row -> taken.add(row.getString(0)));
      List<String[]> created = new ArrayList<>();
      for (int i = 0; i < stores.size(); i++) {
        String[] store = stores.get(i);
        String code = wanted[i];
        if (!taken.add(code.toLowerCase(Locale.ROOT))) {
          code = CsvImport.hashedCode("S-", store[1]);
        }
        created.add(new String[] {store[0], code, store[2] == null ? store[1] : store[2], store[3], store[1]});
      }
      Map<String, Object[]> byCodeMapping = new HashMap<>();
      return byCode(created, byCodeMapping).map(v -> {
        for (String[] store : created) {
          mapping.put(store[0], byCodeMapping.get(store[1]));
        }
        return null;
      });
    });
  }

  /**
   * The file's channels: each 渠道 is the channel with that name (or code); a new one becomes a channel with a code of
   * its own and the default fee flag ({@link Channels#resolve}).
   */
  private Future<Void> channels() {
    return conn.query(ImportSql.FILE_CHANNELS).execute().compose(fileRows -> {
      Map<String, Integer> firstLine = new LinkedHashMap<>();
      fileRows.forEach(row -> firstLine.put(row.getString(0), row.getInteger(1)));
      return Channels.resolve(conn, firstLine.keySet()).recover(e -> {
        if (e instanceof Channels.TooMany many) {
          rejections.add(new Rejection(firstLine.get(many.first()), ImportColumn.CHANNEL.english(), "the file names "
            + many.added() + " new channels; with the " + many.known() + " StoreDash has, that is more than the "
            + Channels.MAX_CHANNELS + " it keeps: is 渠道 the right column?"));
          return Future.failedFuture(refused.get());
        }
        return Future.failedFuture(e);
      });
    }).compose(resolved -> {
      newChannels.addAll(resolved.created());
      return conn.query(ImportSql.CREATE_CHANNEL_MAP).execute()
        .compose(v -> conn.preparedQuery(ImportSql.FILL_CHANNEL_MAP).execute(Tuple.tuple()
          .addArrayOfString(resolved.ids().keySet().toArray(String[]::new))
          .addArrayOfShort(resolved.ids().values().toArray(Short[]::new))))
        .mapEmpty();
    });
  }

  /**
   * Store codes are compared case-insensitively: two codes of the file, or a code of the file and a stored one,
   * that differ only in case are refused (with the file's first line of the later code), since a user cannot
   * tell S001 and s001 apart.
   */
  private Future<Void> codesButForCase(List<String[]> stores, Map<String, Integer> firstLine) {
    Map<String, String> seen = new HashMap<>();
    stores.stream().sorted(Comparator.comparing(s -> firstLine.get(s[0]))).forEach(store -> {
      String earlier = seen.putIfAbsent(store[1].toLowerCase(Locale.ROOT), store[1]);
      if (earlier != null) {
        rejections.add(new Rejection(firstLine.get(store[0]), ImportColumn.STORE_CODE.english(), "store code '"
          + store[1] + "' differs only in case from '" + earlier + "' earlier in the file: codes are compared "
          + "case-insensitively, so both name one store; write it the same way on every line"));
      }
    });
    if (stores.isEmpty() || !rejections.isEmpty()) {
      return Future.succeededFuture();
    }
    Tuple codes = Tuple.tuple().addArrayOfString(stores.stream().map(s -> s[1]).toArray(String[]::new));
    Map<String, String> keyOfCode = new HashMap<>();
    stores.forEach(s -> keyOfCode.put(s[1], s[0]));
    return conn.preparedQuery(ImportSql.CODES_BUT_FOR_CASE).execute(codes).map(rows -> {
      for (Row row : rows) {
        rejections.add(new Rejection(firstLine.get(keyOfCode.get(row.getString(0))), ImportColumn.STORE_CODE.english(), "store code '"
          + row.getString(0) + "' differs only in case from the existing store '" + row.getString(1) + "': codes "
          + "are compared case-insensitively; write '" + row.getString(1) + "' to import into that store"));
      }
      return null;
    });
  }

  /** Stores named by code: found or created, mapped from the file's store key ({@code code:} and the code). */
  private Future<Void> byFileCode(List<String[]> stores, Map<String, Object[]> mapping) {
    Map<String, Object[]> byStoredCode = new HashMap<>();
    return byCode(stores, byStoredCode).map(v -> {
      for (String[] store : stores) {
        mapping.put(store[0], byStoredCode.get(store[1]));
      }
      return null;
    });
  }

  /** Finds or creates the stores of {@code stores} ({key, code, name, city, external id}); maps each code to it. */
  private Future<Void> byCode(List<String[]> stores, Map<String, Object[]> mapping) {
    if (stores.isEmpty()) {
      return Future.succeededFuture();
    }
    String[] codes = stores.stream().map(s -> s[1]).toArray(String[]::new);
    Tuple insert = Tuple.tuple().addArrayOfString(codes)
      .addArrayOfString(stores.stream().map(s -> s[2]).toArray(String[]::new))
      .addArrayOfString(stores.stream().map(s -> defaultZone.getId()).toArray(String[]::new))
      .addArrayOfString(stores.stream().map(s -> s[3] == null ? "" : s[3]).toArray(String[]::new))
      .addArrayOfString(stores.stream().map(s -> s[4]).toArray(String[]::new));
    return conn.preparedQuery(ImportSql.INSERT_STORES).execute(insert)
      .compose(created -> {
        created.forEach(row -> newStores.add(row.getString(0)));
        return conn.preparedQuery(ImportSql.STORES_BY_CODE).execute(Tuple.tuple().addArrayOfString(codes));
      })
      .map(rows -> {
        for (Row row : rows) {
          mapping.put(row.getString(1), new Object[] {row.getInteger(0), row.getString(3), row.getString(1)});
        }
        return null;
      });
  }

  /**
   * Stores named by name only: the one store with that name; a new store (code {@code N-} + a hash of the name)
   * when there is none; a rejection when several stores share the name.
   */
  private Future<Void> byName(List<String[]> stores, Map<String, Integer> firstLine, Map<String, Object[]> mapping) {
    if (stores.isEmpty()) {
      return Future.succeededFuture();
    }
    String[] names = stores.stream().map(s -> s[1]).toArray(String[]::new);
    return conn.preparedQuery(ImportSql.STORES_BY_NAME).execute(Tuple.tuple().addArrayOfString(names)).compose(rows -> {
      Map<String, List<Row>> found = new HashMap<>();
      rows.forEach(row -> found.computeIfAbsent(row.getString(2), n -> new ArrayList<>()).add(row));
      List<String[]> missing = new ArrayList<>();
      for (String[] store : stores) {
        List<Row> matches = found.getOrDefault(store[1], List.of());
        if (matches.size() == 1) {
          Row row = matches.get(0);
          mapping.put(store[0], new Object[] {row.getInteger(0), row.getString(3), row.getString(1)});
        } else if (matches.isEmpty()) {
          missing.add(new String[] {store[0], CsvImport.hashedCode("N-", store[1]), store[1], store[2], null});
        } else {
          rejections.add(new Rejection(firstLine.get(store[0]), ImportColumn.STORE_NAME.english(), "store name '"
            + store[1] + "' belongs to several stores (" + String.join(", ", matches.stream().map(r -> r.getString(1)).toList())
            + "): add the column " + ImportColumn.STORE_ID.bothNames() + " to say which"));
        }
      }
      if (missing.isEmpty()) {
        return Future.succeededFuture();
      }
      Map<String, Object[]> created = new HashMap<>();
      return byCode(missing, created).map(v -> {
        for (String[] store : missing) {
          mapping.put(store[0], created.get(store[1]));
        }
        return null;
      });
    });
  }

  private Future<Written> rest() {
    return timed("products", () -> conn.query(ImportSql.UPSERT_PRODUCTS).execute())
      .compose(rows -> {
        newProducts = rows.iterator().next().getLong(0);
        return timed("orders staged", () -> conn.query(ImportSql.CREATE_ORDERS).execute()
          .compose(v -> conn.query("ANALYZE import_orders").execute()));
      })
      .compose(v -> timed("other stores' orders", this::ordersOfOtherStores))
      .compose(v -> rejections.isEmpty() ? Future.succeededFuture() : Future.failedFuture(refused.get()))
      .compose(v -> timed("old places", () -> conn.query(ImportSql.OLD_PLACES).execute()))
      .compose(rows -> {
        for (Row row : rows) {
          touched.add(row.getInteger(0));
          widen(row.getLocalDate(1), row.getLocalDate(2));
        }
        return conn.query(ImportSql.NEW_DAYS).execute();
      })
      .compose(rows -> {
        Row row = rows.iterator().next();
        fileDays = new ImportReport.Days(row.getLocalDate(0), row.getLocalDate(1), row.getLong(3));
        widen(row.getLocalDate(0), row.getLocalDate(1));
        orders = row.getLong(2);
        return conn.query(ImportSql.CREATE_ORDER_IDS).execute();
      })
      .compose(v -> history == null ? Future.succeededFuture()
        : timed("saved for undo", () -> ImportHistory.open(conn, history).compose(id -> {
          importId = id;
          return ImportHistory.saveReplaced(conn, id);
        })))
      .compose(v -> timed("orders", () -> conn.query(ImportSql.UPSERT_ORDERS).execute()))
      .compose(rows -> {
        Row row = rows.iterator().next();
        newOrders = row.getLong(0);
        updatedOrders = row.getLong(1);
        // When the upsert returned every order (a file of new or changed orders), there is nothing to look up.
        Future<?> lookup = newOrders + updatedOrders == orders ? Future.succeededFuture()
          : timed("unchanged order ids", () -> conn.query(ImportSql.UNCHANGED_ORDER_IDS).execute());
        return lookup.compose(v -> conn.query("ANALYZE import_order_ids").execute())
          .compose(v -> importId == null ? Future.succeededFuture() : ImportHistory.written(conn, importId));
      })
      .compose(v -> timed("old lines", () -> conn.query(ImportSql.DELETE_LINES).execute()))
      .compose(v -> timed("lines", () -> conn.query(ImportSql.INSERT_LINES).execute()))
      .compose(rows -> {
        Row row = rows.iterator().next();
        newLines = row.getLong(0);
        updatedLines = row.getLong(1);
        return Future.succeededFuture();
      })
      .compose(v -> {
        Integer[] ids = touched.toArray(Integer[]::new);
        return timed("rollups", () -> Rollups.refresh(conn, ids, first, last))
          .compose(r -> storeDaysOverLimit(ids))
          .compose(r -> !rejections.isEmpty() ? Future.failedFuture(refused.get())
            : history == null ? Future.<Long>succeededFuture(null)
            : Rollups.bumpVersions(conn, ids).compose(version -> Rollups.recordImport(conn, ids).map(version)))
          .compose(version -> conn.preparedQuery(ImportSql.STORE_CODES).execute(Tuple.tuple().addArrayOfInteger(ids))
            .map(codes -> {
              List<String> changed = new ArrayList<>();
              codes.forEach(c -> changed.add(c.getString(0)));
              return new Written(List.copyOf(new TreeSet<>(fileStores)), List.copyOf(new TreeSet<>(newStores)),
                List.copyOf(newChannels), newProducts, orders, newOrders, updatedOrders, newLines, updatedLines, version,
                changed, fileDays, importId);
            }))
          .compose(written -> importId == null ? Future.succeededFuture(written)
            : ImportHistory.close(conn, importId, written, ids, first, last).map(written));
      });
  }

  /** Refuses every line of an order that another store holds, naming that store. */
  private Future<Void> ordersOfOtherStores() {
    String column = storeColumn(header);
    return ImportCursor.stream(conn, ImportSql.ORDERS_OF_OTHER_STORES, row -> rejections.add(new Rejection(row.getInteger(0), column, "order "
      + row.getString(1) + " belongs to store " + row.getString(2) + " (" + row.getString(3) + "), not to "
      + row.getString(4) + ": an order belongs to one store, so it cannot move; correct the store or the order id")));
  }

  /** Refuses the file when a store-day's total would pass the limit, naming a line of that day. */
  private Future<Void> storeDaysOverLimit(Integer[] ids) {
    if (first == null) {
      return Future.succeededFuture();
    }
    return conn.preparedQuery(ImportSql.STORE_DAYS_OVER_LIMIT)
      .execute(Tuple.tuple().addArrayOfInteger(ids).addLocalDate(first).addLocalDate(last).addLong(LineParser.MAX_CENTS))
      .map(rows -> {
        for (Row row : rows) {
          rejections.add(new Rejection(row.getInteger(0), null, "store " + row.getString(1) + " on " + row.getLocalDate(2)
            + " would total " + LineParser.yuan(row.getLong(4)) + " yuan of " + row.getString(3) + " with this file, more than the "
            + "limit of " + LineParser.yuan(LineParser.MAX_CENTS) + " yuan for one store-day"));
        }
        return null;
      });
  }

  private <T> Future<T> timed(String step, Supplier<Future<T>> work) {
    long begun = System.nanoTime();
    return work.get().andThen(ar -> steps.put(step, CsvImport.ms(begun, System.nanoTime())));
  }

  private void widen(LocalDate from, LocalDate to) {
    if (from != null && (first == null || from.isBefore(first))) {
      first = from;
    }
    if (to != null && (last == null || to.isAfter(last))) {
      last = to;
    }
  }
}
