package io.storedash.common.security;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The keys a cluster's members share, each derived from CLUSTER_SECRET for one purpose (HMAC-SHA256 of the purpose's
 * name under the secret), so that a key that leaks from one use (a cache entry's MAC, say) does not open another
 * (the member handshake). docs/DESIGN.md §11.
 */
public final class ClusterKeys {

  /** The Hazelcast member handshake (every member-to-member connection). */
  public static final String MEMBER_HANDSHAKE = "storedash/member-handshake/v1";
  /** Signatures on event-bus messages that change state. */
  public static final String MESSAGE_SIGNATURE = "storedash/message-signature/v1";
  /** MACs on cache entries in Redis. */
  public static final String CACHE_ENTRY = "storedash/cache-entry/v1";

  private static final String HMAC = "HmacSHA256";

  private final byte[] secret;

  private ClusterKeys(byte[] secret) {
    this.secret = secret;
  }

  /** Keys from CLUSTER_SECRET (validated by the configuration: at least 32 characters). */
  public static ClusterKeys of(String secret) {
    return new ClusterKeys(secret.getBytes(StandardCharsets.UTF_8));
  }

  /** Keys from a random secret: a process that shares nothing with another (the standalone without CLUSTER_SECRET). */
  public static ClusterKeys random() {
    byte[] secret = new byte[32];
    new SecureRandom().nextBytes(secret);
    return new ClusterKeys(HexFormat.of().formatHex(secret).getBytes(StandardCharsets.US_ASCII));
  }

  /** The 32-byte key for {@code purpose}. */
  public byte[] derive(String purpose) {
    return hmac(secret, purpose.getBytes(StandardCharsets.UTF_8));
  }

  /** A new HMAC-SHA256 keyed for {@code purpose} (a {@link Mac} is not thread-safe: one per use or per thread). */
  public Mac mac(String purpose) {
    return newMac(derive(purpose));
  }

  /** HMAC-SHA256 of {@code data} under {@code key}. */
  public static byte[] hmac(byte[] key, byte[] data) {
    return newMac(key).doFinal(data);
  }

  /** Compares two MACs in time that does not depend on where they differ. */
  public static boolean same(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }

  /** {@code key} as an HMAC-SHA256 key, made once and kept by whoever makes MACs with it often. */
  public static SecretKeySpec hmacKey(byte[] key) {
    return new SecretKeySpec(key, HMAC);
  }

  private static Mac newMac(byte[] key) {
    return newMac(hmacKey(key));
  }

  /** A new HMAC-SHA256 under {@code key} (one per use or per thread: a {@link Mac} is not thread-safe). */
  public static Mac newMac(SecretKeySpec key) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }

  @Override
  public String toString() {
    return "ClusterKeys[***]";
  }
}
