package io.storedash.query.ingest;

import java.util.List;

/**
 * What one load writes: the stores and products it names and its orders, split into parts so that a large
 * dataset is produced and sent piece by piece instead of being held in memory whole.
 */
public interface Dataset {

  List<StoreRecord> stores();

  List<ProductRecord> products();

  /** Every 渠道 the orders name, as the export names it. */
  List<String> channels();

  int parts();

  /**
   * The orders of one part. May be slow (generation, parsing): the loader calls it on a worker thread, one part
   * ahead of the part it is writing. Every order's store and products are among {@link #stores()} and
   * {@link #products()}; order numbers are unique within the dataset.
   */
  List<OrderRecord> part(int index);

  /** A dataset held in memory, in one part. */
  static Dataset of(List<StoreRecord> stores, List<ProductRecord> products, List<OrderRecord> orders) {
    List<StoreRecord> storeList = List.copyOf(stores);
    List<ProductRecord> productList = List.copyOf(products);
    List<OrderRecord> orderList = List.copyOf(orders);
    List<String> channelList = orderList.stream().map(OrderRecord::channel).distinct().toList();
    return new Dataset() {
      @Override
      public List<StoreRecord> stores() {
        return storeList;
      }

      @Override
      public List<ProductRecord> products() {
        return productList;
      }

      @Override
      public List<String> channels() {
        return channelList;
      }

      @Override
      public int parts() {
        return 1;
      }

      @Override
      public List<OrderRecord> part(int index) {
        return orderList;
      }
    };
  }
}
