package io.storedash.query.ingest;

import io.storedash.common.Addresses;
import io.storedash.common.ImportProtocol;
import io.storedash.common.bootstrap.Node;
import io.storedash.common.testing.TestStorage;
import io.storedash.query.QueryService;
import io.storedash.query.ingest.csv.CsvTokenizer;
import io.storedash.query.ingest.csv.ImportColumn;
import io.storedash.query.ingest.csv.TextDecoder;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-made chain export of {@link ChainExportTest} ({@code exports/chain-days.csv}) as an .xlsx workbook, typed as
 * Excel types a sheet — amounts and quantities as numbers, 下单时间 as Excel dates on every other line and as text on
 * the others, 门店ID as a number on some lines — imported into one database while the CSV file goes into another:
 * the two imports report the same, and every dashboard question is answered byte for byte the same.
 */
class XlsxChainExportTest {

  /** Every day of the file, and the range of both with the day after. */
  private static final List<String[]> RANGES = List.of(new String[] {"2026-11-01", "2026-11-01"},
    new String[] {"2026-11-02", "2026-11-02"}, new String[] {"2026-11-01", "2026-11-03"});
  private static final List<String> STORES = List.of("all", "1001", "1002", "2001");
  /** Kinds for the chain and for one store. */
  private static final List<String> CHAIN_KINDS = List.of("overview", "channels", "hours", "categories", "trend", "ranking");
  private static final List<String> STORE_KINDS = List.of("products", "orders");

  private Node csvNode;
  private Node xlsxNode;

  @BeforeEach
  void deploy() throws Exception {
    csvNode = Node.local(TestStorage.config(Map.of()));
    xlsxNode = Node.local(TestStorage.config(Map.of()));
    get(csvNode.deploy(QueryService.DESCRIPTOR, 1));
    get(xlsxNode.deploy(QueryService.DESCRIPTOR, 1));
  }

  @AfterEach
  void close() throws Exception {
    get(csvNode.vertx().close());
    get(xlsxNode.vertx().close());
  }

  @Test
  void theSameFileAsWorkbookAndAsCsvGivesTheSameAnswers() throws Exception {
    byte[] csv = ChainExportTest.resource(ChainExportTest.FILE);
    byte[] xlsx = workbook(csv);

    ImportClient.Outcome fromCsv = get(new ImportClient(csvNode.vertx(), csvNode.signatures()).send("订单明细数据导出汇总.csv", csv, 4096));
    ImportClient.Outcome fromXlsx = get(new ImportClient(xlsxNode.vertx(), xlsxNode.signatures()).send("订单明细数据导出汇总.xlsx", xlsx, 4096));
    assertThat(fromCsv.status()).as(String.valueOf(fromCsv.report())).isEqualTo(200);
    assertThat(fromXlsx.status()).as(String.valueOf(fromXlsx.report())).isEqualTo(200);
    assertThat(fromXlsx.report().getString("encoding")).isEqualTo("xlsx");
    assertThat(fromXlsx.report().getLong("lines")).isEqualTo(14);
    assertThat(comparable(fromXlsx.report())).isEqualTo(comparable(fromCsv.report()));

    int compared = 0;
    for (String[] range : RANGES) {
      for (String store : STORES) {
        for (String kind : CHAIN_KINDS) {
          compared += same(kind, store, range);
        }
        if (!store.equals("all")) {
          for (String kind : STORE_KINDS) {
            compared += same(kind, store, range);
          }
        }
      }
    }
    compared += same("stores", "all", RANGES.get(0));
    assertThat(compared).isEqualTo(RANGES.size() * (STORES.size() * CHAIN_KINDS.size() + 3 * STORE_KINDS.size()) + 1);
  }

