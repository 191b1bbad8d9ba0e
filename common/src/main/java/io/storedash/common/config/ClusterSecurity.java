package io.storedash.common.config;

import java.nio.file.Path;
import java.util.Optional;

/**
 * What a clustered process proves its membership with (docs/DESIGN.md §11).
 *
 * @param secret       CLUSTER_SECRET: the shared secret every member of one cluster knows; keys for the Hazelcast
 *                     member handshake, message signatures and cache-entry MACs are derived from it
 *                     ({@link io.storedash.common.security.ClusterKeys}). Required when clustered; the standalone
 *                     makes a random one when it is not set.
 * @param tls          EVENTBUS_TLS_CERT, EVENTBUS_TLS_KEY, EVENTBUS_TLS_CA: PEM files of this member's certificate,
 *                     its private key and the CA that signs every member; required when clustered
 * @param eventBusPort EVENTBUS_PORT: the event bus's TLS port, 0 for any free port
 */
public record ClusterSecurity(Optional<String> secret, Optional<EventBusTls> tls, int eventBusPort) {

  /** PEM files of the event bus's mutual TLS. */
  public record EventBusTls(Path cert, Path key, Path ca) {
  }

  /** No secret, no TLS, any port: the standalone's defaults. */
  public static ClusterSecurity none() {
    return new ClusterSecurity(Optional.empty(), Optional.empty(), 0);
  }

  public ClusterSecurity withSecret(String secret) {
    return new ClusterSecurity(Optional.of(secret), tls, eventBusPort);
  }

  /** Configuration records end up in logs: whether there is a secret, never the secret. */
  @Override
  public String toString() {
    return "ClusterSecurity[secret=" + secret.map(s -> "***") + ", tls=" + tls + ", eventBusPort=" + eventBusPort + "]";
  }
}
