package io.storedash.monitor.push;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Set;

/**
 * The guard against server-side request forgery: a webhook may only be an https URL on its platform's own hosts, or on
 * a host the operator listed in PUSH_ALLOWED_HOSTS (the generic webhook has no platform host, so only those). A
 * loopback host of that list may be plain http (a receiver beside StoreDash, and the tests'). No user info, no
 * fragment; redirects are never followed ({@link Sender}), so the checked host is the one that is called.
 *
 * @param uri the URL as given
 */
record WebhookUrl(URI uri) {

  private static final int MAX_LENGTH = 2048;

  /** @throws IllegalArgumentException saying what is wrong, without the URL (it holds the robot's key) */
  static WebhookUrl check(Platform platform, String url, Set<String> allowedHosts) {
    if (url == null || url.isBlank() || url.length() > MAX_LENGTH) {
      throw new IllegalArgumentException("webhook must be a URL of at most " + MAX_LENGTH + " characters");
    }
    URI uri;
    try {
      uri = new URI(url.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("webhook is not a valid URL");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    String host = uri.getHost() == null ? "" : uri.getHost().toLowerCase(Locale.ROOT);
    if (host.isEmpty() || uri.getRawUserInfo() != null || uri.getRawFragment() != null || !uri.isAbsolute()) {
      throw new IllegalArgumentException("webhook must be an absolute URL with a host, no user name and no fragment");
    }
    boolean platformHost = platform.hosts().contains(host);
    boolean listed = allowedHosts.contains(host);
    if (!platformHost && !listed) {
      throw new IllegalArgumentException("webhook host " + host + " is not " + (platform.hosts().isEmpty()
        ? "in PUSH_ALLOWED_HOSTS" : "one of " + platform.hosts() + " nor in PUSH_ALLOWED_HOSTS"));
    }
    boolean plainAllowed = listed && loopback(host);
    if (!scheme.equals("https") && !(scheme.equals("http") && plainAllowed)) {
      throw new IllegalArgumentException("webhook must be https (plain http only to a loopback host of PUSH_ALLOWED_HOSTS)");
    }
    return new WebhookUrl(uri);
  }

  private static boolean loopback(String host) {
    return host.equals("localhost") || host.equals("[::1]") || host.matches("127\\.[0-9]{1,3}\\.[0-9]{1,3}\\.[0-9]{1,3}");
  }

  String host() {
    return uri.getHost().toLowerCase(Locale.ROOT);
  }
}
