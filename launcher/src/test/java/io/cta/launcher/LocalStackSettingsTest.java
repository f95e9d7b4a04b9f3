package io.cta.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
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
}
