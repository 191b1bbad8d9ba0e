package io.storedash.monitor.push;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Seals a webhook's URL and signing secret for PostgreSQL with AES-256-GCM under PUSH_SECRET_KEY: a database dump or
 * a read replica shows neither the robots' keys and tokens nor the secrets that sign for them. The subscription's id
 * is the associated data, so a sealed value copied onto another subscription's row does not open there.
 */
final class SecretBox {

  /** What a sealed value starts with: the format, so that a later one (another key, for rotation) can be told apart. */
  static final String PREFIX = "v1:";
  private static final int NONCE_BYTES = 12;
  private static final int TAG_BITS = 128;

  private final SecretKeySpec key;
  private final SecureRandom random = new SecureRandom();

  SecretBox(byte[] key) {
    this.key = new SecretKeySpec(key.clone(), "AES");
  }

  String seal(String plain, String subscriptionId) {
    byte[] nonce = new byte[NONCE_BYTES];
    random.nextBytes(nonce);
    try {
      Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, subscriptionId);
      byte[] sealed = cipher.doFinal(plain.getBytes(StandardCharsets.UTF_8));
      return PREFIX + Base64.getEncoder().encodeToString(ByteBuffer.allocate(NONCE_BYTES + sealed.length)
        .put(nonce).put(sealed).array());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("AES-GCM is part of every JVM", e);
    }
  }

  /** @throws IllegalArgumentException when the value was not sealed by this key for this subscription */
  String open(String sealed, String subscriptionId) {
    if (sealed == null || !sealed.startsWith(PREFIX)) {
      throw new IllegalArgumentException("not a sealed value");
    }
    byte[] bytes = Base64.getDecoder().decode(sealed.substring(PREFIX.length()));
    if (bytes.length <= NONCE_BYTES) {
      throw new IllegalArgumentException("a sealed value too short to be one");
    }
    byte[] nonce = java.util.Arrays.copyOf(bytes, NONCE_BYTES);
    try {
      Cipher cipher = cipher(Cipher.DECRYPT_MODE, nonce, subscriptionId);
      return new String(cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES), StandardCharsets.UTF_8);
    } catch (GeneralSecurityException e) {
      // Never the value itself: it is a secret, and so is what a wrong key made of it.
      throw new IllegalArgumentException("the sealed value does not open with PUSH_SECRET_KEY (another key, or another row's)");
    }
  }

  private Cipher cipher(int mode, byte[] nonce, String subscriptionId) throws GeneralSecurityException {
    Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
    cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
    cipher.updateAAD(subscriptionId.getBytes(StandardCharsets.UTF_8));
    return cipher;
  }
}
