package io.cta.cli.run;

import java.io.PrintStream;
import tools.jackson.databind.JsonNode;

/**
 * Shows an execution's progress on standard error. On a terminal one line is redrawn in place;
 * otherwise (CI logs, pipes) one line is written per change and never redrawn, so logs read top to
 * bottom (docs/cli.md "Progress").
 */
public final class Progress {

  /** The {@code --progress} choices; {@code auto} picks by whether standard error is a terminal. */
  public enum Mode {
    auto,
    plain,
    none
  }

  private final PrintStream err;
  private final boolean redraw;
  private final boolean silent;
  private String last;
  private boolean lineOpen;

  public Progress(PrintStream err, Mode mode, boolean terminal) {
    this.err = err;
    this.silent = mode == Mode.none;
    this.redraw = mode == Mode.auto && terminal;
  }

  /** Shows the execution if anything shown changed. */
  public void show(JsonNode execution) {
    String line = line(execution);
    if (silent || line.equals(last)) {
      return;
    }
    last = line;
    if (redraw) {
      err.print("\r\033[K" + line);
      lineOpen = !terminal(execution);
      if (!lineOpen) {
        err.println();
      }
    } else {
      err.println(line);
    }
    err.flush();
  }

  /** Ends a redrawn line before something else is written. */
  public void finish() {
    if (lineOpen) {
      err.println();
      lineOpen = false;
    }
  }

  /**
   * {@code execution 6650… #12 running ok=3 failed=1 partial=0 inconclusive=0}, then the result and
   * the reason when it ends.
   */
  public static String line(JsonNode e) {
    JsonNode c = e.path("counters");
    StringBuilder b =
        new StringBuilder("execution ")
            .append(e.path("id").asString())
            .append(" #")
            .append(e.path("number").asLong())
            .append(' ')
            .append(e.path("state").asString())
            .append(" ok=")
            .append(c.path("ok").asLong())
            .append(" failed=")
            .append(c.path("failed").asLong())
            .append(" partial=")
            .append(c.path("partial").asLong())
            .append(" inconclusive=")
            .append(c.path("inconclusive").asLong());
    if (terminal(e)) {
      String result = e.path("result").isString() ? e.get("result").asString() : "none";
      b.append(" result=").append(result);
      if (e.path("reason").isString()) {
        b.append(" reason=").append(e.get("reason").asString().replaceAll("[\\r\\n]+", " "));
      }
    }
    return b.toString();
  }

  static boolean terminal(JsonNode e) {
    String state = e.path("state").asString();
    return !state.equals("pending") && !state.equals("running");
  }
}
