package io.storedash.query.ingest;

import io.storedash.query.Channels;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class DemoDatasetTest {

  private static final LocalDate END = LocalDate.of(2026, 10, 31);
  private static final DemoOptions OPTIONS = new DemoOptions(8, 5_000, 60, 7, END);

  @Test
  void sameOptionsGiveIdenticalData() {
    DemoDataset first = new DemoDataset(OPTIONS);
    DemoDataset second = new DemoDataset(OPTIONS);
    assertThat(second.stores()).isEqualTo(first.stores());
    assertThat(second.products()).isEqualTo(first.products());
    for (int s = 0; s < first.parts(); s++) {
      assertThat(second.part(s)).isEqualTo(first.part(s));
    }
    DemoDataset otherSeed = new DemoDataset(new DemoOptions(8, 5_000, 60, 8, END));
    assertThat(otherSeed.part(0)).isNotEqualTo(first.part(0));
  }

  @Test
  void storesAreSkewedAroundRowsPerStoreAndOrdersAreWellFormed() {
    DemoDataset dataset = new DemoDataset(OPTIONS);
    assertThat(dataset.totalLines()).isEqualTo(8L * 5_000);
    int[] sizes = IntStream.range(0, 8).map(dataset::plannedLines).toArray();
    assertThat(IntStream.of(sizes).max().getAsInt()).isGreaterThan(2 * IntStream.of(sizes).min().getAsInt());
    assertThat(dataset.stores()).extracting(StoreRecord::code).startsWith("S001", "S002");
    assertThat(dataset.stores()).extracting(StoreRecord::name).doesNotHaveDuplicates().allMatch(n -> n.matches("邻里鲜(超市|便利)\\(.+店\\)"));

    Set<String> orderNumbers = new HashSet<>();
    Map<String, Long> ordersByChannel = new HashMap<>();
    long orders = 0;
    long lines = 0;
    long cancelled = 0;
    long feeOrders = 0;
    long refundedLines = 0;
    long bagged = 0;
    long losing = 0;
    for (int s = 0; s < dataset.parts(); s++) {
      List<OrderRecord> part = dataset.part(s);
      assertThat(part.stream().mapToInt(o -> o.lines().size()).sum()).isEqualTo(sizes[s]);
      for (OrderRecord order : part) {
        assertThat(orderNumbers.add(order.orderNo())).as("unique order number %s", order.orderNo()).isTrue();
        assertThat(order.lines()).hasSizeBetween(1, 10);
        assertThat(order.lines()).extracting(LineRecord::sku).doesNotHaveDuplicates();
        assertThat(order.orderedAt().toLocalDate()).isBetween(OPTIONS.firstDate(), END);
        assertThat(order.storeCode()).isEqualTo(DemoDataset.storeCode(s));
        ordersByChannel.merge(order.channel(), 1L, Long::sum);
        orders++;
        lines += order.lines().size();
        boolean fee = Channels.chargesByDefault(order.channel());
        feeOrders += fee ? 1 : 0;
        if (fee && order.serviceFee() <= 0) {
          cancelled++;
          assertThat(order.lines()).allMatch(l -> l.quantity() == 0 && l.serviceFee() == 0 && l.refundQuantity() > 0);
          continue;
        }
        refundedLines += order.lines().stream().filter(l -> l.quantity() == 0).count();
        bagged += order.lines().stream().anyMatch(l -> l.sku().equals(DemoCatalog.sku(DemoCatalog.ITEMS.size()))
          || l.sku().equals(DemoCatalog.sku(DemoCatalog.ITEMS.size() + 1))) ? 1 : 0;
        long profit = order.grossProfit() - order.serviceFee() - order.fees().deliveryCost() + order.rebate();
        losing += profit < 0 ? 1 : 0;
        for (LineRecord line : order.lines()) {
          if (line.quantity() > 0) {
            assertThat(line.grossProfit()).isEqualTo(line.quantity() * line.unitPrice() - line.cost());
            assertThat(line.unitPrice()).isLessThanOrEqualTo(line.salePrice());
          }
        }
      }
    }
    // The chain's shape: ~4.5 lines per order, its channel shares, ~3 % cancelled, refunds, bags, losing orders.
    assertThat(lines / (double) orders).isBetween(4.3, 4.7);
    assertThat(ordersByChannel.keySet()).containsExactlyInAnyOrderElementsOf(dataset.channels());
    assertThat(ordersByChannel.get("饿了么") / (double) orders).isBetween(0.33, 0.43);
    assertThat(ordersByChannel.get("美团共橙") / (double) orders).isBetween(0.25, 0.35);
    assertThat(ordersByChannel.get("美团闪购") / (double) orders).isBetween(0.21, 0.31);
    assertThat(ordersByChannel.get("京东到家") / (double) orders).isBetween(0.01, 0.04);
    assertThat(cancelled / (double) feeOrders).isBetween(0.02, 0.04);
    assertThat(refundedLines).isPositive();
    assertThat(bagged / (double) orders).isBetween(0.5, 0.8);
    assertThat(losing).isPositive().isLessThan(orders / 2);
  }

  @Test
  void everyStoreShowsEveryProductHealthCaseOverTheLast30Days() {
    DemoDataset dataset = new DemoDataset(OPTIONS);
    LocalDate from = END.minusDays(29);
    LocalDate secondHalf = from.plusDays(15);
    Set<String> bags = new HashSet<>();
    dataset.products().stream().filter(ProductRecord::consumable).forEach(p -> bags.add(p.sku()));
    assertThat(bags).hasSize(2);
    for (int s = 0; s < dataset.parts(); s++) {
      Map<String, ProductSales> sales = new HashMap<>();
      for (OrderRecord order : dataset.part(s)) {
        LocalDate day = order.orderedAt().toLocalDate();
        if (day.isBefore(from)) {
          continue;
        }
        for (LineRecord line : order.lines()) {
          // Product health is about products sold: not refunds, not carrier bags (耗材).
          if (line.quantity() <= 0 || bags.contains(line.sku())) {
            continue;
          }
          ProductSales p = sales.computeIfAbsent(line.sku(), k -> new ProductSales());
          p.revenue += line.unitPrice() * line.quantity();
          p.cost += line.cost();
          p.listRevenue += line.listPrice() * line.quantity();
          if (day.isBefore(secondHalf)) {
            p.firstHalf += line.quantity();
          } else {
            p.secondHalf += line.quantity();
          }
          p.lastSale = p.lastSale == null || day.isAfter(p.lastSale) ? day : p.lastSale;
        }
      }
      String store = DemoDataset.storeCode(s);
      assertThat(sales.values()).as("negative margin in %s", store).anyMatch(p -> p.revenue < p.cost);
      assertThat(sales.values()).as("declining in %s", store)
        .anyMatch(p -> p.firstHalf >= 10 && (p.secondHalf - p.firstHalf) / (double) p.firstHalf <= -0.3);
      assertThat(sales.values()).as("markdown dependent in %s", store)
        .anyMatch(p -> (p.listRevenue - p.revenue) / (double) p.listRevenue >= 0.4);
      assertThat(sales.values()).as("slow moving in %s", store)
        .anyMatch(p -> ChronoUnit.DAYS.between(p.lastSale, END) >= 7);
      // Most products stay healthy: the flags are the exception, not the rule.
      assertThat(sales.values().stream().filter(p -> p.revenue < p.cost).count()).isLessThan(sales.size() / 4);
    }
  }

  private static final class ProductSales {
    long revenue;
    long cost;
    long listRevenue;
    long firstHalf;
    long secondHalf;
    LocalDate lastSale;
  }
}
