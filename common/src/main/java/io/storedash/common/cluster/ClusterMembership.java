package io.storedash.common.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.Status;

import java.util.Set;

/**
 * The {@code cluster-membership} readiness check of a clustered node: a node whose Hazelcast member was shut down (by
 * an operator, a fault, or anyone who reached the cluster) or dropped from the member list can neither find the
 * consumers it sends to nor be found by the others, so it must stop taking traffic instead of reporting UP.
 */
public final class ClusterMembership {

  private final HazelcastInstance instance;

  public ClusterMembership(HazelcastInstance instance) {
    this.instance = instance;
  }

  /** UP with the member count, or DOWN with a reason an operator can act on. Reads local state only. */
  public Status status() {
    if (!instance.getLifecycleService().isRunning()) {
      return down("Hazelcast is not running on this node (it was shut down): the node is out of the cluster; "
        + "restart it");
    }
    Set<Member> members;
    Member self;
    try {
      members = instance.getCluster().getMembers();
      self = instance.getCluster().getLocalMember();
    } catch (RuntimeException e) {
      return down("Hazelcast does not answer on this node: " + e.getMessage());
    }
    if (!members.contains(self)) {
      return down("this node is not in the cluster's member list; restart it");
    }
    return Status.OK(new JsonObject().put("members", members.size()));
  }

  private static Status down(String reason) {
    return Status.KO(new JsonObject().put("reason", reason));
  }
}
