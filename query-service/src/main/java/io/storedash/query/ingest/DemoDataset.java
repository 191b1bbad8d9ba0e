package io.storedash.query.ingest;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A deterministic demo/benchmark dataset (one part per store): store sizes and product popularity are Zipf-skewed,
 * sales follow weekly, monthly and hourly patterns, and every store carries products for each product-health case
 * so that the diagnosis shows every flag over the last 30 days:
 * <ul>
 *   <li>loss leaders sold below cost (negative margin),</li>
 *   <li>products whose sales halve every 7.5 days from the start of the last 30 days (declining),</li>
 *   <li>products sold far below an inflated list price (markdown-dependent),</li>
 *   <li>products that stop selling 8–14 days before the end (slow-moving).</li>
 * </ul>
 * Each store draws from its own random stream derived from the seed, so a part does not depend on the others and
 * the same options always give the same data. No Vert.x types: it is tested and timed on its own.
 */
public final class DemoDataset implements Dataset {

  /** Zipf exponent of store sizes: the biggest of 100 stores is about 5× the average, the smallest half of it. */
  static final double STORE_SIZE_SKEW = 0.5;
  /** Zipf exponent of product popularity within a store. */
  static final double PRODUCT_SKEW = 1.0;
  /** The window the product-health cases are planted in: the last 30 days, as the dashboard shows by default. */
  static final int FOCUS_DAYS = 30;
  /** Products per store for each planted case. */
  static final int PER_CASE = 2;

  private static final double[] HOUR_WEIGHTS = {
    0.3, 0.2, 0.1, 0.1, 0.1, 0.2, 0.5, 1.2, 2.0, 2.2, 2.6, 4.0,
    4.6, 3.2, 2.2, 2.0, 2.4, 3.6, 4.8, 4.6, 3.6, 2.6, 1.6, 0.8};
  /** Monday to Sunday. */
  private static final double[] WEEKDAY_WEIGHTS = {0.92, 0.90, 0.93, 0.97, 1.08, 1.22, 1.18};
  /** 1 to 9 product lines per order (3.8 on average; a carrier-bag line on 70 % of 98 % makes it about 4.5). */
  private static final double[] LINES_PER_ORDER = {0.17, 0.18, 0.17, 0.14, 0.11, 0.09, 0.06, 0.05, 0.03};
  /** Quantity 1 to 6. */
  private static final double[] QUANTITY = {0.68, 0.20, 0.07, 0.03, 0.01, 0.01};
  /** The chain's channels, their share of orders, service-fee rate and courier (null: picked up at the till). */
  record DemoChannel(String name, double share, double feeRate, String courier) {
  }

  static final List<DemoChannel> CHANNELS = List.of(
    new DemoChannel("饿了么", 0.380, 0.075, "蜂鸟配送"),
    new DemoChannel("美团共橙", 0.300, 0.070, "美团配送"),
    new DemoChannel("美团闪购", 0.260, 0.080, "美团配送"),
    new DemoChannel("京东到家", 0.025, 0.080, "达达配送"),
    new DemoChannel("收银机订单", 0.015, 0, null),
    new DemoChannel("闪购小程序", 0.007, 0, "商家自配送"),
    new DemoChannel("美团咖啡", 0.005, 0.080, "美团配送"),
    new DemoChannel("饿了么咖啡", 0.004, 0.075, "蜂鸟配送"),
    new DemoChannel("抖音", 0.004, 0.060, "达达配送"));
  /** Orders on a fee-charging channel that are cancelled: every line 销量 0, no service fee. */
  static final double CANCELLED = 0.03;
  /** Lines of a kept order that are refunded (销量 0, 退款数量 the units). */
  static final double REFUNDED_LINE = 0.02;
  /** Delivered orders that carry a carrier-bag line (耗材). */
  static final double BAGGED = 0.7;
  private static final DateTimeFormatter ORDER_DAY = DateTimeFormatter.BASIC_ISO_DATE;

  private final DemoOptions options;
  private final List<StoreRecord> stores;
  private final List<ProductRecord> products;
  private final List<String> channelNames = CHANNELS.stream().map(DemoChannel::name).toList();
  /** The products drawn for orders (the assortment without the carrier bags). */
  private final int assortment = DemoCatalog.ITEMS.size();
  private final long[] shelfPrice;
  private final long[] shelfCost;
  private final int[] popularityOrder;
  private final int[] storeLines;

