package io.storedash.monitor.push;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;

/**
 * The words of each message, in the subscription's language: the daily digest made from the {@code actions} answer
 * (docs/DESIGN.md §14.1), an alert, a test. Each section lists its first {@value #ITEMS_PER_SECTION} items and says
 * how many more there are: a robot's message is short (WeCom takes 4096 bytes), and the page has the whole list.
 */
final class Messages {

  static final int ITEMS_PER_SECTION = 5;
  private static final List<String> SECTIONS = List.of("urgent", "watch", "highlights");
  private static final Map<String, String[]> SECTION_NAMES = Map.of(
    "urgent", new String[]{"紧急", "Urgent"}, "watch", new String[]{"关注", "Watch"},
    "highlights", new String[]{"亮点", "Highlights"});
  private static final Map<String, String[]> RULE_NAMES = Map.ofEntries(
    Map.entry("losing_order", new String[]{"亏损订单", "Money-losing order"}),
    Map.entry("delivery_cost", new String[]{"配送成本超标", "Delivery cost over the limit"}),
    Map.entry("stock_out", new String[]{"疑似断货", "Possible stock-out"}),
    Map.entry("below_cost", new String[]{"低于成本销售", "Sold below cost"}),
    Map.entry("falling", new String[]{"销量下滑", "Falling sales"}),
    Map.entry("unsold", new String[]{"有库存无动销", "In stock, not selling"}),
    Map.entry("new_product", new String[]{"新品", "New product"}),
    Map.entry("margin_falling", new String[]{"利润率下滑", "Margin falling"}),
    Map.entry("top_seller", new String[]{"畅销", "Top seller"}),
    Map.entry("top_profit", new String[]{"利润贡献", "Top profit"}));

  private Messages() {
  }

  /** The digest of one actions answer. */
  static PushMessage digest(JsonObject actions, String lang) {
    boolean zh = !"en".equals(lang);
    String store = actions.getString("store", "all");
    String title = (zh ? "今日必做 · " : "Today's actions · ") + (store.equals("all") ? (zh ? "全部门店" : "all stores") : store)
      + " · " + actions.getString("day", "");
    JsonObject counts = actions.getJsonObject("counts", new JsonObject());
    StringBuilder md = new StringBuilder("### ").append(title).append("\n");
    StringBuilder text = new StringBuilder(title).append("\n");
    String summary = summary(counts, zh);
    md.append(summary.replaceAll("(\\d+)", "**$1**")).append("\n");
    text.append(summary).append("\n");
    for (String section : SECTIONS) {
      JsonArray items = actions.getJsonArray(section, new JsonArray());
      if (items.isEmpty()) {
        continue;
      }
      String name = SECTION_NAMES.get(section)[zh ? 0 : 1];
      md.append("\n**").append(name).append("**\n");
      text.append("\n【").append(name).append("】\n");
      for (int i = 0; i < Math.min(items.size(), ITEMS_PER_SECTION); i++) {
        String line = item(items.getJsonObject(i), zh);
        md.append("- ").append(line).append("\n");
        text.append("· ").append(line).append("\n");
      }
      if (items.size() > ITEMS_PER_SECTION) {
        String more = zh ? "另有 " + (items.size() - ITEMS_PER_SECTION) + " 项" : (items.size() - ITEMS_PER_SECTION) + " more";
        md.append("- ").append(more).append("\n");
        text.append("· ").append(more).append("\n");
      }
    }
    JsonArray stores = actions.getJsonArray("stores");
    if (stores != null && !stores.isEmpty()) {
      md.append("\n**").append(zh ? "门店" : "Stores").append("**\n");
      text.append("\n【").append(zh ? "门店" : "Stores").append("】\n");
      for (int i = 0; i < stores.size(); i++) {
        JsonObject one = stores.getJsonObject(i);
        String line = one.getString("code") + " " + one.getString("name", "") + ": "
          + summary(one.getJsonObject("counts", new JsonObject()), zh);
        md.append("- ").append(line).append("\n");
        text.append("· ").append(line).append("\n");
      }
    }
    return new PushMessage("digest", title, md.toString().strip(), text.toString().strip(), actions);
  }

  /** An alert: a rule fired for a store (or the monitor turned red). */
  static PushMessage alert(JsonObject facts, String lang) {
    boolean zh = !"en".equals(lang);
    String rule = facts.getString("rule");
    String title;
    String body;
    if (rule.equals(Alerts.MONITOR_RED)) {
      title = zh ? "StoreDash 监控状态：红色" : "StoreDash monitor status: red";
      // Only the colour and the time: hosts and figures stay on the monitor page (ops and hq), not in a chat group.
      body = zh ? "监控状态变为红色（" + facts.getString("at") + "），请查看监控面板。"
        : "The monitor turned red (" + facts.getString("at") + "); see the monitor panel.";
    } else {
      title = (zh ? "亏损订单提醒 · " : "Money-losing orders · ") + facts.getString("store") + " · " + facts.getString("day");
      body = zh ? "亏损订单 " + facts.getInteger("count") + " 笔，超过设定的 " + facts.getInteger("above") + " 笔"
        : facts.getInteger("count") + " money-losing orders, above the " + facts.getInteger("above") + " set";
    }
    return new PushMessage("alert", title, "### " + title + "\n" + body, title + "\n" + body, facts);
  }

  static PushMessage test(String name, String lang) {
    boolean zh = !"en".equals(lang);
    String title = zh ? "StoreDash 测试消息" : "StoreDash test message";
    String body = zh ? "订阅「" + name + "」的推送已接通。" : "Push for the subscription '" + name + "' works.";
    return new PushMessage("test", title, "### " + title + "\n" + body, title + "\n" + body, new JsonObject().put("name", name));
  }

  private static String summary(JsonObject counts, boolean zh) {
    return zh
      ? "紧急 " + counts.getInteger("urgent", 0) + " · 关注 " + counts.getInteger("watch", 0) + " · 亮点 " + counts.getInteger("highlights", 0)
      : "urgent " + counts.getInteger("urgent", 0) + " · watch " + counts.getInteger("watch", 0) + " · highlights " + counts.getInteger("highlights", 0);
  }

  private static String item(JsonObject item, boolean zh) {
    String[] rule = RULE_NAMES.getOrDefault(item.getString("rule", ""), new String[]{item.getString("rule", ""), item.getString("rule", "")});
    JsonObject subject = item.getJsonObject("subject", new JsonObject());
    String name = subject.getString("name", subject.getString("id", ""));
    String store = item.getString("store");
    String advice = item.getJsonObject("advice", new JsonObject()).getString(zh ? "zh" : "en", "");
    return rule[zh ? 0 : 1] + (store == null ? "" : " · " + store) + " · " + name + (advice.isEmpty() ? "" : (zh ? "：" : ": ") + advice);
  }
}
