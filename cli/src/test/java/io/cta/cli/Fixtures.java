package io.cta.cli;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Executions, scenarios and a captured {@link Cli} for the CLI's tests. */
final class Fixtures {

  static final String SCENARIO_ID = "6650f4c1a1b2c3d4e5f60001";
  static final String EXECUTION_ID = "6650f4c1a1b2c3d4e5f60002";

  private Fixtures() {}

  static String execution(String state, String result, int ok, int failed, int partial) {
    return """
        {"id": "%s", "number": 7, "scenarioId": "%s", "scenarioName": "nightly",
         "state": "%s", "result": %s, "reason": null,
         "counters": {"ok": %d, "failed": %d, "partial": %d, "inconclusive": 0}}
        """
        .formatted(
            EXECUTION_ID,
            SCENARIO_ID,
            state,
            result == null ? "null" : "\"" + result + "\"",
            ok,
            failed,
            partial);
  }

  static String scenarios(String... ids) {
    StringBuilder items = new StringBuilder();
    for (String id : ids) {
      items
          .append(items.isEmpty() ? "" : ",")
          .append("{\"id\":\"" + id + "\",\"name\":\"nightly\"}");
    }
    return "{\"items\":[" + items + "],\"page\":0,\"size\":500,\"total\":" + ids.length + "}";
  }

  /** A {@link Cli} whose streams are captured, with this environment and home directory. */
  static final class Captured {
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final Cli cli;

    Captured(Map<String, String> env, Path home, String stdin, boolean terminal) {
      cli =
          new Cli(
              env,
              new PrintStream(out, true, StandardCharsets.UTF_8),
              new PrintStream(err, true, StandardCharsets.UTF_8),
              new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
              terminal ? () -> Screen.terminal(err, 120) : () -> null,
              home);
    }

    int run(String... args) {
      return CtaMain.execute(cli, args);
    }

    String out() {
      return out.toString(StandardCharsets.UTF_8);
    }

    String err() {
      return err.toString(StandardCharsets.UTF_8);
    }

    List<String> errLines() {
      return err().lines().toList();
    }
  }
}
