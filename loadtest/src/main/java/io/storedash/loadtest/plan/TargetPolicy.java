package io.storedash.loadtest.plan;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Keeps the tool from loading machines by accident: only loopback targets (127.0.0.0/8, {@code localhost}, ::1)
 * are allowed unless the operator says {@code --allow-remote}. Host names other than {@code localhost} are refused
 * without a DNS lookup, so a name that happens to resolve to a remote machine cannot slip through.
 */
public final class TargetPolicy {

  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");

  private TargetPolicy() {
  }

  /** Why the target is refused, or empty when it may be loaded. */
  public static Optional<String> refusal(URI target, boolean allowRemote) {
    String scheme = target.getScheme();
    if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
      return Optional.of("target " + target + " must be an http:// or https:// URL");
    }
    String host = target.getHost();
    if (host == null || host.isEmpty()) {
      return Optional.of("target " + target + " names no host");
    }
    if (allowRemote || isLoopback(host)) {
      return Optional.empty();
    }
    return Optional.of("target host " + host + " is not loopback (127.0.0.0/8, localhost, ::1); "
      + "add --allow-remote to load another machine on purpose");
  }

  static boolean isLoopback(String host) {
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    if (h.equalsIgnoreCase("localhost")) {
      return true;
    }
    boolean ipv4 = IPV4.matcher(h).matches();
    if (!ipv4 && !h.contains(":")) {
      return false;
    }
    if (ipv4) {
      for (String octet : h.split("\\.")) {
        if (Integer.parseInt(octet) > 255) {
          return false;
        }
      }
    }
    try {
      // A literal address: getByName parses it without any lookup.
      return InetAddress.getByName(h).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
