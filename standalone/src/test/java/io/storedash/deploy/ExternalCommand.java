package io.storedash.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a command-line tool the deployment checks need (kubectl, docker-compose) and captures what it printed. A
 * missing tool fails with a message that says where CI installs it, rather than skipping: a check that silently
 * does not run is worse than none.
 */
final class ExternalCommand {

  /** What a finished command printed and returned. */
  record Result(List<String> command, int exitCode, String stdout, String stderr) {

    /** The standard output, or an assertion error with everything the command said. */
    String stdoutOrFail() {
      if (exitCode != 0) {
        throw new AssertionError(String.join(" ", command) + " exited with " + exitCode + ":\n" + stderr + stdout);
      }
      return stdout;
    }
  }

  private ExternalCommand() {
  }

  /**
   * Fails unless {@code tool} is on the PATH.
   *
   * @param install how a machine gets it, for the message
   */
  static void requireOnPath(String tool, String install) {
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return;
      }
    }
    throw new AssertionError(tool + " is not on the PATH, and the deployment checks need it. " + install
      + " (.ci/run installs it when missing).");
  }

  /**
   * @param env variables to set ({@code null} value: remove) on top of this process's environment
   */
  static Result run(List<String> command, Path workingDir, Map<String, String> env, Duration timeout) {
    try {
      Path out = Files.createTempFile("storedash-cmd", ".out");
      Path err = Files.createTempFile("storedash-cmd", ".err");
      try {
        ProcessBuilder builder = new ProcessBuilder(command).directory(workingDir.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
          .redirectOutput(out.toFile()).redirectError(err.toFile());
        env.forEach((name, value) -> {
          if (value == null) {
            builder.environment().remove(name);
          } else {
            builder.environment().put(name, value);
          }
        });
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroyForcibly();
          throw new AssertionError(String.join(" ", command) + " did not finish within " + timeout.toSeconds() + " s");
        }
        return new Result(new ArrayList<>(command), process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
      } finally {
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot run " + String.join(" ", command), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while running " + String.join(" ", command), e);
    }
  }

  /** The repository's root: the nearest directory up from the working directory that holds deploy/k8s. */
  static Path repositoryRoot() {
    String configured = System.getProperty("storedash.root");
    if (configured != null && Files.isDirectory(Path.of(configured, "deploy", "k8s"))) {
      return Path.of(configured).toAbsolutePath().normalize();
    }
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      if (Files.isDirectory(dir.resolve("deploy/k8s")) && Files.isRegularFile(dir.resolve("docker-compose.yml"))) {
        return dir;
      }
    }
    throw new AssertionError("cannot find the repository root (a directory with deploy/k8s and docker-compose.yml) above "
      + Path.of("").toAbsolutePath());
  }
}
