package io.storedash.monitor;

import io.storedash.common.ServiceNames;
import io.storedash.common.bootstrap.ServiceDescriptor;
import io.storedash.common.bootstrap.ServiceLauncher;

/** monitor-service: the health of Redis, PostgreSQL and every StoreDash node, as one snapshot with a colour. */
public final class MonitorService {

  public static final ServiceDescriptor DESCRIPTOR = new ServiceDescriptor(ServiceNames.MONITOR, 9054, MonitorVerticle::new);

  private MonitorService() {
  }

  public static void main(String[] args) {
    ServiceLauncher.launch(DESCRIPTOR);
  }
}
