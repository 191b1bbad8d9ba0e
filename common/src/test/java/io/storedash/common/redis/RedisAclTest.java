package io.storedash.common.redis;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class RedisAclTest {

  @Test
  void theRulesAllowTheListedCommandsOnly() {
    assertThat(RedisAcl.rules("pw")).startsWith("on >pw ~* resetchannels -@all +hello +auth +ping +select +get +set ")
      .endsWith(" +asking +readonly").doesNotContain("flush", "keys", "+config ", "eval", "@all +@");
  }

  /** What OPERATIONS.md tells an operator to run is the list the code needs (and the embedded Redis allows). */
  @Test
  void theOperationsGuideShowsTheSameAclUser() throws Exception {
    Path guide = Path.of("..", "docs", "OPERATIONS.md");
    assertThat(Files.readString(guide)).contains(RedisAcl.setUser("<password>"));
  }
}
