package io.storedash.gateway.http;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToLongFunction;

/**
 * What was used lately, up to a weight (entries, or bytes): the least recently used entry goes first. For what the
 * hit path would otherwise compute again on every request from the same input — a validated query by its URI, a
 * decoded answer by its entity tag. Not thread-safe: one instance per verticle, used on its event loop only.
 */
public final class Recent<K, V> {

  private final long maxWeight;
  private final ToLongFunction<V> weigher;
  private final LinkedHashMap<K, V> entries = new LinkedHashMap<>(64, 0.75f, true);
  private long weight;

  /**
   * @param maxWeight what the entries weigh together at most
   * @param weigher   an entry's weight; an entry heavier than {@code maxWeight} alone is not kept
   */
  public Recent(long maxWeight, ToLongFunction<V> weigher) {
    this.maxWeight = maxWeight;
    this.weigher = weigher;
  }

  /** The value, marked as used now; null when not kept. */
  public V get(K key) {
    return entries.get(key);
  }

  public void put(K key, V value) {
    long w = weigher.applyAsLong(value);
    if (w > maxWeight) {
      return;
    }
    V old = entries.put(key, value);
    if (old != null) {
      weight -= weigher.applyAsLong(old);
    }
    weight += w;
    var eldest = entries.entrySet().iterator();
    while (weight > maxWeight && eldest.hasNext()) {
      Map.Entry<K, V> e = eldest.next();
      weight -= weigher.applyAsLong(e.getValue());
      eldest.remove();
    }
  }

  public int size() {
    return entries.size();
  }
}
