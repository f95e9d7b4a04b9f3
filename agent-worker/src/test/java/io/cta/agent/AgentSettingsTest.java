package io.cta.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentSettingsTest {

  @TempDir Path dir;

  @Test
  void givenFlagsEnvAndFile_whenLoading_thenFlagsWinOverEnvWhichWinsOverTheFile() throws Exception {
    Path config = dir.resolve("agent.properties");
    Files.writeString(
        config, "name=from-file\nslots=3\ngroup=a,b\nserver=http://file:1\nlocal-port=9000\n");
    Map<String, String> env =
        Map.of(
            "CTA_AGENT_CONFIG",
            config.toString(),
            "CTA_AGENT_SLOTS",
            "2",
            "CTA_AGENT_TOKEN",
            "t-env");

    AgentSettings settings =
        AgentSettings.load(
            new String[] {"--name", "lab-01", "--property", "os=linux", "--property=cores=8"}, env);

    assertEquals("lab-01", settings.name());
    assertEquals(2, settings.slots());
    assertEquals(List.of("a", "b"), settings.groups());
    assertEquals("http://file:1", settings.server());
    assertEquals(Map.of("os", "linux", "cores", "8"), settings.properties());
    assertEquals("t-env", settings.token());
    assertEquals(9000, settings.localPort());
    assertEquals(
        0,
        AgentSettings.load(new String[0], Map.of("CTA_AGENT_TOKEN", "t")).localPort(),
        "by default the system chooses the local port");
    assertEquals(java.time.Duration.ofSeconds(300), settings.drainTimeout(), "the default");
    assertEquals(
        java.time.Duration.ofSeconds(20),
        AgentSettings.load(
                new String[] {"--drain-timeout", "20"},
                Map.of("CTA_AGENT_TOKEN", "t", "CTA_AGENT_DRAIN_TIMEOUT", "60"))
            .drainTimeout());
    assertEquals(4L * 1024 * 1024, settings.batchMaxBytes(), "the default");
    assertEquals(
        256L * 1024,
        AgentSettings.load(
                new String[0], Map.of("CTA_AGENT_TOKEN", "t", "CTA_AGENT_BATCH_MAX_KB", "256"))
            .batchMaxBytes());
  }

  @Test
  void givenATokenFileFlagAndAnEnvToken_whenLoading_thenTheFlagWins() throws Exception {
    Path tokenFile = dir.resolve("token");
    Files.writeString(tokenFile, "t-file\n");

    AgentSettings settings =
        AgentSettings.load(
            new String[] {"--token-file", tokenFile.toString()},
            Map.of("CTA_AGENT_TOKEN", "t-env"));

    assertEquals("t-file", settings.token());
    assertTrue(
        !settings.toString().contains("t-file"), "the token never shows in the settings' text");
  }

  @Test
  void givenTokenFileDash_whenLoading_thenTheTokenIsReadFromStandardInputWhichIsThenClosed() {
    var closed = new java.util.concurrent.atomic.AtomicBoolean();
    var stdin =
        new java.io.ByteArrayInputStream("cta_from_stdin\n".getBytes()) {
          @Override
          public void close() {
            closed.set(true);
          }
        };

    AgentSettings settings =
        AgentSettings.load(new String[0], Map.of("CTA_AGENT_TOKEN_FILE", "-"), stdin);

    assertEquals("cta_from_stdin", settings.token());
    assertTrue(closed.get(), "stdin is closed once read: tests cannot reopen it through the agent");
    assertEquals(
        "token file -: standard input holds more than 4096 bytes",
        assertThrows(
                IllegalArgumentException.class,
                () ->
                    AgentSettings.load(
                        new String[] {"--token-file", "-"},
                        Map.of(),
                        new java.io.ByteArrayInputStream(new byte[5000])))
            .getMessage());
  }

  @Test
  void givenBadInput_whenLoading_thenTheMessageSaysWhatIsWrong() {
    Map<String, String> env = Map.of("CTA_AGENT_TOKEN", "t");
    assertEquals(
        "--slots: must be between 1 and 1024",
        assertThrows(
                IllegalArgumentException.class,
                () -> AgentSettings.load(new String[] {"--slots", "0"}, env))
            .getMessage());
    assertEquals(
        "--local-port: must be between 0 and 65535",
        assertThrows(
                IllegalArgumentException.class,
                () -> AgentSettings.load(new String[] {"--local-port", "70000"}, env))
            .getMessage());
    assertEquals(
        "--drain-timeout '5m': not a number",
        assertThrows(
                IllegalArgumentException.class,
                () -> AgentSettings.load(new String[] {"--drain-timeout", "5m"}, env))
            .getMessage());
    assertTrue(
        assertThrows(
                IllegalArgumentException.class,
                () -> AgentSettings.load(new String[] {"--colour", "red"}, env))
            .getMessage()
            .contains("unknown option --colour"));
    assertTrue(
        assertThrows(
                IllegalArgumentException.class, () -> AgentSettings.load(new String[] {}, Map.of()))
            .getMessage()
            .contains("no agent token"));
  }

  @Test
  void givenTwoAgentsInOneWorkDir_whenLoading_thenEachHasItsOwnBufferOfTheGivenSize() {
    Map<String, String> env = Map.of("CTA_AGENT_TOKEN", "t", "CTA_AGENT_BUFFER_MAX_MB", "64");
    String work = dir.toString();

    AgentSettings one = AgentSettings.load(new String[] {"--name", "one", "--work-dir", work}, env);
    AgentSettings two =
        AgentSettings.load(
            new String[] {"--name", "two", "--work-dir", work, "--buffer-max-mb", "1"}, env);

    assertEquals(dir.resolve(".cta-buffer").resolve("one"), one.bufferDir());
    assertEquals(dir.resolve(".cta-buffer").resolve("two"), two.bufferDir());
    assertEquals(64L * 1024 * 1024, one.bufferMaxBytes());
    assertEquals(1024 * 1024, two.bufferMaxBytes());
    assertEquals(
        512L * 1024 * 1024,
        AgentSettings.load(new String[0], Map.of("CTA_AGENT_TOKEN", "t")).bufferMaxBytes());
    IllegalArgumentException zero =
        assertThrows(
            IllegalArgumentException.class,
            () -> AgentSettings.load(new String[] {"--buffer-max-mb", "0"}, env));
    assertEquals("--buffer-max-mb: must be between 1 and 1048576", zero.getMessage());
  }
}
