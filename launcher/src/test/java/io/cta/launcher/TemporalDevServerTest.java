package io.cta.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TemporalDevServerTest {

  @TempDir Path dir;

  private Path executable(Path path) throws Exception {
    Files.createDirectories(path.getParent());
    Files.writeString(path, "#!/bin/sh\n");
    Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rwx------"));
    return path;
  }

  @Test
  void givenTemporalOnThePath_whenLookingForTheBinary_thenItIsFound() throws Exception {
    Path binary = executable(dir.resolve("bin/temporal"));

    assertEquals(
        binary,
        TemporalDevServer.findBinary(
            Map.of("PATH", dir.resolve("none") + ":" + binary.getParent())));
  }

  @Test
  void givenCtaTemporalBinNamingAMissingFile_whenLookingForTheBinary_thenNoneIsFoundNoFallback()
      throws Exception {
    executable(dir.resolve("bin/temporal"));

    assertNull(
        TemporalDevServer.findBinary(
            Map.of(
                "CTA_TEMPORAL_BIN", dir.resolve("missing").toString(),
                "PATH", dir.resolve("bin").toString())));
  }

  @Test
  void givenTheVersionPinnedForCi_whenTheLauncherSaysHowToGetTheBinary_thenItNamesTheSame()
      throws Exception {
    assertTrue(
        TemporalDevServer.HOW_TO_GET_IT.contains(
            "go install github.com/temporalio/cli/cmd/temporal@"
                + Files.readString(Path.of("../.ci/temporal-cli.version")).strip()),
        "the launcher and .ci/run name the same version");
  }
}
