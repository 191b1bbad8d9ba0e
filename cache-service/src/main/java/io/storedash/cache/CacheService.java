package io.storedash.cache;

import io.storedash.common.ServiceNames;
import io.storedash.common.bootstrap.ServiceDescriptor;
import io.storedash.common.bootstrap.ServiceLauncher;

/** cache-service: answers dashboard queries through the cache tiers, computing misses in query-service. */
public final class CacheService {

  public static final ServiceDescriptor DESCRIPTOR = new ServiceDescriptor(ServiceNames.CACHE, 9052, CacheVerticle::new);

  private CacheService() {
  }

  public static void main(String[] args) {
    ServiceLauncher.launch(DESCRIPTOR);
  }
}
