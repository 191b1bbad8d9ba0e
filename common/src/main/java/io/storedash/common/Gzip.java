package io.storedash.common;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The one body encoding of cached results: cache-service compresses a result once when it stores it, the gateway
 * sends those bytes as they are to clients that accept gzip and decodes them only for clients that do not.
 */
public final class Gzip {

  private Gzip() {
  }

  public static byte[] compress(byte[] plain) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, plain.length / 4));
    try (GZIPOutputStream gzip = new GZIPOutputStream(out, 8192)) {
      gzip.write(plain);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  public static byte[] decompress(byte[] compressed) {
    try (GZIPInputStream gzip = new GZIPInputStream(new ByteArrayInputStream(compressed), 8192)) {
      return gzip.readAllBytes();
    } catch (IOException e) {
      throw new UncheckedIOException("not a gzip entry: " + e.getMessage(), e);
    }
  }
}
