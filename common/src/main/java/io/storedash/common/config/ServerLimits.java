package io.storedash.common.config;

/**
 * Limits that keep a flood from exhausting a process (docs/DESIGN.md §8, §11).
 *
 * @param managementHost           MANAGEMENT_HOST: the address the management server (probes, metrics) binds;
 *                                 127.0.0.1 by default, the pod's IP in Kubernetes, 0.0.0.0 inside a compose network
 * @param managementMaxConnections MANAGEMENT_MAX_CONNECTIONS: open connections the management server keeps at most;
 *                                 one more is closed at once
 * @param sseMaxStreams            SSE_MAX_STREAMS: event streams (the monitor's) one gateway serves at most; beyond,
 *                                 503 with Retry-After
 * @param sseMaxStreamsPerAddress  SSE_MAX_STREAMS_PER_ADDRESS: event streams one client address holds at most on one
 *                                 gateway; beyond, 429 with Retry-After
 */
public record ServerLimits(String managementHost, int managementMaxConnections, int sseMaxStreams,
                           int sseMaxStreamsPerAddress) {
}
