package io.storedash.standalone;

import io.storedash.common.config.ConfigLoader;
import io.storedash.common.config.StoreDashConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The standalone's push key: made once in the data directory, private, the same at every start; PUSH_SECRET_KEY wins. */
class PushKeyFileTest {

  @Test
  void theKeyIsMadeOnceKeptPrivateAndReadAgain(@TempDir Path dataDir) throws Exception {
    StoreDashConfig config = ConfigLoader.load(Map.of());
    byte[] first = PushKeyFile.apply(config, dataDir).push().secretKey().orElseThrow();
    byte[] again = PushKeyFile.apply(config, dataDir).push().secretKey().orElseThrow();
    assertThat(first).hasSize(32).isEqualTo(again);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir.resolve(PushKeyFile.FILE)))).isEqualTo("rw-------");
    assertThat(config.withPushKey(first).toString()).doesNotContain(Base64.getEncoder().encodeToString(first));
  }

  @Test
  void aConfiguredKeyWinsAndNoFileIsMade(@TempDir Path dataDir) throws Exception {
    String key = Base64.getEncoder().encodeToString(new byte[32]);
    StoreDashConfig config = PushKeyFile.apply(ConfigLoader.load(Map.of("PUSH_SECRET_KEY", key)), dataDir);
    assertThat(config.push().secretKey().orElseThrow()).isEqualTo(new byte[32]);
    assertThat(dataDir.resolve(PushKeyFile.FILE)).doesNotExist();
  }
}
