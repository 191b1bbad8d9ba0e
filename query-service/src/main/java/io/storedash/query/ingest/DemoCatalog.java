package io.storedash.query.ingest;

import java.util.List;

/** The names the demo generator draws from: a convenience-store assortment, street names and cities. */
final class DemoCatalog {

  /** A product of the assortment: category, name, shelf price in cents (a bag: its cost), 三级分类名 or null. */
  record Item(String category, String name, long price, String subcategory) {
    Item(String category, String name, long price) {
      this(category, name, price, null);
    }
  }

  /** Carrier bags (耗材): given with delivered orders, their cost counts in the order's profit. */
  static final List<Item> BAGS = List.of(
    new Item("耗材", "外卖打包袋(大)", 18, "购物袋"),
    new Item("耗材", "外卖打包袋(小)", 12, "购物袋"));

  /** The chain's brand: supermarkets in the bigger stores, convenience stores in the others. */
  static final String BRAND = "邻里鲜";

  static final List<Item> ITEMS = List.of(
    new Item("饮料", "可口可乐 330ml", 300),
    new Item("饮料", "可口可乐 500ml", 350),
    new Item("饮料", "百事可乐 330ml", 300),
    new Item("饮料", "雪碧 500ml", 350),
    new Item("饮料", "芬达橙味 500ml", 350),
    new Item("饮料", "农夫山泉 550ml", 200),
    new Item("饮料", "怡宝纯净水 555ml", 200),
    new Item("饮料", "康师傅冰红茶 500ml", 350),
    new Item("饮料", "统一绿茶 500ml", 350),
    new Item("饮料", "元气森林白桃苏打气泡水 480ml", 550),
    new Item("饮料", "东方树叶茉莉花茶 500ml", 550),
    new Item("饮料", "王老吉 310ml", 450),
    new Item("饮料", "红牛维生素功能饮料 250ml", 650),
    new Item("饮料", "脉动青柠味 600ml", 550),
    new Item("饮料", "美汁源果粒橙 420ml", 400),
    new Item("乳制品", "伊利纯牛奶 250ml×16盒", 6500),
    new Item("乳制品", "蒙牛纯牛奶 250ml×12盒", 4800),
    new Item("乳制品", "光明鲜牛奶 950ml", 1590),
    new Item("乳制品", "安慕希原味酸奶 205g", 650),
    new Item("乳制品", "养乐多 100ml×5瓶", 1100),
    new Item("乳制品", "特仑苏纯牛奶 250ml×12盒", 6990),
    new Item("零食", "乐事薯片原味 75g", 850),
    new Item("零食", "乐事薯片黄瓜味 75g", 850),
    new Item("零食", "奥利奥原味夹心饼干 97g", 890),
    new Item("零食", "旺旺雪饼 84g", 690),
    new Item("零食", "好丽友派 6枚", 1290),
    new Item("零食", "三只松鼠每日坚果 25g", 590),
    new Item("零食", "卫龙大面筋 102g", 590),
    new Item("零食", "德芙丝滑牛奶巧克力 43g", 990),
    new Item("零食", "士力架花生夹心巧克力 51g", 650),
    new Item("零食", "上好佳鲜虾片 40g", 450),
    new Item("零食", "良品铺子猪肉脯 100g", 2590),
    new Item("零食", "徐福记酥心糖 200g", 1690),
    new Item("方便食品", "康师傅红烧牛肉面 105g", 450),
    new Item("方便食品", "统一老坛酸菜牛肉面 121g", 450),
    new Item("方便食品", "汤达人日式豚骨拉面 130g", 750),
    new Item("方便食品", "白象汤好喝老母鸡汤面 109g", 450),
    new Item("方便食品", "双汇王中王火腿肠 240g", 1290),
    new Item("方便食品", "海底捞自热火锅 麻辣嫩牛 395g", 2990),
    new Item("方便食品", "梅林午餐肉罐头 340g", 1590),
    new Item("酒类", "青岛啤酒经典 500ml", 590),
    new Item("酒类", "雪花啤酒勇闯天涯 500ml", 500),
    new Item("酒类", "百威啤酒 500ml", 690),
    new Item("酒类", "哈尔滨啤酒冰纯 500ml", 490),
    new Item("酒类", "江小白 100ml", 2200),
    new Item("酒类", "牛栏山二锅头 500ml", 1900),
    new Item("酒类", "RIO微醺鸡尾酒 330ml", 1090),
    new Item("日用品", "维达抽纸 3层100抽×6包", 2490),
    new Item("日用品", "清风卷纸 4层10卷", 2990),
    new Item("日用品", "心相印湿巾 10片", 390),
    new Item("日用品", "蓝月亮深层洁净洗衣液 1kg", 2990),
    new Item("日用品", "立白洗洁精 1.29kg", 1590),
    new Item("日用品", "南孚碱性电池 5号 4粒", 1990),
    new Item("日用品", "一次性纸杯 50只", 990),
    new Item("日用品", "加厚垃圾袋 30只", 690),
    new Item("个人护理", "高露洁牙膏 120g", 1290),
    new Item("个人护理", "舒肤佳香皂 108g", 590),
    new Item("个人护理", "海飞丝洗发水 200ml", 3290),
    new Item("个人护理", "佳洁士软毛牙刷", 990),
    new Item("个人护理", "七度空间卫生巾 10片", 1590),
    new Item("水果", "香蕉 500g", 590),
    new Item("水果", "红富士苹果 1kg", 1590),
    new Item("水果", "砂糖橘 1kg", 1290),
    new Item("水果", "麒麟西瓜 半个", 2290),
    new Item("水果", "巨峰葡萄 500g", 1490),
    new Item("冷冻食品", "三全水饺 猪肉白菜 500g", 1590),
    new Item("冷冻食品", "思念黑芝麻汤圆 400g", 1290),
    new Item("冷冻食品", "湾仔码头玉米猪肉水饺 720g", 3290),
    new Item("冷冻食品", "梦龙香草冰淇淋 65g", 990),
    new Item("冷冻食品", "可爱多甜筒 67g", 590),
    new Item("粮油调味", "金龙鱼东北大米 5kg", 3990),
    new Item("粮油调味", "鲁花5S压榨花生油 1L", 3290),
    new Item("粮油调味", "海天金标生抽 500ml", 990),
    new Item("粮油调味", "老干妈风味豆豉 280g", 1190),
    new Item("粮油调味", "太太乐鸡精 200g", 990),
    new Item("粮油调味", "新鲜鸡蛋 10枚", 1290),
    new Item("烘焙", "桃李醇熟切片面包 400g", 990),
    new Item("烘焙", "达利园法式软面包 200g", 890),
    new Item("烘焙", "港荣蒸蛋糕 460g", 1990),
    new Item("烘焙", "盼盼法式小面包 400g", 1290));

