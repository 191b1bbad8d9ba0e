package io.storedash.query.ingest.csv;

import io.storedash.common.DashboardQuery;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.text.Normalizer;
import java.time.DateTimeException;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads one data line of an export into a {@link ParsedLine}, or records why it cannot (every bad cell of the
 * line, not only the first). What it accepts:
 * <ul>
 *   <li>销量 (quantity): a whole number ({@code 2}, {@code -1} or {@code 2.00}); 0 or less is a refunded line;</li>
 *   <li>money: yuan, at most 2 decimals, optionally with ¥/￥ and thousands separators ({@code 1,234.50}); prices
 *       (实收价格, 商品实售价, 商品原价) must not be negative, other amounts may; empty optional money is 0, an empty
 *       商品实售价 is the 实收价格 and an empty 商品原价 the 商品实售价;</li>
 *   <li>成本 is the line's cost; StoreDash's {@code unit_cost} is per unit and multiplied by 销量; an empty 利润额 is
 *       实收价格 × 销量 − 成本;</li>
 *   <li>下单时间: {@code yyyy-MM-dd HH:mm:ss} store-local (also {@code yyyy/M/d H:mm[:ss]} as spreadsheets
 *       rewrite it), or ISO-8601 with {@code T}, with or without an offset ({@code Z}, {@code +08:00});</li>
 *   <li>渠道: any name up to 50 characters (channels are data, docs/DESIGN.md §3.3);</li>
 *   <li>the product's key: the sku column, else 条码, else derived from the product name ({@link #derivedSku});</li>
 *   <li>category: when absent or empty, 未分类.</li>
 * </ul>
 */
public final class LineParser {

  public static final String NO_CATEGORY = "未分类";
  /** The store code the API uses for every store; no store may have it, in any case. */
  public static final String RESERVED_STORE_CODE = "all";
  static final int MAX_ORDER_ID = 64;
  static final int MAX_SKU = 64;
  static final int MAX_NAME = 200;
  static final int MAX_STORE_NAME = 100;
  static final int MAX_CATEGORY = 50;
  static final int MAX_QUANTITY = 1_000_000;
  static final int MAX_STOCK = 1_000_000_000;
  /** 1,000 km: further is no delivery. */
  static final int MAX_DISTANCE_M = 1_000_000;
  static final int MAX_CHANNEL = 50;
  /**
   * 100 million yuan: the most one money cell, one line (销量 × price) and one store-day total may hold. Far above any
   * real price or day, and low enough that no sum StoreDash forms can overflow a bigint: even every day from 2000 to
   * 2100 of 25,000 stores at this limit sums to less than 2^63 cents. docs/DESIGN.md §3.3 states the limit.
   */
  public static final long MAX_CENTS = 10_000_000_000L;

  private static final Pattern WHOLE = Pattern.compile("([+-]?)(\\d{1,12})(?:\\.0+)?");
  private static final Pattern NUMBER = Pattern.compile("[+-]?\\d+(?:\\.\\d+)?");
  private static final Pattern GROUPED = Pattern.compile("[+-]?\\d{1,3}(?:,\\d{3})+(?:\\.\\d+)?");
  private static final Pattern TIME = Pattern.compile(
    "(\\d{4})[-/](\\d{1,2})[-/](\\d{1,2})[ T](\\d{1,2}):(\\d{2})(?::(\\d{2})(?:\\.(\\d{1,9}))?)?\\s*(Z|[+-]\\d{2}(?::?\\d{2})?)?");

  private final ImportHeader header;
  private final RejectionList rejections;

  public LineParser(ImportHeader header, RejectionList rejections) {
    this.header = header;
    this.rejections = rejections;
  }

