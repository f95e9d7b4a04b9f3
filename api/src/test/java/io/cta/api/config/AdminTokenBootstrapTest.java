package io.cta.api.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cta.server.config.CtaServerProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bootstrap admin token's length rule, checked before the api installs the token. */
class AdminTokenBootstrapTest {

  @TempDir Path dir;

  private CtaServerProperties properties(String adminToken) {
    return new CtaServerProperties(null, adminToken, dir.resolve("admin-token"), null, null);
  }

  @Test
  void givenAnAdminTokenOf31Characters_whenTheApiStarts_thenItIsRefusedWithoutShowingTheToken() {
    String shortToken = "x".repeat(31);

    IllegalArgumentException refused =
        assertThrows(
            IllegalArgumentException.class,
            () -> new AdminTokenBootstrap(null, properties("  " + shortToken + "\n")));

    assertEquals(
        "CTA_ADMIN_TOKEN (cta.admin-token) is too short: an admin token needs at least 32"
            + " characters, this one has 31; generate one with: openssl rand -base64 32",
        refused.getMessage());
    assertFalse(refused.getMessage().contains(shortToken));
  }

  @Test
  void givenAShortTokenInTheAdminTokenFile_whenTheApiStarts_thenItIsRefusedNamingTheFile()
      throws Exception {
    Files.writeString(dir.resolve("admin-token"), "short-but-typed-by-hand\n");
    AdminTokenBootstrap bootstrap = new AdminTokenBootstrap(null, properties(""));

    IllegalArgumentException refused =
        assertThrows(IllegalArgumentException.class, () -> bootstrap.run(null));

    assertEquals(
        "the admin token in "
            + dir.resolve("admin-token")
            + " is too short: an admin token needs at least 32 characters, this one has 23;"
            + " generate one with: openssl rand -base64 32",
        refused.getMessage());
  }
}
