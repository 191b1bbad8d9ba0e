package io.storedash.query.ingest;

import io.storedash.query.Channel;
import org.junit.jupiter.api.Test;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.EnumSet;
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
    assertThat(dataset.stores()).extracting(StoreRecord::name).doesNotHaveDuplicates().allMatch(n -> n.endsWith("店"));

    Set<String> orderNumbers = new HashSet<>();
    Set<Channel> channels = EnumSet.noneOf(Channel.class);
    for (int s = 0; s < dataset.parts(); s++) {
      List<OrderRecord> orders = dataset.part(s);
      assertThat(orders.stream().mapToInt(o -> o.lines().size()).sum()).isEqualTo(sizes[s]);
      for (OrderRecord order : orders) {
        assertThat(orderNumbers.add(order.orderNo())).as("unique order number %s", order.orderNo()).isTrue();
        assertThat(order.lines()).hasSizeBetween(1, 4);
        assertThat(order.lines()).extracting(LineRecord::sku).doesNotHaveDuplicates();
        assertThat(order.orderedAt().toLocalDate()).isBetween(OPTIONS.firstDate(), END);
        assertThat(order.storeCode()).isEqualTo(DemoDataset.storeCode(s));
        channels.add(order.channel());
      }
    }
    assertThat(channels).containsExactlyInAnyOrder(Channel.values());
  }

  @Test
  void everyStoreShowsEveryProductHealthCaseOverTheLast30Days() {
    DemoDataset dataset = new DemoDataset(OPTIONS);
    LocalDate from = END.minusDays(29);
    LocalDate secondHalf = from.plusDays(15);
    for (int s = 0; s < dataset.parts(); s++) {
      Map<String, ProductSales> sales = new HashMap<>();
      for (OrderRecord order : dataset.part(s)) {
        LocalDate day = order.orderedAt().toLocalDate();
        if (day.isBefore(from)) {
          continue;
        }
        for (LineRecord line : order.lines()) {
          ProductSales p = sales.computeIfAbsent(line.sku(), k -> new ProductSales());
          p.revenue += line.unitPrice() * line.quantity();
          p.cost += line.unitCost() * line.quantity();
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
