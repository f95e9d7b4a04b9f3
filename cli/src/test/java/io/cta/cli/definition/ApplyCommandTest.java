package io.cta.cli.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cta.cli.Cli;
import io.cta.cli.CtaMain;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Documents {@code cta apply} refuses before it calls the api (nothing listens on port 1). */
class ApplyCommandTest {

  @TempDir Path dir;

  private String refused(String yaml) throws Exception {
    Path file = dir.resolve("d.yaml");
    Files.writeString(file, yaml);
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Cli cli =
        new Cli(
            Map.of("CTA_API_URL", "http://127.0.0.1:1", "CTA_TOKEN", "t"),
            new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            new ByteArrayInputStream(new byte[0]),
            () -> null,
            dir);
    assertEquals(2, CtaMain.execute(cli, "apply", "-f", file.toString()));
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void givenBadDocuments_whenApplied_thenEachIsRefusedAsAUsageErrorSayingWhere() throws Exception {
    assertTrue(refused("kind: Robot\nname: r\n").contains("(document 1): kind must be Suite"));
    assertTrue(refused("kind: Suite\n").contains("name: expected a non-empty string"));
    assertTrue(
        refused("kind: Suite\nname: a\n---\nkind: Suite\nname: a\n")
            .contains("(document 2): suite 'a' is given twice"));
    assertTrue(refused("kind: Suite\nname: [unclosed\n").contains("not valid YAML or JSON"));
    assertTrue(refused("- a\n- b\n").contains("expected a mapping"));
    assertTrue(refused("").contains("no documents found"));
  }
}
