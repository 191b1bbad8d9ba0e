package io.storedash.gateway.live;

import java.util.HashMap;
import java.util.Map;

/**
 * How many event streams one gateway holds open: at most {@code max} in all (SSE_MAX_STREAMS) and at most
 * {@code maxPerAddress} from one client address (SSE_MAX_STREAMS_PER_ADDRESS). Every stream holds a connection and a
 * file descriptor for as long as its page is open, so without a cap 20,000 of them took every descriptor the gateway
 * had and its probes timed out. The per-address cap is checked first, so one client that opens streams in a loop is
 * told it is the one asking too much (429) before the gateway as a whole is full (503). Plain counting, confined to
 * the gateway's event loop like the streams themselves.
 */
final class StreamLimits {

  /** What a new stream gets. */
  enum Verdict { OPEN, ADDRESS_FULL, GATEWAY_FULL }

  /** Counted under this key when a request has no remote address (never over TCP; kept for safety). */
  static final String UNKNOWN_ADDRESS = "unknown";

  private final int max;
  private final int maxPerAddress;
  private final Map<String, Integer> byAddress = new HashMap<>();
  private int open;

  StreamLimits(int max, int maxPerAddress) {
    this.max = max;
    this.maxPerAddress = maxPerAddress;
  }

  /** What a new stream from {@code address} would get now; nothing is counted. */
  Verdict check(String address) {
    if (byAddress.getOrDefault(address == null ? UNKNOWN_ADDRESS : address, 0) >= maxPerAddress) {
      return Verdict.ADDRESS_FULL;
    }
    return open >= max ? Verdict.GATEWAY_FULL : Verdict.OPEN;
  }

  /** Counts a new stream from {@code address} if both caps allow it. */
  Verdict admit(String address) {
    Verdict verdict = check(address);
    if (verdict == Verdict.OPEN) {
      byAddress.merge(address == null ? UNKNOWN_ADDRESS : address, 1, Integer::sum);
      open++;
    }
    return verdict;
  }

  /** A stream admitted from {@code address} has closed; call once per admitted stream. */
  void release(String address) {
    String key = address == null ? UNKNOWN_ADDRESS : address;
    Integer fromAddress = byAddress.get(key);
    if (fromAddress == null) {
      throw new IllegalStateException("no open stream from " + key + " to release");
    }
    if (fromAddress == 1) {
      byAddress.remove(key);
    } else {
      byAddress.put(key, fromAddress - 1);
    }
    open--;
  }

  int open() {
    return open;
  }

  /** Addresses with at least one open stream. */
  int addresses() {
    return byAddress.size();
  }

  int max() {
    return max;
  }

  int maxPerAddress() {
    return maxPerAddress;
  }
}