  /** The line, or null when it has problems (each recorded). */
  public ParsedLine parse(int line, List<String> fields) {
    if (fields.size() < header.width()) {
      reject(line, null, "has " + fields.size() + " field(s) where the header has " + header.width()
        + ": a value or a comma is missing");
      return null;
    }
    for (int i = header.width(); i < fields.size(); i++) {
      if (!fields.get(i).isBlank()) {
        reject(line, null, "has " + fields.size() + " fields where the header has " + header.width()
          + ": an extra comma, or a value with a comma that is not in quotes?");
        return null;
      }
    }
    long before = rejections.total();

    String orderNo = text(line, fields, ImportColumn.ORDER_ID, true, MAX_ORDER_ID);
    String orderCode = text(line, fields, ImportColumn.ORDER_CODE, false, MAX_ORDER_ID);
    String storeCode = text(line, fields, ImportColumn.STORE_CODE, false, 32);
    String storeId = text(line, fields, ImportColumn.STORE_ID, false, MAX_ORDER_ID);
    String storeName = text(line, fields, ImportColumn.STORE_NAME, false, MAX_STORE_NAME);
    String city = text(line, fields, ImportColumn.CITY, false, MAX_CATEGORY);
    if (storeCode != null && !DashboardQuery.isStoreCode(storeCode)) {
      reject(line, ImportColumn.STORE_CODE, "must be letters, digits, _ or - (at most 32), got '" + storeCode + "'");
    } else if (storeCode != null && storeCode.equalsIgnoreCase(RESERVED_STORE_CODE)) {
      reject(line, ImportColumn.STORE_CODE, "'" + storeCode + "' is reserved (in any case): '" + RESERVED_STORE_CODE
        + "' means every store in the API; give the store another code");
    }
    if (storeCode == null && storeId == null && storeName == null) {
      reject(line, header.has(ImportColumn.STORE_CODE) ? ImportColumn.STORE_CODE
          : header.has(ImportColumn.STORE_ID) ? ImportColumn.STORE_ID : ImportColumn.STORE_NAME,
        "the store is empty: give its 门店ID or its name");
    }
    String channel = text(line, fields, ImportColumn.CHANNEL, true, MAX_CHANNEL);
    LocalDateTime localTime = null;
    OffsetDateTime instant = null;
    String timeText = cell(fields, ImportColumn.ORDERED_AT);
    if (timeText != null) {
      if (timeText.isBlank()) {
        reject(line, ImportColumn.ORDERED_AT, "is empty; every line needs it");
      } else {
        Object time = time(timeText.strip());
        if (time instanceof LocalDateTime local) {
          localTime = local;
        } else if (time instanceof OffsetDateTime withOffset) {
          instant = withOffset;
        } else {
          reject(line, ImportColumn.ORDERED_AT, (String) time);
        }
      }
    }
    Integer distance = whole(line, fields, ImportColumn.DISTANCE, 0, MAX_DISTANCE_M);
    String deliveryPlatform = text(line, fields, ImportColumn.DELIVERY_PLATFORM, false, MAX_CATEGORY);
    Long[] orderMoney = new Long[ImportColumn.ORDER_MONEY.size()];
    for (int i = 0; i < orderMoney.length; i++) {
      orderMoney[i] = money(line, fields, ImportColumn.ORDER_MONEY.get(i), false);
    }

    String productName = text(line, fields, ImportColumn.PRODUCT_NAME, true, MAX_NAME);
    String sku = text(line, fields, ImportColumn.SKU, false, MAX_SKU);
    String barcode = text(line, fields, ImportColumn.BARCODE, false, MAX_SKU);
    text(line, fields, ImportColumn.IN_STORE_CODE, false, MAX_SKU);
    if (sku == null) {
      sku = barcode;
    }
    boolean skuDerived = sku == null;
    if (skuDerived && productName != null) {
      sku = derivedSku(productName);
    }
    String category = text(line, fields, ImportColumn.CATEGORY, false, MAX_CATEGORY);
    String subcategory = text(line, fields, ImportColumn.SUBCATEGORY, false, MAX_CATEGORY);
    Integer quantity = whole(line, fields, ImportColumn.QUANTITY, -MAX_QUANTITY, MAX_QUANTITY);
    if (quantity == null && header.has(ImportColumn.QUANTITY) && blank(fields, ImportColumn.QUANTITY)) {
      reject(line, ImportColumn.QUANTITY, "is empty; every line needs it");
    }
    Integer refundQuantity = whole(line, fields, ImportColumn.REFUND_QUANTITY, -MAX_QUANTITY, MAX_QUANTITY);
    Integer stock = whole(line, fields, ImportColumn.STOCK, -MAX_STOCK, MAX_STOCK);
    Long unitPrice = money(line, fields, ImportColumn.UNIT_PRICE, true);
    Long salePrice = money(line, fields, ImportColumn.SALE_PRICE, false);
    Long listPrice = money(line, fields, ImportColumn.LIST_PRICE, false);
    Long cost = money(line, fields, ImportColumn.COST, true);
    Long unitCost = money(line, fields, ImportColumn.UNIT_COST, true);
    Long grossProfit = money(line, fields, ImportColumn.GROSS_PROFIT, false);
    Long serviceFee = money(line, fields, ImportColumn.SERVICE_FEE, false);
    Long expectedIncome = money(line, fields, ImportColumn.EXPECTED_INCOME, false);
    Long rebate = money(line, fields, ImportColumn.REBATE, false);
    if (salePrice == null) {
      salePrice = unitPrice;
    }
    if (listPrice == null) {
      listPrice = salePrice;
    }
    if (quantity != null) {
      lineTotal(line, quantity, ImportColumn.UNIT_PRICE, unitPrice);
      lineTotal(line, quantity, ImportColumn.LIST_PRICE, listPrice);
      if (unitCost != null) {
        if (lineTotal(line, quantity, ImportColumn.UNIT_COST, unitCost)) {
          cost = quantity * unitCost;
        }
      }
      if (grossProfit == null && unitPrice != null && cost != null) {
        grossProfit = quantity * unitPrice - cost;
      }
    }

    if (rejections.total() > before || orderNo == null || channel == null || (localTime == null && instant == null)
      || productName == null || quantity == null || unitPrice == null || cost == null) {
      return null;
    }
    String storeKey = storeCode != null ? "code:" + storeCode : storeId != null ? "id:" + storeId : "name:" + storeName;
    return new ParsedLine(line, orderNo, orderCode, storeCode, storeId, storeName, storeKey, city, channel, localTime,
      instant, distance, deliveryPlatform, orderMoney, sku, skuDerived, barcode, productName,
      category == null ? NO_CATEGORY : category, subcategory, quantity, refundQuantity == null ? 0 : refundQuantity,
      stock, unitPrice, salePrice, listPrice, cost, grossProfit, zero(serviceFee), zero(expectedIncome), zero(rebate));
  }

