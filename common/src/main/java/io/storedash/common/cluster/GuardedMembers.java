package io.storedash.common.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.SocketInterceptorConfig;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.instance.EndpointQualifier;
import com.hazelcast.instance.impl.DefaultNodeContext;
import com.hazelcast.instance.impl.DefaultNodeExtension;
import com.hazelcast.instance.impl.HazelcastInstanceFactory;
import com.hazelcast.instance.impl.Node;
import com.hazelcast.instance.impl.NodeExtension;
import com.hazelcast.nio.MemberSocketInterceptor;
import io.vertx.core.Future;
import io.vertx.core.Promise;

import java.util.UUID;
import java.util.concurrent.RejectedExecutionException;

/**
 * Hazelcast members that open every connection with the {@link MemberHandshake}. The open-source edition has no
 * member authentication, but it keeps the enterprise socket-interceptor hook: a node extension that returns an
 * interceptor, and an enabled interceptor configuration, make Hazelcast run it on every accepted and every opened
 * connection before its own protocol (docs/DESIGN.md §11.2). The instance is built here, not by Vert.x, so this
 * process owns it: {@link OwnedHazelcastClusterManager} shuts it down when Vert.x leaves the cluster.
 */
public final class GuardedMembers {

  /** The member attribute Vert.x's HazelcastClusterManager reads its node id from when it is given an instance. */
  static final String VERTX_NODE_ID = "__vertx.nodeId";

  private GuardedMembers() {
  }

  /**
   * Starts a member with {@code config} whose connections need {@code handshake}, on a thread of its own (joining
   * blocks for seconds), and completes with it once it has joined or formed the cluster.
   */
  public static Future<HazelcastInstance> start(Config config, MemberSocketInterceptor handshake) {
    config.getNetworkConfig().setSocketInterceptorConfig(new SocketInterceptorConfig().setEnabled(true));
    config.getMemberAttributeConfig().setAttribute(VERTX_NODE_ID, UUID.randomUUID().toString());
    String name = "storedash-" + UUID.randomUUID().toString().substring(0, 8);
    Promise<HazelcastInstance> started = Promise.promise();
    Thread thread = new Thread(() -> {
      try {
        started.complete(HazelcastInstanceFactory.newHazelcastInstance(config, name, new GuardedNodeContext(handshake)));
      } catch (RuntimeException | Error e) {
        started.fail(e);
      }
    }, "storedash-hazelcast-join");
    thread.setDaemon(true);
    thread.start();
    return started.future();
  }

  /** Shuts a member down (blocking), retrying while Hazelcast is too busy to take the request. */
  static void shutdown(HazelcastInstance instance) {
    while (instance.getLifecycleService().isRunning()) {
      try {
        instance.getLifecycleService().shutdown();
      } catch (RejectedExecutionException busy) {
        Thread.onSpinWait();
      }
    }
  }

  /** Hazelcast's own node context, but with a node extension that hands out the handshake. */
  private static final class GuardedNodeContext extends DefaultNodeContext {

    private final MemberSocketInterceptor handshake;

    GuardedNodeContext(MemberSocketInterceptor handshake) {
      this.handshake = handshake;
    }

    @Override
    public NodeExtension createNodeExtension(Node node) {
      return new DefaultNodeExtension(node) {
        @Override
        public MemberSocketInterceptor getSocketInterceptor(EndpointQualifier endpointQualifier) {
          // Every endpoint: with one (unified) server socket, members and clients arrive on the same port.
          return handshake;
        }
      };
    }
  }
}
