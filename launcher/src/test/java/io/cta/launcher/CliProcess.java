package io.cta.launcher;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code cli/src/main/dist/cta} script as a subprocess, as a CI job would: without a
 * terminal, with the connection in its environment and a home directory of its own (no contexts).
 */
final class CliProcess {

  /** How a finished command went: its exit code and its output, line by line. */
  record Result(int code, List<String> out, List<String> err) {
    String outText() {
      return String.join("\n", out);
    }

    String errText() {
      return String.join("\n", err);
    }

    @Override
    public String toString() {
      return "exit " + code + "\nstdout:\n" + outText() + "\nstderr:\n" + errText();
    }
  }

  private final Process process;
  private final Path out;
  private final Path err;

  private CliProcess(Process process, Path out, Path err) {
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /** Starts {@code cta args…} against this api with this token (null: no token at all). */
  static CliProcess start(Path sourceTree, String apiUrl, String token, String... args)
      throws IOException {
    Path dir = Files.createTempDirectory("cta-cli");
    List<String> command = new ArrayList<>();
    command.add(sourceTree.resolve("cli/src/main/dist/cta").toString());
    command.addAll(List.of(args));
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .directory(dir.toFile())
            .redirectOutput(dir.resolve("stdout").toFile())
            .redirectError(dir.resolve("stderr").toFile())
            .redirectInput(ProcessBuilder.Redirect.from(nullDevice()));
    Map<String, String> env = builder.environment();
    env.keySet().removeIf(k -> k.startsWith("CTA_"));
    env.put("HOME", dir.toString());
    env.remove("XDG_CONFIG_HOME");
    env.put("CTA_API_URL", apiUrl);
    if (token != null) {
      env.put("CTA_TOKEN", token);
    }
    return new CliProcess(builder.start(), dir.resolve("stdout"), dir.resolve("stderr"));
  }

  static Result run(Path sourceTree, String apiUrl, String token, Duration timeout, String... args)
      throws Exception {
    return start(sourceTree, apiUrl, token, args).await(timeout);
  }

  private static java.io.File nullDevice() {
    return new java.io.File("/dev/null");
  }

  /** Its standard output so far. */
  String outSoFar() throws IOException {
    return Files.readString(out, StandardCharsets.UTF_8);
  }

  Result await(Duration timeout) throws Exception {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(
          "cta did not end within "
              + timeout
              + "\nstdout:\n"
              + outSoFar()
              + "\nstderr:\n"
              + Files.readString(err));
    }
    return new Result(
        process.exitValue(),
        Files.readAllLines(out, StandardCharsets.UTF_8),
        Files.readAllLines(err, StandardCharsets.UTF_8));
  }
}
