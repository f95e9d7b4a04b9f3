package io.cta.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the launcher checks before it starts anything. */
class LocalStackSettingsTest {

  private static LocalStack.Settings settings(String adminToken) {
    Path dir = Path.of("target");
    return new LocalStack.Settings(dir, dir, dir, 1, 2, 3, 4, "memory", adminToken);
  }

  @Test
  void givenAShortAdminToken_whenTheLauncherIsConfigured_thenItRefusesBeforeStartingAnything() {
    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> settings("x".repeat(31)));

    assertEquals(
        "the admin token (CTA_ADMIN_TOKEN, else the admin-token file) is too short: it needs at"
            + " least 32 characters, this one has 31; generate one with: openssl rand -base64 32",
        refused.getMessage());
    assertEquals(32, settings("x".repeat(32)).adminToken().length(), "32 is enough");
  }

  @Test
  void
      givenTheJavaTestServer_whenTheConsumerStarts_thenItRunsWithoutStickyCacheAndTheApiWithoutUi() {
    LocalStack stack = new LocalStack(settings("x".repeat(32)));

    assertEquals("0", stack.consumerEnv(2).get("CTA_CONSUMER_WORKFLOW_CACHE_SIZE"));
    assertFalse(stack.apiEnv().containsKey("CTA_TEMPORAL_UI_URL"));
    assertEquals("127.0.0.1:3", stack.consumerEnv(2).get("CTA_TEMPORAL_TARGET"));
  }

  @Test
  void givenTheDevServer_whenTheConsumerStarts_thenItKeepsItsStickyCacheAndTheApiLinksTheUi() {
    Path dir = Path.of("target");
    TemporalDevServer dev = new TemporalDevServer(Path.of("/bin/true"), dir.resolve("t.db"), 5);
    LocalStack stack =
        new LocalStack(
            new LocalStack.Settings(dir, dir, dir, 1, 2, 3, 4, "memory", "x".repeat(32), dev));

    assertFalse(stack.consumerEnv(2).containsKey("CTA_CONSUMER_WORKFLOW_CACHE_SIZE"));
    assertEquals("http://127.0.0.1:5", stack.apiEnv().get("CTA_TEMPORAL_UI_URL"));
    assertEquals(
        List.of(
            "/bin/true",
            "server",
            "start-dev",
            "--ip",
            "127.0.0.1",
            "--port",
            "3",
            "--ui-ip",
            "127.0.0.1",
            "--ui-port",
            "5",
            "--db-filename",
            dir.resolve("t.db").toString(),
            "--log-level",
            "error"),
        dev.command(3));
  }
}