  public DemoDataset(DemoOptions options) {
    this.options = options;
    SplittableRandom random = new SplittableRandom(options.seed());
    int itemCount = DemoCatalog.ITEMS.size() + DemoCatalog.BAGS.size();

    List<ProductRecord> productList = new ArrayList<>(itemCount);
    shelfPrice = new long[itemCount];
    shelfCost = new long[itemCount];
    for (int p = 0; p < itemCount; p++) {
      boolean bag = p >= DemoCatalog.ITEMS.size();
      DemoCatalog.Item item = bag ? DemoCatalog.BAGS.get(p - DemoCatalog.ITEMS.size()) : DemoCatalog.ITEMS.get(p);
      productList.add(new ProductRecord(DemoCatalog.sku(p), item.name(), item.category(), item.subcategory()));
      shelfPrice[p] = item.price();
      shelfCost[p] = bag ? item.price() : Math.round(item.price() * (0.55 + 0.25 * random.nextDouble()));
    }
    products = List.copyOf(productList);
    popularityOrder = permutation(DemoCatalog.ITEMS.size(), random);

    int[] streetOrder = permutation(DemoCatalog.STREETS.size(), random);
    List<StoreRecord> storeList = new ArrayList<>(options.stores());
    for (int s = 0; s < options.stores(); s++) {
      String city = DemoCatalog.CITIES.get(pick(DemoCatalog.CITY_WEIGHTS, random));
      // The platforms' 门店ID of a demo store is its code, so that an export of it imports back into the same store.
      storeList.add(new StoreRecord(storeCode(s), DemoCatalog.storeName(s, streetOrder), city, null, storeCode(s)));
    }
    stores = List.copyOf(storeList);

    // Zipf weights by size rank, ranks shuffled over the stores, scaled so the lines sum to stores × rowsPerStore.
    int[] rank = permutation(options.stores(), random);
    double[] weights = new double[options.stores()];
    for (int s = 0; s < weights.length; s++) {
      weights[s] = Math.pow(rank[s] + 1, -STORE_SIZE_SKEW);
    }
    storeLines = apportion((long) options.stores() * options.rowsPerStore(), weights);
  }

  public DemoOptions options() {
    return options;
  }

  /** S001, S002, ... (wider past 999). */
  public static String storeCode(int index) {
    return String.format("S%03d", index + 1);
  }

  @Override
  public List<StoreRecord> stores() {
    return stores;
  }

  @Override
  public List<ProductRecord> products() {
    return products;
  }

  @Override
  public List<String> channels() {
    return channelNames;
  }

  @Override
  public int parts() {
    return stores.size();
  }

  /** The number of order lines store {@code index} gets. */
  public int plannedLines(int index) {
    return storeLines[index];
  }

  public long totalLines() {
    return Arrays.stream(storeLines).asLongStream().sum();
  }

  @Override
  public List<OrderRecord> part(int index) {
    return new StoreSales(index).orders();
  }

  /** The sales of one store, drawn from the store's own random stream. */
  private final class StoreSales {

    private final int index;
    private final String code;
    private final SplittableRandom random;
    private final int productCount = assortment;
    private final double[] popularity = new double[productCount];
    private final long[] unitPrice = new long[productCount];
    private final long[] listPrice = new long[productCount];
    private final long[] unitCost = new long[productCount];
    private final boolean[] promotable = new boolean[productCount];
    private final Set<Integer> declining = new HashSet<>();
    private final int[] stopsBefore = new int[productCount];
    private final double[] channelWeights = new double[CHANNELS.size()];
    private final LocalDate focusStart;
    private final double halfLifeDays;

    StoreSales(int index) {
      this.index = index;
      this.code = storeCode(index);
      this.random = new SplittableRandom(mix(options.seed(), index));
      int focusDays = Math.min(FOCUS_DAYS, options.days());
      this.focusStart = options.endDate().minusDays(focusDays - 1L);
      this.halfLifeDays = Math.max(1.0, focusDays / 4.0);

      // The chain's popularity order, locally shuffled: neighbours swap places in some stores.
      int[] ranking = popularityOrder.clone();
      for (int r = 0; r + 1 < ranking.length; r++) {
        if (random.nextDouble() < 0.3) {
          int other = Math.min(ranking.length - 1, r + 1 + random.nextInt(3));
          int swap = ranking[r];
          ranking[r] = ranking[other];
          ranking[other] = swap;
        }
      }
      for (int r = 0; r < ranking.length; r++) {
        popularity[ranking[r]] = Math.pow(r + 1, -PRODUCT_SKEW);
      }
      for (int p = 0; p < productCount; p++) {
        unitCost[p] = Math.round(shelfCost[p] * (0.97 + 0.06 * random.nextDouble()));
        unitPrice[p] = shelfPrice[p];
        listPrice[p] = shelfPrice[p];
        promotable[p] = true;
        stopsBefore[p] = -1;
      }
      plantHealthCases(ranking);
      for (int c = 0; c < CHANNELS.size(); c++) {
        channelWeights[c] = CHANNELS.get(c).share() * (0.8 + 0.4 * random.nextDouble());
      }
    }

