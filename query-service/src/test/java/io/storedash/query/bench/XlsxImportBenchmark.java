package io.storedash.query.bench;

import io.storedash.common.config.ConfigLoader;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.embedded.EmbeddedPostgresServer;
import io.storedash.query.ingest.ExportCsv;
import io.storedash.query.ingest.ExportXlsx;
import io.storedash.query.ingest.ImportCsv;
import io.storedash.query.ingest.csv.ImportColumn;
import io.storedash.common.security.MessageSignatures;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import com.sun.management.GarbageCollectionNotificationInfo;

import javax.management.NotificationEmitter;
import javax.management.openmbean.CompositeData;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A 500,000-line .xlsx import against the same lines as CSV, in one run: writes an order export in the chain's layout
 * (the 39 columns of {@code exports/chain-days.csv}: ~4.5 lines an order, 30 stores, 7 channels, 600 products, Chinese
 * names, addresses and the personal columns) once as CSV (UTF-8) and once as a workbook as Excel writes it (every text
 * in the shared-strings table, amounts as numbers, 下单时间 as Excel dates), then imports each through
 * {@link ImportCsv#run} (the {@code CsvImport} of the event-bus sessions, 1 MiB chunks) into its own empty database,
 * CSV first. Prints size, time, lines/s and the heap the JVM needed; run it with the heap the issue names:
 * <pre>
 * cd query-service
 * mvn -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test.classpath -Dmdep.includeScope=test
 * java -Xmx256m -cp target/classes:target/test-classes:$(cat target/test.classpath) \
 *   io.storedash.query.bench.XlsxImportBenchmark --data-dir /tmp/storedash-xlsx-bench-pg [--lines 500000] \
 *   [--strings shared|bounded]
 * </pre>
 * ({@code scripts/xlsx-import-bench.sh} does both.) The databases {@code storedash_xlsx_csv} and
 * {@code storedash_xlsx_xlsx} are dropped and created again on every run.
 */
public final class XlsxImportBenchmark {

  /** The columns of exports/chain-days.csv, in its order. */
  static final List<String> HEADER = List.of("订单ID", "订单编号", "下单时间", "门店ID", "门店名称", "城市名称", "渠道", "商品名称",
    "条码", "一级分类名", "三级分类名", "销量", "退款数量", "实收价格", "商品实售价", "商品原价", "成本", "利润额", "平台服务费", "预计订单收入",
    "企客后返", "物流配送费", "平台佣金", "用户支付配送费", "配送费减免金额", "满减金额", "商品减免金额", "新客减免金额", "商家代金券", "商家承担部分券",
    "满赠金额", "商家其他优惠", "打包袋金额", "配送距离", "配送平台", "收货地址", "用户ID", "用户支付金额", "备注");

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
  private static final String[] CHANNELS = {"美团闪购", "美团闪购", "美团闪购", "美团闪购", "饿了么", "饿了么", "饿了么", "京东到家",
    "收银机订单", "收银机订单", "美团共橙", "抖音", "闪购小程序"};
  private static final String[] CITIES = {"杭州", "上海", "南京", "苏州", "宁波"};
  private static final String[] DISTRICTS = {"文一路", "西溪", "滨江", "钱江新城", "武林", "城西", "下沙", "古荡", "翠苑", "湖滨"};
  private static final String[] CHAINS = {"鲜丰超市", "好邻居便利", "联华快客", "每日优鲜"};
  private static final String[][] CATEGORIES = {
    {"乳品", "鲜牛奶", "酸奶", "奶酪"}, {"烘焙", "面包", "蛋糕", "饼干"}, {"饮料", "碳酸饮料", "果汁", "矿泉水"},
    {"零食", "薯片", "坚果", "糖果"}, {"粮油", "大米", "食用油", "面条"}, {"日化", "洗发水", "牙膏", "纸巾"},
    {"生鲜", "水果", "蔬菜", "鸡蛋"}, {"冷冻", "水饺", "汤圆", "冰淇淋"}};
  private static final String[] BRANDS = {"光明", "蒙牛", "伊利", "农夫山泉", "可口可乐", "百事", "乐事", "三只松鼠", "良品铺子", "康师傅",
    "统一", "金龙鱼", "福临门", "海飞丝", "高露洁", "心相印", "思念", "湾仔码头", "和路雪", "桃李"};
  private static final String[] SPECS = {"250ml", "330ml", "500ml", "950ml", "1L", "75g", "100g", "200g", "500g", "1kg", "5kg", "10片装"};
  private static final String[] DELIVERY = {"美团配送", "蜂鸟配送", "达达快送", "商家自配送"};
  private static final String[] SURNAMES = {"张", "王", "李", "赵", "陈", "刘", "杨", "黄", "周", "吴"};

  /** The largest heap occupancy right after a collection since the last reset: live data and not yet collected garbage. */
  private static final AtomicLong PEAK_AFTER_GC = new AtomicLong();

  private XlsxImportBenchmark() {
  }

  /** Listens to every collection: the heap pools' usage after it (an upper bound of what was live). */
  private static void watchCollections() {
    Set<String> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream().filter(p -> p.getType() == MemoryType.HEAP)
      .map(MemoryPoolMXBean::getName).collect(Collectors.toSet());
    for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
      ((NotificationEmitter) gc).addNotificationListener((notification, handback) -> {
        if (notification.getType().equals(GarbageCollectionNotificationInfo.GARBAGE_COLLECTION_NOTIFICATION)) {
          GarbageCollectionNotificationInfo info = GarbageCollectionNotificationInfo.from((CompositeData) notification.getUserData());
          long used = info.getGcInfo().getMemoryUsageAfterGc().entrySet().stream()
            .filter(e -> heapPools.contains(e.getKey())).mapToLong(e -> e.getValue().getUsed()).sum();
          PEAK_AFTER_GC.accumulateAndGet(used, Math::max);
        }
      }, null, null);
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> flags = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      flags.put(args[i].substring(2), args[i + 1]);
    }
    if (!flags.containsKey("data-dir")) {
      throw new IllegalArgumentException("--data-dir DIR is required (the embedded PostgreSQL's data directory)");
    }
    int lines = Integer.parseInt(flags.getOrDefault("lines", "500000").replace("_", ""));
    ExportXlsx.Strings strings = ExportXlsx.Strings.valueOf(flags.getOrDefault("strings", "shared").toUpperCase(Locale.ROOT));
    watchCollections();
    EmbeddedPostgresServer server = EmbeddedPostgresServer.start(Path.of(flags.get("data-dir")), false);
    Path dir = Files.createTempDirectory("storedash-xlsx-bench");
    Vertx vertx = Vertx.vertx();
    try {
      Path csv = dir.resolve("orders.csv");
      Path xlsx = dir.resolve("orders.xlsx");
      long started = System.nanoTime();
      long written = write(lines, 42, csv, xlsx, strings);
      System.out.printf(Locale.ROOT, "wrote %,d lines as CSV (%.1f MiB) and as .xlsx (%.1f MiB, strings %s) in %.1f s%n",
        written, mib(Files.size(csv)), mib(Files.size(xlsx)), strings.name().toLowerCase(Locale.ROOT),
        (System.nanoTime() - started) / 1e9);
      System.out.printf(Locale.ROOT, "JVM max heap %.0f MiB, %d cores, %s, collectors %s; files in %s%n%n", HeapWatch.maxMiB(),
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.vm.version"),
        ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName).toList(), dir);
      System.out.printf(Locale.ROOT, "%-28s %9s %9s %8s %10s   %s%n", "file", "lines", "MiB", "s", "lines/s",
        "heap MiB: peak used (sampled) / peak after GC / after the last GC");
      run(vertx, database(server, "storedash_xlsx_csv"), csv, "CSV (UTF-8)");
      run(vertx, database(server, "storedash_xlsx_xlsx"), xlsx, ".xlsx (first sheet)");
    } finally {
      vertx.close().await();
      server.close();
      try (var files = Files.list(dir)) {
        files.forEach(f -> f.toFile().delete());
      }
      dir.toFile().delete();
    }
  }

  /** Writes the same lines to both files; returns the number of lines. */
  static long write(int lines, long seed, Path csvFile, Path xlsxFile, ExportXlsx.Strings strings) throws IOException {
    Random random = new Random(seed);
    List<String[]> stores = new ArrayList<>();
    for (int s = 0; s < 30; s++) {
      String city = CITIES[s % CITIES.length];
      stores.add(new String[] {String.valueOf(1001 + s), CHAINS[s % CHAINS.length] + "(" + DISTRICTS[s % DISTRICTS.length]
        + (s >= DISTRICTS.length ? (s / DISTRICTS.length + 1) + "号" : "") + "店)", city});
    }
    List<String[]> products = new ArrayList<>();
    for (int p = 0; p < 600; p++) {
      String[] category = CATEGORIES[p % CATEGORIES.length];
      String sub = category[1 + (p / CATEGORIES.length) % 3];
      String price = BigDecimal.valueOf(150 + random.nextInt(4850), 2).toPlainString();
      products.add(new String[] {BRANDS[p % BRANDS.length] + sub + " " + SPECS[(p / 7) % SPECS.length],
        String.valueOf(6_900_000_000_000L + p * 7919L), category[0], sub, price});
    }
    List<ImportColumn> columns = HEADER.stream().map(ImportColumn::ofHeader).toList();
    LocalDateTime start = LocalDateTime.of(2026, 10, 1, 0, 0);
    long written = 0;
    try (OutputStream csvOut = new BufferedOutputStream(Files.newOutputStream(csvFile), 1 << 16);
         OutputStream xlsxOut = new BufferedOutputStream(Files.newOutputStream(xlsxFile), 1 << 16)) {
      Writer csv = new BufferedWriter(new OutputStreamWriter(csvOut, StandardCharsets.UTF_8), 1 << 16);
      csv.write(String.join(",", HEADER));
      csv.write("\r\n");
      ExportXlsx xlsx = new ExportXlsx(xlsxOut, HEADER, strings);
      for (int order = 0; written < lines; order++) {
        String[] store = stores.get(Math.min(29, (int) Math.abs(random.nextGaussian() * 10)));
        String channel = CHANNELS[random.nextInt(CHANNELS.length)];
        boolean till = channel.equals("收银机订单");
        LocalDateTime at = start.plusDays(random.nextInt(30)).plusHours(7 + random.nextInt(16))
          .plusMinutes(random.nextInt(60)).plusSeconds(random.nextInt(60));
        String orderId = "26" + String.format(Locale.ROOT, "%014d", 31_337_000_000L + order * 7L);
        int count = Math.min(1 + random.nextInt(8), lines - (int) written);
        String[] money = new String[12];
        for (int m = 0; m < money.length; m++) {
          money[m] = till || random.nextInt(3) > 0 ? "" : yuan(random.nextInt(800));
        }
        money[0] = till ? "" : yuan(300 + random.nextInt(500));
        String distance = till ? "" : String.valueOf(200 + random.nextInt(4800));
        String platform = till ? "" : DELIVERY[random.nextInt(DELIVERY.length)];
        String address = store[2] + "市" + DISTRICTS[random.nextInt(DISTRICTS.length)] + "路" + (1 + random.nextInt(300)) + "号"
          + (1 + random.nextInt(30)) + "幢 " + SURNAMES[random.nextInt(SURNAMES.length)] + "*";
        String user = "U" + (100_000 + random.nextInt(900_000));
        for (int l = 0; l < count; l++) {
          String[] product = l == count - 1 && count > 2 && !till
            ? new String[] {"购物袋", "6900000000001", "耗材", "耗材", "0.50"} : products.get(random.nextInt(products.size()));
          long price = new BigDecimal(product[4]).movePointRight(2).longValueExact();
          int quantity = random.nextInt(40) == 0 ? 0 : 1 + random.nextInt(3);
          long sale = price;
          long list = price + price / 5;
          long cost = quantity * (price * 6 / 10);
          long fee = till || channel.equals("闪购小程序") ? 0 : quantity * price * 6 / 100;
          List<String> fields = new ArrayList<>(HEADER.size());
          fields.add(orderId);
          fields.add("NO-" + orderId);
          fields.add(TIME.format(at));
          fields.add(store[0]);
          fields.add(store[1]);
          fields.add(store[2]);
          fields.add(channel);
          fields.add(product[0]);
          fields.add(product[1]);
          fields.add(product[2]);
          fields.add(product[3]);
          fields.add(String.valueOf(quantity));
          fields.add(quantity == 0 ? "1" : "");
          fields.add(yuan(price));
          fields.add(yuan(sale));
          fields.add(yuan(list));
          fields.add(yuan(cost));
          fields.add(yuan(quantity * price - cost));
          fields.add(yuan(fee));
          fields.add(yuan(quantity * price - fee));
          fields.add(random.nextInt(20) == 0 ? yuan(random.nextInt(100)) : "");
          for (String m : money) {
            fields.add(m);
          }
          fields.add(distance);
          fields.add(platform);
          fields.add(address);
          fields.add(user);
          fields.add(yuan(quantity * price));
          fields.add(random.nextInt(10) == 0 ? "请尽快送达" : "");
          csv.write(csvLine(fields));
          List<Object> cells = new ArrayList<>(fields.size());
          for (int i = 0; i < fields.size(); i++) {
            cells.add(ExportXlsx.cell(columns.get(i), fields.get(i), true));
          }
          xlsx.row(cells);
          written++;
        }
      }
      csv.flush();
      xlsx.finish();
    }
    return written;
  }

  private static String csvLine(List<String> fields) {
    StringBuilder line = new StringBuilder(256);
    for (int i = 0; i < fields.size(); i++) {
      String f = fields.get(i);
      if (i > 0) {
        line.append(',');
      }
      if (f.indexOf(',') >= 0 || f.indexOf('"') >= 0) {
        line.append('"').append(f.replace("\"", "\"\"")).append('"');
      } else {
        line.append(f);
      }
    }
    return line.append("\r\n").toString();
  }

  private static String yuan(long cents) {
    return ExportCsv.yuanValue(cents).toPlainString();
  }

  private static void run(Vertx vertx, StoreDashConfig config, Path file, String label) throws Exception {
    System.gc();
    HeapWatch.reset();
    PEAK_AFTER_GC.set(0);
    HeapWatch.Sampled<JsonObject> sampled = HeapWatch.sampling(() -> ImportCsv.run(vertx, MessageSignatures.unshared("benchmark"), config, file));
    JsonObject report = sampled.value();
    double seconds = sampled.seconds();
    if (!report.getBoolean("imported")) {
      throw new IllegalStateException("not imported: " + report.encodePrettily());
    }
    long lines = report.getLong("lines");
    System.out.printf(Locale.ROOT, "%-28s %,9d %9.1f %8.2f %,10d   %.0f / %.0f / %.0f%n", label, lines,
      mib(Files.size(file)), seconds, Math.round(lines / seconds), mib(sampled.peakUsedBytes()), mib(PEAK_AFTER_GC.get()),
      HeapWatch.peakLiveMiB());
    System.out.printf(Locale.ROOT, "    report: encoding %s, orders %,d, stores %d, new lines %,d, %d ms in query-service code%n",
      report.getString("encoding"), report.getLong("orders"), report.getJsonArray("stores").size(),
      report.getLong("new_lines"), report.getLong("millis"));
  }

  /** A fresh, migrated-on-first-import database of its own. */
  private static StoreDashConfig database(EmbeddedPostgresServer server, String name) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + server.port() + "/postgres", "postgres", "");
         Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + name);
      st.execute("CREATE DATABASE " + name);
    }
    return ConfigLoader.load(Map.of("PG_URL", server.url(name)));
  }

  private static double mib(long bytes) {
    return bytes / (1024.0 * 1024.0);
  }

}
