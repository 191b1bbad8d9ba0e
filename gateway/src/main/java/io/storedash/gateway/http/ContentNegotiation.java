package io.storedash.gateway.http;

import java.util.Locale;

/** The two request headers the hot path reads: Accept-Encoding and If-None-Match. */
public final class ContentNegotiation {

  private ContentNegotiation() {
  }

  /** If-None-Match may list several tags, or {@code *}; weak comparison, as RFC 9110 asks for GET. */
  public static boolean matches(String ifNoneMatch, String etag) {
    if (ifNoneMatch == null || etag == null) {
      return false;
    }
    String opaque = etag.startsWith("W/") ? etag.substring(2) : etag;
    for (String candidate : ifNoneMatch.split(",")) {
      String c = candidate.trim();
      if (c.equals("*") || (c.startsWith("W/") ? c.substring(2) : c).equals(opaque)) {
        return true;
      }
    }
    return false;
  }

  public static boolean acceptsGzip(String acceptEncoding) {
    if (acceptEncoding == null) {
      return false;
    }
    for (String part : acceptEncoding.toLowerCase(Locale.ROOT).split(",")) {
      String[] coding = part.trim().split(";");
      if (coding[0].trim().equals("gzip") || coding[0].trim().equals("*")) {
        return !(coding.length > 1 && coding[1].replace(" ", "").matches("q=0(\\.0*)?"));
      }
    }
    return false;
  }
}
