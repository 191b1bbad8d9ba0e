package io.storedash.cache.tier;

/** The cache tiers of docs/DESIGN.md §5. L1–L3 live in Redis; L4 is the in-process hotspot tier of every instance. */
public enum Tier {
  L1("raw order pages"),
  L2("metrics"),
  L3("diagnosis"),
  L4("hotspot");

  private final String holds;

  Tier(String holds) {
    this.holds = holds;
  }

  public String holds() {
    return holds;
  }
}