  static final List<String> STREETS = List.of(
    "和兴路", "中山路", "人民路", "解放路", "建设路", "长江路", "黄河路", "文化路", "新华路", "南京路",
    "淮海路", "五一路", "朝阳路", "望京", "国贸", "五道口", "徐家汇", "陆家嘴", "天河", "珠江新城",
    "春熙路", "西湖", "光谷", "新街口", "小寨", "解放碑", "滨江道", "观前街", "五一广场", "二七广场",
    "中关村", "西单", "静安寺", "五角场", "体育西", "华强北", "南山", "武林广场", "钱江新城", "太古里",
    "楚河汉街", "夫子庙", "钟楼", "观音桥", "金鸡湖", "橘子洲", "花园路", "东直门", "大悦城", "万达广场",
    "龙华", "宝安中心", "江汉路", "鼓楼", "曲江", "沙坪坝", "河西", "青年路", "幸福路", "胜利街");

  /** Cities with the weights of their share of stores. */
  static final List<String> CITIES = List.of(
    "北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "南京", "西安", "重庆", "天津", "苏州", "长沙");
  static final double[] CITY_WEIGHTS = {16, 16, 10, 10, 8, 8, 6, 6, 5, 5, 4, 3, 3};

  private static final String[] NUMERALS = {"", "二", "三", "四", "五", "六", "七", "八", "九", "十"};

  private DemoCatalog() {
  }

  /**
   * A unique store name as a chain writes it: 邻里鲜超市(和兴路店) for every third store, 邻里鲜便利(中山路店) for the
   * others, then 二店, 三店 ... once every street has a store.
   */
  static String storeName(int index, int[] streetOrder) {
    String street = STREETS.get(streetOrder[index % STREETS.size()]);
    int round = index / STREETS.size();
    String number = round < NUMERALS.length ? NUMERALS[round] : String.valueOf(round + 1);
    return BRAND + (index % 3 == 0 ? "超市" : "便利") + "(" + street + number + "店)";
  }

  /** An EAN-13 code with a Chinese (69x) prefix, unique per item index. */
  static String sku(int index) {
    String body = "692" + String.format("%09d", 100_000 + index * 37L);
    int sum = 0;
    for (int i = 0; i < 12; i++) {
      int digit = body.charAt(i) - '0';
      sum += i % 2 == 0 ? digit : digit * 3;
    }
    return body + (10 - sum % 10) % 10;
  }
}
