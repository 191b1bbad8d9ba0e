package io.storedash.common.cluster;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Completable;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;

/**
 * Vert.x's Hazelcast cluster manager for a member this process built ({@link GuardedMembers}). Vert.x does not shut
 * down an instance it was given (it might be shared), so without this the member would stay in the cluster after
 * {@code vertx.close()}: here leaving the cluster ends the instance too, as it does for one Vert.x creates.
 */
public final class OwnedHazelcastClusterManager extends HazelcastClusterManager {

  private final HazelcastInstance instance;
  private Vertx vertx;

  public OwnedHazelcastClusterManager(HazelcastInstance instance) {
    super(instance);
    this.instance = instance;
  }

  @Override
  public void init(Vertx vertx) {
    super.init(vertx);
    this.vertx = vertx;
  }

  @Override
  public void leave(Completable<Void> promise) {
    Promise<Void> left = Promise.promise();
    super.leave(left);
    // Vert.x's own leave fails when Hazelcast is already down (shut down from outside): the instance still ends.
    left.future()
      .eventually(() -> vertx.<Void>executeBlocking(() -> {
        GuardedMembers.shutdown(instance);
        return null;
      }, false))
      .onComplete(promise);
  }
}
