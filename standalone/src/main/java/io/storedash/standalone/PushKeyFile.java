package io.storedash.standalone;

import io.storedash.common.config.StoreDashConfig;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The standalone's push key (docs/DESIGN.md §14.2) when PUSH_SECRET_KEY is not set: 32 random bytes made at the
 * first start into {@value #FILE} in the data directory (readable by this user only), and read at every start after,
 * so the webhooks sealed under it open again. It goes with the database: a backup restored elsewhere needs it too.
 */
final class PushKeyFile {

  static final String FILE = "push-secret.key";

  private PushKeyFile() {
  }

  static StoreDashConfig apply(StoreDashConfig config, Path dataDir) throws IOException {
    if (config.push().secretKey().isPresent()) {
      return config;
    }
    Path file = dataDir.resolve(FILE);
    if (!Files.exists(file)) {
      byte[] key = new byte[32];
      new SecureRandom().nextBytes(key);
      Files.createDirectories(dataDir);
      boolean posix = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
      // Written beside it and moved into place: a start killed half-way never leaves half a key.
      Path written = posix ? Files.createTempFile(dataDir, ".push-key", ".tmp",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
        : Files.createTempFile(dataDir, ".push-key", ".tmp");
      Files.writeString(written, Base64.getEncoder().encodeToString(key) + "\n", StandardCharsets.UTF_8);
      Files.move(written, file, StandardCopyOption.ATOMIC_MOVE);
    }
    byte[] key = Base64.getDecoder().decode(Files.readString(file, StandardCharsets.UTF_8).trim());
    if (key.length != 32) {
      throw new IOException(file + " does not hold a 32-byte key in base64; set PUSH_SECRET_KEY or restore the file");
    }
    return config.withPushKey(key);
  }
}
