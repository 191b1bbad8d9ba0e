package io.storedash.query;

import io.storedash.common.ServiceNames;
import io.storedash.common.bootstrap.ServiceDescriptor;
import io.storedash.common.bootstrap.ServiceLauncher;

/** query-service: computes dashboard results from PostgreSQL and owns the schema, the loads and the data versions. */
public final class QueryService {

  public static final ServiceDescriptor DESCRIPTOR = new ServiceDescriptor(ServiceNames.QUERY, 9053, QueryVerticle::new);

  private QueryService() {
  }

  public static void main(String[] args) {
    ServiceLauncher.launch(DESCRIPTOR);
  }
}
