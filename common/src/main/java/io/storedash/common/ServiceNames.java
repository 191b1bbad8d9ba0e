package io.storedash.common;

import java.util.List;

/** The names StoreDash's services go by in heartbeats, readiness checks, breakers and problem answers. */
public final class ServiceNames {

  public static final String GATEWAY = "gateway";
  public static final String CACHE = "cache-service";
  public static final String QUERY = "query-service";
  public static final String MONITOR = "monitor-service";

  /** Every service a complete installation runs. */
  public static final List<String> ALL = List.of(GATEWAY, CACHE, QUERY, MONITOR);

  private ServiceNames() {
  }
}
