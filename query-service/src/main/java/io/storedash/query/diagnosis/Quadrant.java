package io.storedash.query.diagnosis;

import java.util.Locale;

/**
 * Where a product stands against the store's medians of quantity and gross margin over the range (≥ the median
 * counts as high).
 */
public enum Quadrant {
  /** 明星: sells a lot at a good margin. */
  STAR("明星"),
  /** 引流: sells a lot at a low margin; brings customers in. */
  TRAFFIC("引流"),
  /** 潜力: good margin, sells little; worth promoting. */
  POTENTIAL("潜力"),
  /** 问题: sells little at a low margin. */
  LAGGARD("问题");

  private final String nameZh;

  Quadrant(String nameZh) {
    this.nameZh = nameZh;
  }

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  public String nameZh() {
    return nameZh;
  }

  static Quadrant of(boolean highQuantity, boolean highMargin) {
    if (highQuantity) {
      return highMargin ? STAR : TRAFFIC;
    }
    return highMargin ? POTENTIAL : LAGGARD;
  }
}
