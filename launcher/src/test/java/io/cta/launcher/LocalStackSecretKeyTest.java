package io.cta.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The embedded default's secret key: generated once, readable by its owner only, kept. */
class LocalStackSecretKeyTest {

  @TempDir Path dir;

  private LocalStack stack() {
    return new LocalStack(
        new LocalStack.Settings(
            dir,
            dir.resolve("logs"),
            dir.resolve("secrets"),
            1,
            2,
            3,
            4,
            "memory",
            "a-test-admin-token-of-32-characters-at-least"));
  }

  @Test
  void givenNoKeyFile_whenTheStackNeedsIt_thenA32ByteKeyIsWrittenForItsOwnerOnlyAndKept()
      throws Exception {
    Path file = stack().secretKeyFile();
    String key = Files.readString(file);

    assertEquals(32, Base64.getDecoder().decode(key.strip()).length);
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals(key, Files.readString(stack().secretKeyFile()));
  }
}
