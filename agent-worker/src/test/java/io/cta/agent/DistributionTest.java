package io.cta.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What ships next to the jar: the start script, its JVM flags and the systemd unit. */
class DistributionTest {

  private static final Path DIST = Path.of("src/main/dist").toAbsolutePath();

  @TempDir Path dir;

  @Test
  void givenTheSystemdUnit_whenVerifiedBySystemd_thenItIsAcceptedWithoutAWarning()
      throws Exception {
    assumeTrue(onPath("systemd-analyze"), "systemd-analyze is not installed here");
    // As installed: ExecStart names the start script, which must exist to be verified.
    String unit =
        Files.readString(DIST.resolve("cta-agent.service"))
            .replaceAll("(?m)^ExecStart=.*$", "ExecStart=" + DIST.resolve("cta-agent"));
    Path copy = Files.writeString(dir.resolve("cta-agent.service"), unit);

    Result verify = run(List.of("systemd-analyze", "verify", copy.toString()), List.of());

    assertEquals(0, verify.exit(), verify.output());
    assertEquals("", verify.output(), "no warnings");
  }

  @Test
  void givenTheSystemdUnit_whenStopping_thenItWaitsLongerThanTheDrainAndTheStopCommands()
      throws Exception {
    String unit = Files.readString(DIST.resolve("cta-agent.service"));

    long drain = Long.parseLong(value(unit, "Environment=CTA_AGENT_DRAIN_TIMEOUT"));
    long stopTimeout = Long.parseLong(value(unit, "TimeoutStopSec"));

    assertEquals(AgentSettings.DEFAULT_DRAIN_SECONDS, drain, "the documented default");
    assertTrue(
        stopTimeout > drain + AgentCore.STOP_GRACE.toSeconds(),
        "TimeoutStopSec " + stopTimeout + " leaves room for the drain and the stop commands");
    assertEquals("SIGTERM", value(unit, "KillSignal"));
    assertEquals("mixed", value(unit, "KillMode"), "SIGTERM reaches the agent, not its tests");
    assertEquals("on-failure", value(unit, "Restart"));
  }

  @Test
  void
      givenTheSystemdUnit_whenItStartsTheAgent_thenTheTokenComesOnStandardInputNotInTheEnvironment()
          throws Exception {
    String unit = Files.readString(DIST.resolve("cta-agent.service"));

    // systemd opens StandardInput=file: as root, before it switches to User=: the tests, running
    // as that user, can open neither the file nor /proc/<agent>/environ's token.
    assertEquals("file:/etc/cta-agent/agent-token", value(unit, "StandardInput"));
    assertEquals(
        "CTA_AGENT_TOKEN_FILE=" + AgentSettings.STDIN, value(unit, "Environment"), "first line");
    assertEquals("journal", value(unit, "StandardOutput"), "not the token file");
    assertTrue(
        unit.lines().noneMatch(line -> line.startsWith("LoadCredential")),
        "a credential is readable by the unit's user, so by its tests");
  }

  @Test
  void givenTheStartScript_whenTheAgentIsGivenAStandardInput_thenJavaReadsIt() throws Exception {
    assumeTrue(onPath("sh"), "no POSIX shell here");
    Path javaHome = dir.resolve("jdk");
    Path fakeJava = javaHome.resolve("bin").resolve("java");
    Files.createDirectories(fakeJava.getParent());
    Files.writeString(fakeJava, "#!/bin/sh\ncat\n");
    Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwx------"));
    Path jar = Files.createFile(dir.resolve("cta-agent.jar"));
    Path token = Files.writeString(dir.resolve("agent-token"), "cta_token_on_stdin\n");

    Result result =
        run(
            List.of(
                "sh",
                "-c",
                "exec sh \"$0\" < \"$1\"",
                DIST.resolve("cta-agent").toString(),
                token.toString()),
            List.of("JAVA_HOME=" + javaHome, "CTA_AGENT_JAR=" + jar));

    assertEquals(0, result.exit(), result.output());
    assertEquals("cta_token_on_stdin", result.output().trim(), "the script's exec keeps stdin");
  }

  @Test
  void givenTheStartScript_whenRun_thenItStartsJavaWithTheShippedFlagsThenTheExtraOnesThenTheJar()
      throws Exception {
    assumeTrue(onPath("sh"), "no POSIX shell here");
    Path javaHome = dir.resolve("jdk");
    Path fakeJava = javaHome.resolve("bin").resolve("java");
    Files.createDirectories(fakeJava.getParent());
    Files.writeString(fakeJava, "#!/bin/sh\necho \"$@\"\n");
    Files.setPosixFilePermissions(fakeJava, PosixFilePermissions.fromString("rwx------"));
    Path jar = Files.createFile(dir.resolve("cta-agent.jar"));

    Result result =
        run(
            List.of("sh", DIST.resolve("cta-agent").toString(), "--name", "lab-01"),
            List.of(
                "JAVA_HOME=" + javaHome,
                "CTA_AGENT_JAR=" + jar,
                "CTA_AGENT_JAVA_OPTS=-Xmx256m -Dx=1"));

    assertEquals(0, result.exit(), result.output());
    assertEquals(
        "@"
            + DIST.resolve("cta-agent.jvm-options")
            + " -Xmx256m -Dx=1 -jar "
            + jar
            + " --name lab-01",
        result.output().trim());
  }

  @Test
  void givenTheShippedJvmFlags_whenAThreadRunsOutOfMemory_thenTheJvmExitsAsAFailureSystemdRestarts()
      throws Exception {
    // A thread dying of OutOfMemoryError would leave a half-working agent running: the JVM must
    // exit
    // with a status that is not a clean stop, so Restart=on-failure starts it again.
    Path program =
        Files.writeString(
            dir.resolve("Hog.java"),
            """
            public class Hog {
              public static void main(String[] args) throws Exception {
                Thread hog = new Thread(() -> {
                  java.util.List<long[]> kept = new java.util.ArrayList<>();
                  while (true) {
                    kept.add(new long[1 << 20]);
                  }
                });
                hog.start();
                hog.join();
                System.exit(0);
              }
            }
            """);
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String unit = Files.readString(DIST.resolve("cta-agent.service"));

    Result result =
        run(
            List.of(java, "@" + DIST.resolve("cta-agent.jvm-options"), program.toString()),
            List.of());

    assertTrue(result.exit() != 0, "exit " + result.exit() + ": " + result.output());
    assertTrue(
        !List.of(value(unit, "SuccessExitStatus").split("\\s+"))
            .contains(Integer.toString(result.exit())),
        "exit " + result.exit() + " counts as a failure");
    assertEquals("on-failure", value(unit, "Restart"));
  }

  private static String value(String unit, String key) {
    return unit.lines()
        .filter(line -> line.startsWith(key + "="))
        .map(line -> line.substring(key.length() + 1).trim())
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + key + " in the unit"));
  }

  private record Result(int exit, String output) {}

  private static Result run(List<String> command, List<String> env)
      throws IOException, InterruptedException {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    for (String pair : env) {
      int eq = pair.indexOf('=');
      builder.environment().put(pair.substring(0, eq), pair.substring(eq + 1));
    }
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(process.waitFor(60, TimeUnit.SECONDS), "ended");
    return new Result(process.exitValue(), output);
  }

  private static boolean onPath(String program) {
    String path = System.getenv("PATH");
    return path != null
        && java.util.Arrays.stream(path.split(java.io.File.pathSeparator))
            .anyMatch(d -> Files.isExecutable(Path.of(d, program)));
  }
}
