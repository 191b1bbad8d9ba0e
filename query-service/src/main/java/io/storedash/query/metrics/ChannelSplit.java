package io.storedash.query.metrics;

import io.storedash.query.Channel;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The KPIs of a store or the chain per sales channel. Every channel is listed, those without orders with zeros, by
 * revenue (highest first, then in channel order), each with its share of the revenue of all channels.
 */
public record ChannelSplit(String store, DayRange range, Map<Channel, KpiTotals> channels) {

  /** {@code {"store", "from", "to", "channels": [{"channel", "name_zh", <every KPI of overview>, "revenue_share"}]}} */
  public Map<String, Object> toMap() {
    long totalRevenue = channels.values().stream().mapToLong(KpiTotals::revenue).sum();
    List<Channel> order = new ArrayList<>(List.of(Channel.values()));
    order.sort(Comparator.comparingLong((Channel c) -> -totalsOf(c).revenue()).thenComparingInt(Channel::id));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Channel channel : order) {
      KpiTotals totals = totalsOf(channel);
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("channel", channel.code());
      row.put("name_zh", channel.nameZh());
      row.putAll(Overview.kpis(totals));
      row.put("revenue_share", Figures.ratio(totals.revenue(), totalRevenue));
      rows.add(row);
    }
    Map<String, Object> map = new LinkedHashMap<>();
    map.put("store", store);
    map.put("from", range.from().toString());
    map.put("to", range.to().toString());
    map.put("channels", rows);
    return map;
  }

  private KpiTotals totalsOf(Channel channel) {
    return channels.getOrDefault(channel, KpiTotals.ZERO);
  }
}
