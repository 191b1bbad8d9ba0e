package io.storedash.common.bootstrap;

import io.vertx.core.Deployable;

import java.util.function.Function;

/**
 * What the bootstrap needs to know to run one StoreDash service: its name (as it appears in heartbeats and
 * metrics), the management port it uses when MANAGEMENT_PORT is not set, and how to make its verticle.
 */
public record ServiceDescriptor(String name, int defaultManagementPort, Function<ServiceContext, Deployable> verticle) {
}