    /** Picks distinct products for each case among ranks popular enough to sell in the last 30 days. */
    private void plantHealthCases(int[] ranking) {
      Set<Integer> taken = new HashSet<>();
      // Declining needs ≥ 10 units in the first half of the window: only the most popular products qualify.
      for (int p : pickProducts(ranking, 0, 6, taken)) {
        declining.add(p);
      }
      // Loss leaders carry a low everyday price below cost, not a markdown: their list price is the price.
      for (int p : pickProducts(ranking, 2, 20, taken)) {
        unitPrice[p] = Math.max(1, Math.round(unitCost[p] * 0.85));
        listPrice[p] = unitPrice[p];
        promotable[p] = false;
      }
      for (int p : pickProducts(ranking, 3, 30, taken)) {
        listPrice[p] = Math.round(shelfPrice[p] * 1.9);
        promotable[p] = false;
      }
      for (int p : pickProducts(ranking, 5, 20, taken)) {
        stopsBefore[p] = 8 + random.nextInt(7);
      }
    }

    private List<Integer> pickProducts(int[] ranking, int fromRank, int toRank, Set<Integer> taken) {
      List<Integer> picked = new ArrayList<>(PER_CASE);
      int upper = Math.min(toRank, ranking.length);
      for (int attempt = 0; picked.size() < PER_CASE && attempt < 1000 && fromRank < upper; attempt++) {
        int product = ranking[fromRank + random.nextInt(upper - fromRank)];
        if (taken.add(product)) {
          picked.add(product);
        }
      }
      return picked;
    }

    List<OrderRecord> orders() {
      int days = options.days();
      LocalDate first = options.firstDate();
      double phase = random.nextDouble() * 2 * Math.PI;
      double growth = 0.1 + 0.2 * random.nextDouble();
      double[] dayWeights = new double[days];
      for (int d = 0; d < days; d++) {
        LocalDate date = first.plusDays(d);
        dayWeights[d] = WEEKDAY_WEIGHTS[date.getDayOfWeek().getValue() - DayOfWeek.MONDAY.getValue()]
          * (1 + 0.12 * Math.sin(2 * Math.PI * d / 28 + phase))
          * (1 + growth * d / days)
          * (0.9 + 0.2 * random.nextDouble());
      }
      int[] dayLines = apportion(storeLines[index], dayWeights);
      List<OrderRecord> orders = new ArrayList<>(storeLines[index] / 2 + 16);
      for (int d = 0; d < days; d++) {
        if (dayLines[d] > 0) {
          addDay(first.plusDays(d), dayLines[d], orders);
        }
      }
      return orders;
    }

    private void addDay(LocalDate date, int lineBudget, List<OrderRecord> out) {
      double[] cumulative = new double[productCount];
      double total = 0;
      for (int p = 0; p < productCount; p++) {
        total += popularity[p] * multiplier(p, date);
        cumulative[p] = total;
      }
      List<DraftOrder> drafts = new ArrayList<>();
      int remaining = lineBudget;
      while (remaining > 0) {
        DemoChannel channel = CHANNELS.get(pick(channelWeights, random));
        boolean bag = channel.courier() != null && random.nextDouble() < BAGGED;
        int lineCount = Math.min(remaining, 1 + pick(LINES_PER_ORDER, random) + (bag ? 1 : 0));
        LocalDateTime time = date.atTime(pick(HOUR_WEIGHTS, random), random.nextInt(60), random.nextInt(60));
        List<Integer> picked = new ArrayList<>(lineCount);
        Set<Integer> inOrder = new HashSet<>();
        int productLines = bag && lineCount > 1 ? lineCount - 1 : lineCount;
        for (int attempt = 0; picked.size() < productLines && attempt < 50; attempt++) {
          int p = sample(cumulative, total);
          if (inOrder.add(p)) {
            picked.add(p);
          }
        }
        if (bag && lineCount > 1) {
          picked.add(assortment + (random.nextDouble() < 0.6 ? 0 : 1));
        }
        remaining -= picked.size();
        drafts.add(new DraftOrder(time, channel, picked));
      }
      drafts.sort(Comparator.comparing(DraftOrder::time));
      String prefix = code + "-" + ORDER_DAY.format(date) + "-";
      for (int i = 0; i < drafts.size(); i++) {
        out.add(drafts.get(i).toRecord(prefix + String.format("%05d", i + 1),
          ORDER_DAY.format(date) + String.format("%04d%05d", index + 1, i + 1)));
      }
    }