  private static long zero(Long cents) {
    return cents == null ? 0 : cents;
  }

  private boolean blank(List<String> fields, ImportColumn column) {
    String value = cell(fields, column);
    return value != null && value.isBlank();
  }

  /**
   * The sku of a product whose export has none: {@code N-} and 12 hex digits of the SHA-256 of its name (trimmed,
   * Unicode NFC), so the same name always gives the same product, in every file.
   */
  public static String derivedSku(String productName) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256")
        .digest(Normalizer.normalize(productName.strip(), Normalizer.Form.NFC).getBytes(StandardCharsets.UTF_8));
      return "N-" + HexFormat.of().withUpperCase().formatHex(hash, 0, 6);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  private String cell(List<String> fields, ImportColumn column) {
    return header.cell(fields, column);
  }

  /**
   * A trimmed text cell; null when absent or empty (rejected when required). Text that looks like a spreadsheet
   * formula ({@code =HYPERLINK(...)}) is kept as it is — it is only text here, and every place that shows it again
   * treats it as text; the apostrophe that marks such text as text ({@link FormulaText}) is removed.
   */
  private String text(int line, List<String> fields, ImportColumn column, boolean required, int max) {
    String value = cell(fields, column);
    value = value == null ? null : FormulaText.unmarked(value.strip());
    if (value == null || value.isEmpty()) {
      if (required && header.has(column)) {
        reject(line, column, "is empty; every line needs it");
      }
      return null;
    }
    if (value.length() > max) {
      reject(line, column, "is longer than " + max + " characters (" + value.length() + ")");
      return null;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      // Line breaks and tabs inside a quoted value are kept; other control characters are not text.
      if (Character.isISOControl(c) && c != '\n' && c != '\r' && c != '\t') {
        reject(line, column, "contains the control character U+" + String.format("%04X", (int) c));
        return null;
      }
    }
    return value;
  }

