package io.storedash.cache.warm;

import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How hot each store is: an access count that decays exponentially (half-life {@code halfLifeMillis}), so that the
 * stores people look at now rank above those they looked at yesterday.
 */
public final class StoreHeat {

  private record Score(double value, long at) {
  }

  private final Map<String, Score> scores = new ConcurrentHashMap<>();
  private final double lambda;
  private final Clock clock;

  public StoreHeat(long halfLifeMillis, Clock clock) {
    this.lambda = Math.log(2) / halfLifeMillis;
    this.clock = clock;
  }

  /** One look at {@code store}, now. */
  public void touch(String store) {
    long now = clock.millis();
    scores.merge(store, new Score(1, now), (old, one) -> new Score(decayed(old, now) + 1, now));
  }

  public double heat(String store) {
    return heat(store, clock.millis());
  }

  private double heat(String store, long now) {
    Score score = scores.get(store);
    return score == null ? 0 : decayed(score, now);
  }

  private double decayed(Score score, long now) {
    return score.value() * Math.exp(-lambda * Math.max(0, now - score.at()));
  }

  /** {@code stores} hottest first; stores never looked at keep their given order, after the others. */
  public List<String> rank(Collection<String> stores) {
    long now = clock.millis();
    List<String> ranked = new ArrayList<>(stores);
    ranked.sort(Comparator.comparingDouble((String s) -> -heat(s, now)));
    return ranked;
  }

  /** How many of {@code count} stores form the hot set: the fraction rounded up, at least one. */
  public static int hotCount(int count, double fraction) {
    return count == 0 ? 0 : Math.max(1, (int) Math.ceil(count * fraction));
  }
}
