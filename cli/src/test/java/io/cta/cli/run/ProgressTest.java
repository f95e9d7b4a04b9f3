package io.cta.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cta.cli.Screen;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.jline.terminal.Terminal;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The progress of {@code cta run --wait}: a bar redrawn by JLine on a terminal (read back through
 * {@link Screen}), lines per change else.
 */
class ProgressTest {

  private static final JsonMapper JSON = JsonMapper.builder().build();
  private static final String PREFIX = "execution e1 #7 ";

  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream err = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  private static JsonNode execution(String state, int ok, int done, String... running) {
    StringBuilder tests = new StringBuilder();
    for (String test : running) {
      String[] at = test.split("@");
      tests
          .append(tests.isEmpty() ? "" : ",")
          .append("{\"testId\":\"")
          .append(at[0])
          .append("\",\"machine\":\"")
          .append(at[1])
          .append("\",\"attempt\":1,\"since\":\"2026-01-01T10:00:00Z\"}");
    }
    String live =
        state.equals("running")
            ? ",\"running\":[" + tests + "],\"progress\":{\"tests\":10,\"done\":" + done + "}"
            : ",\"result\":\"ok\"";
    return JSON.readTree(
        "{\"id\":\"e1\",\"number\":7,\"state\":\""
            + state
            + "\",\"counters\":{\"ok\":"
            + ok
            + ",\"failed\":0,\"partial\":0,\"inconclusive\":0}"
            + live
            + "}");
  }

  private String written() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void givenNoTerminal_whenTheExecutionRuns_thenOneLinePerChangeNamesTheRunningTests() {
    Progress progress = new Progress(err, Progress.Mode.auto, null);

    progress.show(execution("running", 0, 0, "login@lab-01"));
    progress.show(execution("running", 0, 0, "login@lab-01"));
    progress.show(execution("running", 1, 1, "cart@lab-01", "pay@lab-02"));
    progress.show(execution("finished", 10, 10));
    progress.close();

    assertEquals(
        List.of(
            PREFIX
                + "running ok=0 failed=0 partial=0 inconclusive=0 done=0/10 running: login@lab-01",
            PREFIX
                + "running ok=1 failed=0 partial=0 inconclusive=0 done=1/10"
                + " running: cart@lab-01, pay@lab-02",
            PREFIX + "finished ok=10 failed=0 partial=0 inconclusive=0 result=ok"),
        written().lines().toList());
    assertTrue(!written().contains("\r"), "never redrawn");
    assertTrue(!written().contains("\033"), "no escape sequence");
  }

  @Test
  void givenATerminal_whenTheExecutionRuns_thenOneLineIsRedrawnWithABarAndTheRunningTests() {
    Progress progress = new Progress(err, Progress.Mode.auto, Screen.terminal(bytes, 200));

    progress.show(execution("running", 4, 5, "login@lab-01", "cart@lab-02"));
    assertEquals(
        List.of(
            PREFIX
                + "running [#####-----] 5/10 ok=4 failed=0 partial=0 inconclusive=0"
                + " running: login@lab-01, cart@lab-02"),
        screen());

    progress.show(execution("running", 6, 7, "pay@lab-02"));
    assertEquals(
        List.of(
            PREFIX
                + "running [#######---] 7/10 ok=6 failed=0 partial=0 inconclusive=0"
                + " running: pay@lab-02"),
        screen(),
        "redrawn in place: " + Screen.visible(written()));

    progress.show(execution("finished", 10, 10));
    progress.close();
    assertEquals(
        List.of(PREFIX + "finished ok=10 failed=0 partial=0 inconclusive=0 result=ok", ""),
        screen(),
        "the last line stays, the cursor on the next: " + Screen.visible(written()));
  }

  @Test
  void givenANarrowTerminal_whenManyTestsRun_thenTheLineIsCutToItsWidth() {
    Progress progress = new Progress(err, Progress.Mode.auto, Screen.terminal(bytes, 80));

    progress.show(execution("running", 0, 0, "a-long-test-name@lab-01", "another-one@lab-02"));

    List<String> screen = screen();
    assertEquals(1, screen.size(), Screen.visible(written()));
    String line = screen.get(0);
    assertEquals(79, line.length(), line);
    assertTrue(line.endsWith("…"), line);
    assertTrue(line.startsWith(PREFIX + "running [----------] 0/10 ok=0"), line);
  }

  @Test
  void givenPlainOnATerminal_whenTheExecutionRuns_thenLinesWithoutAnyEscape() {
    Terminal terminal = Screen.terminal(bytes, 200);
    Progress progress = new Progress(err, Progress.Mode.plain, terminal);

    progress.show(execution("running", 4, 5, "login@lab-01"));
    progress.show(execution("finished", 10, 10));
    progress.close();

    assertEquals(2, written().lines().count(), written());
    assertTrue(!written().contains("\r") && !written().contains("\033"), written());
  }

  @Test
  void givenNone_whenTheExecutionRuns_thenNothingIsWritten() {
    Progress progress = new Progress(err, Progress.Mode.none, Screen.terminal(bytes, 200));

    progress.show(execution("running", 4, 5, "login@lab-01"));
    progress.show(execution("finished", 10, 10));
    progress.close();

    assertEquals("", written());
  }

  private List<String> screen() {
    return Screen.lines(bytes.toByteArray());
  }

  @Test
  void givenTheBar_whenDoneGrows_thenItFillsInTenCells() {
    assertEquals("[----------]", Progress.bar(0, 10));
    assertEquals("[#####-----]", Progress.bar(5, 10));
    assertEquals("[##########]", Progress.bar(10, 10));
    assertEquals("[----------]", Progress.bar(0, 0));
  }
}