  /**
   * A whole number from {@code min} to {@code max} ({@code 2}, {@code -1} or {@code 2.00}); null when absent, empty or
   * bad (rejected).
   */
  private Integer whole(int line, List<String> fields, ImportColumn column, long min, long max) {
    String value = cell(fields, column);
    if (value == null || value.isBlank()) {
      return null;
    }
    String trimmed = value.strip();
    Matcher m = WHOLE.matcher(trimmed);
    if (!m.matches()) {
      reject(line, column, "must be a whole number, got " + shown(trimmed));
      return null;
    }
    long number = Long.parseLong(m.group(2));
    if ("-".equals(m.group(1))) {
      number = -number;
    }
    if (number < min || number > max) {
      reject(line, column, "must be from " + min + " to " + max + ", got " + number);
      return null;
    }
    return (int) number;
  }

  /** A line's quantity × a unit amount, refused above {@link #MAX_CENTS} (the list price bounds the unit price). */
  private boolean lineTotal(int line, int quantity, ImportColumn column, Long unitCents) {
    if (unitCents != null && Math.abs((long) quantity * unitCents) > MAX_CENTS) {
      reject(line, column, "makes the line total " + ImportColumn.QUANTITY.english() + " " + quantity + " × "
        + yuan(unitCents) + " = " + yuan((long) quantity * unitCents) + " yuan, more than the limit of " + yuan(MAX_CENTS)
        + " yuan for one line");
      return false;
    }
    return true;
  }

  /** Cents; null when absent or empty (rejected when required) or bad (rejected). */
  private Long money(int line, List<String> fields, ImportColumn column, boolean required) {
    String value = cell(fields, column);
    if (value == null) {
      return null;
    }
    String trimmed = value.strip();
    if (trimmed.isEmpty()) {
      if (required) {
        reject(line, column, "is empty; every line needs it");
      }
      return null;
    }
    String number = trimmed;
    if (number.startsWith("¥") || number.startsWith("￥")) {
      number = number.substring(1).strip();
    }
    if (GROUPED.matcher(number).matches()) {
      number = number.replace(",", "");
    }
    if (!NUMBER.matcher(number).matches()) {
      reject(line, column, "must be an amount of yuan like 12.50, got " + shown(trimmed));
      return null;
    }
    BigDecimal yuan = new BigDecimal(number);
    if (yuan.signum() < 0 && column.kind() == ImportColumn.Kind.PRICE) {
      reject(line, column, "must not be negative, got " + trimmed);
      return null;
    }
    BigDecimal cents = yuan.movePointRight(2).stripTrailingZeros();
    if (cents.scale() > 0) {
      reject(line, column, "has more than 2 decimals (cents), got " + trimmed);
      return null;
    }
    if (cents.abs().compareTo(BigDecimal.valueOf(MAX_CENTS)) > 0) {
      reject(line, column, "is too large: " + trimmed + " (the limit is " + yuan(MAX_CENTS) + " yuan)");
      return null;
    }
    return cents.longValueExact();
  }

  /** A LocalDateTime, an OffsetDateTime, or the reason it is neither. */
  private static Object time(String value) {
    Matcher m = TIME.matcher(value);
    String expected = "must be a time like 2026-03-01 12:30:00 (store-local) or 2026-03-01T12:30:00+08:00, got " + shown(value);
    if (!m.matches()) {
      return expected;
    }
    try {
      String fraction = m.group(7);
      int nanos = fraction == null ? 0 : Integer.parseInt((fraction + "000000000").substring(0, 9));
      LocalDateTime local = LocalDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
        Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
        m.group(6) == null ? 0 : Integer.parseInt(m.group(6)), nanos);
      if (local.getYear() < 2000 || local.getYear() > 2100) {
        return "must be a time between the years 2000 and 2100, got " + shown(value);
      }
      String offset = m.group(8);
      if (offset == null) {
        return local;
      }
      return local.atOffset(ZoneOffset.of(offset));
    } catch (DateTimeException | NumberFormatException e) {
      return "is not a real date and time: " + shown(value);
    }
  }

  private void reject(int line, ImportColumn column, String reason) {
    rejections.add(new Rejection(line, column == null ? null : column.english(), reason));
  }

  /** Cents as yuan with two decimals, for messages. */
  public static String yuan(long cents) {
    return BigDecimal.valueOf(cents, 2).toPlainString();
  }

  /** A value quoted for a message, shortened when long. */
  private static String shown(String value) {
    String v = value.length() > 40 ? value.substring(0, 40) + "…" : value;
    return "'" + v + "'";
  }
}
