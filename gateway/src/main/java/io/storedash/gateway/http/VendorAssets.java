package io.storedash.gateway.http;

import io.storedash.common.Gzip;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Properties;

/**
 * Apache ECharts from its WebJar, at a version-free URL ({@code /vendor/echarts.min.js}). The gateway's HTTP
 * compression is off (cached answers travel as the gzip bytes cache-service stored), so this 1 MB script is
 * compressed here once, at start-up, to about a third, and revalidated by its ETag.
 */
public final class VendorAssets {

  public static final String ECHARTS_PATH = "/vendor/echarts.min.js";
  private static final String WEBJAR = "META-INF/resources/webjars/echarts/";
  private static final String POM = "META-INF/maven/org.webjars.npm/echarts/pom.properties";

  private final String echartsVersion;
  private final Buffer plain;
  private final Buffer gzip;
  private final String etag;

  private VendorAssets(String echartsVersion, byte[] script) {
    this.echartsVersion = echartsVersion;
    this.plain = Buffer.buffer(script);
    this.gzip = Buffer.buffer(Gzip.compress(script));
    this.etag = "\"" + sha256(script).substring(0, 32) + "\"";
  }

  /** Reads and compresses the script: blocking, call it off the event loop. */
  public static VendorAssets load() {
    ClassLoader loader = VendorAssets.class.getClassLoader();
    Properties pom = new Properties();
    try (InputStream in = loader.getResourceAsStream(POM)) {
      if (in == null) {
        throw new IllegalStateException("the ECharts WebJar is not on the class path (" + POM + ")");
      }
      pom.load(in);
      String version = pom.getProperty("version");
      try (InputStream script = loader.getResourceAsStream(WEBJAR + version + "/dist/echarts.min.js")) {
        if (script == null) {
          throw new IllegalStateException("the ECharts WebJar " + version + " has no dist/echarts.min.js");
        }
        return new VendorAssets(version, script.readAllBytes());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the ECharts WebJar", e);
    }
  }

  public String echartsVersion() {
    return echartsVersion;
  }

  public void echarts(RoutingContext rc) {
    rc.response()
      .putHeader("Content-Type", "text/javascript; charset=utf-8")
      .putHeader("Cache-Control", "public, max-age=86400")
      .putHeader("ETag", etag)
      .putHeader("Vary", "Accept-Encoding");
    String ifNoneMatch = rc.request().getHeader("If-None-Match");
    if (ContentNegotiation.matches(ifNoneMatch, etag)) {
      rc.response().setStatusCode(304).end();
    } else if (ContentNegotiation.acceptsGzip(rc.request().getHeader("Accept-Encoding"))) {
      rc.response().putHeader("Content-Encoding", "gzip").end(gzip);
    } else {
      rc.response().end(plain);
    }
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
