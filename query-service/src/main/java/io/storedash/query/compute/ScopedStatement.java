package io.storedash.query.compute;

import java.util.regex.Pattern;

/**
 * One kind's statement in its three forms: over the whole chain (the chain-wide rollups), over one store
 * ({@code store_id = $n}, the store's id) and over a set of stores ({@code store_id = ANY($n::int4[])}, their ids).
 * The set's form is derived from the store's, so a figure has one statement for one store and for several: a set's
 * figures are computed by exactly the rules of a store's, summed over its stores.
 *
 * @param chain over the whole chain, unrestricted
 * @param store over one store: every {@code store_id = $n} names it
 * @param set   over a set of stores: the store form with each {@code store_id = $n} made {@link StoreScope#inSet}
 */
record ScopedStatement(String chain, String store, String set) {

  private static final Pattern STORE_ID = Pattern.compile("\\bstore_id = \\$(\\d+)");

  /**
   * @throws IllegalArgumentException when the store form names no store ({@code store_id = $n}): its set form would
   *                                  then cover every store
   */
  static ScopedStatement of(String chain, String store) {
    String set = STORE_ID.matcher(store)
      .replaceAll(match -> StoreScope.inSet("store_id", Integer.parseInt(match.group(1))).replace("$", "\\$"));
    if (set.equals(store)) {
      throw new IllegalArgumentException("a store's statement must select its store with store_id = $n: " + store);
    }
    return new ScopedStatement(chain, store, set);
  }
}
