package io.storedash.gateway;

import io.storedash.common.ServiceNames;
import io.storedash.common.bootstrap.ServiceDescriptor;
import io.storedash.common.bootstrap.ServiceLauncher;

/** gateway: the HTTP API and dashboard, sending every question over the event bus. */
public final class GatewayService {

  public static final ServiceDescriptor DESCRIPTOR = new ServiceDescriptor(ServiceNames.GATEWAY, 9051, GatewayVerticle::new);

  private GatewayService() {
  }

  public static void main(String[] args) {
    ServiceLauncher.launch(DESCRIPTOR);
  }
}