    /** A product drawn by its weight: the first whose cumulative weight exceeds a uniform draw. */
    private int sample(double[] cumulative, double total) {
      double x = random.nextDouble() * total;
      int i = Arrays.binarySearch(cumulative, x);
      i = i < 0 ? -i - 1 : i + 1;
      while (i < cumulative.length - 1 && cumulative[i] <= x) {
        i++;
      }
      return Math.min(i, cumulative.length - 1);
    }

    /** How much of its usual popularity product {@code p} keeps on {@code date}. */
    private double multiplier(int p, LocalDate date) {
      if (stopsBefore[p] >= 0 && !date.isBefore(options.endDate().minusDays(stopsBefore[p] - 1L))) {
        return 0;
      }
      if (declining.contains(p) && !date.isBefore(focusStart)) {
        long since = date.toEpochDay() - focusStart.toEpochDay();
        return Math.pow(0.5, since / halfLifeDays);
      }
      return 1;
    }

    /** The line of product {@code p}: a bag, a sold product (now and then on promotion), or a refund. */
    private LineRecord line(int p, DemoChannel channel, boolean cancelled, boolean mayRefund) {
      String sku = products.get(p).sku();
      if (p >= assortment) {
        // A carrier bag: given with the order, its cost a consumable.
        int bags = 1 + (random.nextDouble() < 0.25 ? 1 : 0);
        return cancelled ? LineRecord.refunded(sku, bags, 0, 0, 0)
          : LineRecord.sold(sku, bags, 0, 0, 0, shelfCost[p] * bags, 0, 0);
      }
      int quantity = 1 + pick(QUANTITY, random);
      long salePrice = unitPrice[p];
      long price = salePrice;
      // Ordinary products are now and then on a small promotion below their price (商品减免).
      if (promotable[p] && random.nextDouble() < 0.12) {
        price = Math.round(salePrice * (0.80 + 0.15 * random.nextDouble()));
      }
      if (cancelled || mayRefund && random.nextDouble() < REFUNDED_LINE) {
        return LineRecord.refunded(sku, quantity, price, salePrice, listPrice[p]);
      }
      long serviceFee = Math.round(price * quantity * channel.feeRate());
      return LineRecord.sold(sku, quantity, price, salePrice, listPrice[p], unitCost[p] * quantity, serviceFee, 0);
    }

    private final class DraftOrder {
      private final LocalDateTime time;
      private final DemoChannel channel;
      private final List<Integer> picked;

      DraftOrder(LocalDateTime time, DemoChannel channel, List<Integer> picked) {
        this.time = time;
        this.channel = channel;
        this.picked = picked;
      }

      LocalDateTime time() {
        return time;
      }

