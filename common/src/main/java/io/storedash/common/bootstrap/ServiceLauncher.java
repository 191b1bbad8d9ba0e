package io.storedash.common.bootstrap;

import io.storedash.common.config.ConfigException;
import io.storedash.common.config.ConfigLoader;
import io.storedash.common.config.StoreDashConfig;
import io.storedash.common.security.Redaction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The {@code main} of every service jar: reads the configuration (a bad value stops start-up with a message
 * naming the variable), joins the cluster, deploys the service, starts the management server and installs the
 * graceful shutdown. What it says about a failure is redacted: no secret reaches the log (docs/DESIGN.md §11.6).
 */
public final class ServiceLauncher {

  private static final Logger LOG = LoggerFactory.getLogger(ServiceLauncher.class);

  private ServiceLauncher() {
  }

  public static void launch(ServiceDescriptor service) {
    StoreDashConfig config;
    try {
      config = ConfigLoader.fromEnvironment();
    } catch (ConfigException e) {
      System.err.println(service.name() + " cannot start: " + e.getMessage());
      System.exit(2);
      return;
    }
    CountDownLatch started = new CountDownLatch(1);
    AtomicInteger exitCode = new AtomicInteger();
    Node.clustered(config)
      .compose(node -> node.deploy(service, 1)
        .compose(id -> node.startManagement(config.managementPortOr(service.defaultManagementPort())))
        .onSuccess(port -> {
          node.shutdownOnSignal();
          LOG.info("{} {} ready on node {} (management port {})", service.name(), Node.version(), node.nodeId(), port);
        })
        .onFailure(e -> node.shutdown()))
      .onComplete(ar -> {
        if (ar.failed()) {
          // Redacted: a client's failure may quote the URL it was given, password and all.
          LOG.error("{} failed to start: {}", service.name(), Redaction.message(ar.cause()),
            Redaction.throwable(ar.cause()));
          exitCode.set(1);
        }
        started.countDown();
      });
    try {
      started.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (exitCode.get() != 0) {
      System.exit(exitCode.get());
    }
  }
}