  /**
   * A workbook is spooled to a temporary file while it arrives: aborted half-way, refused at its end (no workbook),
   * or imported, the file is gone once the answer is given.
   */
  @Test
  void noTemporaryFileOutlivesItsImport() throws Exception {
    Set<Path> before = importTempFiles();
    byte[] xlsx = workbook(ChainExportTest.resource(ChainExportTest.FILE));
    ImportClient client = new ImportClient(xlsxNode.vertx(), xlsxNode.signatures());
    String session = get(client.open("half.xlsx", xlsx.length));
    get(client.chunk(session, xlsx, 0, xlsx.length / 2));
    assertThat(importTempFiles()).hasSize(before.size() + 1);
    JsonObject aborted = get(client.abort(session)).body();
    assertThat(aborted.getBoolean("aborted")).isTrue();
    assertThat(importTempFiles()).isEqualTo(before);

    ImportClient.Outcome truncated = get(client.send("truncated.xlsx", Arrays.copyOf(xlsx, xlsx.length / 2), 1024));
    assertThat(truncated.status()).isEqualTo(400);
    assertThat(truncated.report().getString("detail")).startsWith("nothing was imported: the file is not an .xlsx workbook");
    assertThat(importTempFiles()).isEqualTo(before);

    assertThat(get(client.send("whole.xlsx", xlsx, 1024)).status()).isEqualTo(200);
    assertThat(importTempFiles()).isEqualTo(before);
  }

  private static Set<Path> importTempFiles() throws IOException {
    try (Stream<Path> files = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return files.filter(f -> f.getFileName().toString().startsWith("storedash-import-")).collect(Collectors.toSet());
    }
  }

  /** Asks both databases; the answers (or the failures) must be the same bytes. */
  private int same(String kind, String store, String[] range) throws Exception {
    JsonObject question = new JsonObject().put("kind", kind).put("store", store).put("from", range[0]).put("to", range[1]);
    String fromCsv = answer(csvNode, question);
    String fromXlsx = answer(xlsxNode, question);
    assertThat(fromXlsx).as(question.encode()).isEqualTo(fromCsv);
    assertThat(fromCsv).as(question.encode()).doesNotStartWith("failed");
    return 1;
  }

  private static String answer(Node node, JsonObject question) throws Exception {
    Future<String> answer = node.vertx().eventBus().<Buffer>request(Addresses.DASHBOARD_COMPUTE, question)
      .map(Message::body).map(Buffer::toString)
      .recover(e -> Future.succeededFuture("failed " + (e instanceof ReplyException r ? r.failureCode() : -1) + " "
        + e.getMessage()));
    return get(answer);
  }

  /**
   * The report without what differs between two imports of the same lines: the name, the time, the format, and the
   * data version (a clock reading, §3.2).
   */
  private static JsonObject comparable(JsonObject report) {
    JsonObject copy = report.copy();
    assertThat(copy.getLong("version")).isPositive();
    copy.remove("version");
    copy.remove("file");
    copy.remove("millis");
    copy.remove("encoding");
    copy.remove("converted_from");
    return copy;
  }

  /**
   * The CSV file as a workbook: each field typed by {@link ExportXlsx#cell}; 下单时间 an Excel date on even lines and
   * text on odd ones; 门店ID a number on lines whose order id ends in 1 (Excel makes 1001 a number when it opens a
   * CSV file).
   */
  static byte[] workbook(byte[] csv) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    List<ImportColumn> columns = new ArrayList<>();
    Map<Integer, ExportXlsx> writer = new LinkedHashMap<>();
    CsvTokenizer tokenizer = new CsvTokenizer((line, fields) -> {
      try {
        if (writer.isEmpty()) {
          fields.forEach(name -> columns.add(ImportColumn.ofHeader(name)));
          writer.put(0, new ExportXlsx(out, fields));
          return;
        }
        List<Object> cells = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
          ImportColumn column = columns.get(i);
          Object cell = ExportXlsx.cell(column, fields.get(i), line % 2 == 0);
          if (column == ImportColumn.STORE_ID && fields.get(0).endsWith("1")) {
            cell = new BigDecimal(fields.get(i));
          }
          cells.add(cell);
        }
        writer.get(0).row(cells);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    TextDecoder decoder = new TextDecoder();
    tokenizer.feed(decoder.decode(csv, true));
    tokenizer.finish();
    writer.get(0).finish();
    return out.toByteArray();
  }

  private static <T> T get(Future<T> future) throws TimeoutException {
    return future.await(120, TimeUnit.SECONDS);
  }
}