      /**
       * The lines and the order-level money: courier cost and the fee the customer pays for delivery, 满减 and the
       * other marketing the store pays, a rebate now and then.
       */
      OrderRecord toRecord(String orderNo, String orderCode) {
        boolean cancelled = channel.feeRate() > 0 && random.nextDouble() < CANCELLED;
        List<LineRecord> lines = new ArrayList<>(picked.size());
        for (int i = 0; i < picked.size(); i++) {
          lines.add(line(picked.get(i), channel, cancelled, i > 0));
        }
        if (cancelled || channel.courier() == null) {
          return new OrderRecord(orderNo, orderCode, code, channel.name(), time, null,
            cancelled ? channel.courier() : null, OrderRecord.Fees.NONE, lines);
        }
        long revenue = lines.stream().mapToLong(l -> (long) l.quantity() * l.unitPrice()).sum();
        long productDiscount = lines.stream().mapToLong(l -> (long) l.quantity() * (l.salePrice() - l.unitPrice())).sum();
        int distance = 200 + (int) Math.round(Math.abs(random.nextGaussian()) * 1_900);
        long deliveryCost = 350 + 50L * random.nextInt(5) + 60L * (distance / 1_000);
        long customerDeliveryFee = revenue >= 4_000 ? 0 : 200 + 100L * random.nextInt(3);
        long deliveryFeeDiscount = customerDeliveryFee > 0 && random.nextDouble() < 0.3 ? 100 : 0;
        // Half the customers whose order comes in bags pay for them (打包袋金额).
        long packagingFee = picked.stream().anyMatch(p -> p >= assortment) && random.nextDouble() < 0.5 ? 50 : 0;
        long fullReduction = 0;
        double roll = random.nextDouble();
        if (revenue >= 6_000 && roll < 0.6) {
          fullReduction = 1_000;
        } else if (revenue >= 3_500 && roll < 0.5) {
          fullReduction = 500;
        } else if (revenue >= 2_000 && roll < 0.4) {
          fullReduction = 300;
        }
        long newCustomer = random.nextDouble() < 0.04 ? 300 + 100L * random.nextInt(3) : 0;
        long voucher = random.nextDouble() < 0.06 ? 200 + 100L * random.nextInt(4) : 0;
        long coupon = random.nextDouble() < 0.04 ? 100 + 100L * random.nextInt(3) : 0;
        long gift = random.nextDouble() < 0.02 ? 200 + 100L * random.nextInt(5) : 0;
        long other = random.nextDouble() < 0.03 ? 50 + 50L * random.nextInt(4) : 0;
        if (random.nextDouble() < 0.01) {
          // An enterprise customer's order: the platform pays a rebate back (企客后返) on its first line.
          LineRecord first = lines.get(0);
          lines.set(0, new LineRecord(first.sku(), first.quantity(), first.unitPrice(), first.salePrice(),
            first.listPrice(), first.cost(), first.grossProfit(), first.serviceFee(), first.expectedIncome(),
            100 + 100L * random.nextInt(3), first.refundQuantity()));
        }
        long serviceFee = lines.stream().mapToLong(LineRecord::serviceFee).sum();
        OrderRecord.Fees fees = new OrderRecord.Fees(deliveryCost, serviceFee, customerDeliveryFee, deliveryFeeDiscount,
          fullReduction, productDiscount, newCustomer, voucher, coupon, gift, other, packagingFee);
        return new OrderRecord(orderNo, orderCode, code, channel.name(), time, distance, channel.courier(), fees, lines);
      }
    }
  }

  /** Splits {@code total} into integers proportional to {@code weights} that sum exactly to it (largest remainder). */
  static int[] apportion(long total, double[] weights) {
    double sum = Arrays.stream(weights).sum();
    int[] shares = new int[weights.length];
    double[] remainders = new double[weights.length];
    long given = 0;
    for (int i = 0; i < weights.length; i++) {
      double exact = total * weights[i] / sum;
      shares[i] = (int) Math.floor(exact);
      remainders[i] = exact - shares[i];
      given += shares[i];
    }
    Integer[] byRemainder = new Integer[weights.length];
    for (int i = 0; i < byRemainder.length; i++) {
      byRemainder[i] = i;
    }
    Arrays.sort(byRemainder, Comparator.<Integer>comparingDouble(i -> -remainders[i]).thenComparingInt(i -> i));
    for (int k = 0; given < total; k = (k + 1) % byRemainder.length) {
      shares[byRemainder[k]]++;
      given++;
    }
    return shares;
  }

  /** An index drawn with probability proportional to its weight. */
  private static int pick(double[] weights, SplittableRandom random) {
    double total = 0;
    for (double w : weights) {
      total += w;
    }
    double x = random.nextDouble() * total;
    for (int i = 0; i < weights.length; i++) {
      x -= weights[i];
      if (x < 0) {
        return i;
      }
    }
    return weights.length - 1;
  }

  private static int[] permutation(int n, SplittableRandom random) {
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int swap = order[i];
      order[i] = order[j];
      order[j] = swap;
    }
    return order;
  }

  /** A well-spread seed for store {@code index} (SplitMix64 finalizer). */
  private static long mix(long seed, int index) {
    long z = seed * 0x9E3779B97F4A7C15L + (index + 1) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
