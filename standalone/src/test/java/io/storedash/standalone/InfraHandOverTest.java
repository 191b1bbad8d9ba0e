package io.storedash.standalone;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/** What {@code --infra-only} hands to the service JVMs: the URLs, with the embedded Redis's password, to its user only. */
class InfraHandOverTest {

  private static final String PG = "postgresql://postgres@127.0.0.1:5432/storedash";
  private static final String REDIS = "redis://storedash:0123abcd@127.0.0.1:6379";

  @Test
  void theEnvFileHasThePasswordAndOnlyItsOwnerCanReadItWhileTheOutputHidesIt(@TempDir Path dir) throws Exception {
    Path env = dir.resolve("storage.env");
    Files.writeString(env, "left from an earlier run");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Standalone.handOver(PG, REDIS, env, new PrintStream(out, true, StandardCharsets.UTF_8));
    assertThat(Files.readString(env)).isEqualTo("PG_URL=" + PG + "\nREDIS_URL=" + REDIS + "\n");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(env))).isEqualTo("rw-------");
    String printed = out.toString(StandardCharsets.UTF_8);
    assertThat(printed).contains("PG_URL=" + PG, "REDIS_URL=redis://storedash:***@127.0.0.1:6379", env.toString())
      .doesNotContain("0123abcd");
  }

  @Test
  void withoutAnEnvFileTheOutputIsTheHandOver() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Standalone.handOver(PG, REDIS, null, new PrintStream(out, true, StandardCharsets.UTF_8));
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("PG_URL=" + PG + "\nREDIS_URL=" + REDIS + "\n");
  }
}
