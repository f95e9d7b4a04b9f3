package io.cta.cli.run;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Shows an execution's progress on standard error. On a terminal one line is redrawn in place, with
 * a bar and the tests running now, cut to the terminal's width; otherwise (CI logs, pipes) one line
 * is written per change and never redrawn, so logs read top to bottom (docs/cli.md "Progress").
 */
public final class Progress {

  /** The {@code --progress} choices; {@code auto} picks by whether standard error is a terminal. */
  public enum Mode {
    auto,
    plain,
    none
  }

  /** The redrawn line's width when the terminal's is unknown ({@code COLUMNS} unset). */
  static final int DEFAULT_WIDTH = 120;

  /** Cells of the redrawn bar. */
  static final int BAR_CELLS = 10;

  /** Running tests a plain line names at most, so that a wide execution keeps lines readable. */
  static final int PLAIN_RUNNING = 10;

  private final PrintStream err;
  private final boolean redraw;
  private final boolean silent;
  private final int width;
  private String last;
  private boolean lineOpen;

  public Progress(PrintStream err, Mode mode, boolean terminal) {
    this(err, mode, terminal, DEFAULT_WIDTH);
  }

  /**
   * @param width the terminal's columns: a redrawn line longer than that would wrap and no longer
   *     be redrawn in place
   */
  public Progress(PrintStream err, Mode mode, boolean terminal, int width) {
    this.err = err;
    this.silent = mode == Mode.none;
    this.redraw = mode == Mode.auto && terminal;
    this.width = Math.max(20, width);
  }

  /** The terminal's width from {@code COLUMNS} (set by most shells), else the default. */
  public static int width(String columns) {
    try {
      return columns == null ? DEFAULT_WIDTH : Integer.parseInt(columns.trim());
    } catch (NumberFormatException e) {
      return DEFAULT_WIDTH;
    }
  }

  /** Shows the execution if anything shown changed. */
  public void show(JsonNode execution) {
    String line =
        redraw && !terminal(execution) ? fit(redrawnLine(execution), width - 1) : line(execution);
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
   * {@code execution 6650… #12 running ok=3 failed=1 partial=0 inconclusive=0}, then, while it
   * runs, {@code done=4/10} and {@code running: login@lab-01, cart@lab-02} when the api says so,
   * and the result and the reason when it ends.
   */
  public static String line(JsonNode e) {
    StringBuilder b = head(e).append(counts(e));
    if (terminal(e)) {
      String result = e.path("result").isString() ? e.get("result").asString() : "none";
      b.append(" result=").append(result);
      if (e.path("reason").isString()) {
        b.append(" reason=").append(e.get("reason").asString().replaceAll("[\\r\\n]+", " "));
      }
      return b.toString();
    }
    JsonNode progress = e.path("progress");
    if (progress.isObject()) {
      b.append(" done=")
          .append(progress.path("done").asLong())
          .append('/')
          .append(progress.path("tests").asLong());
    }
    String running = running(e, PLAIN_RUNNING);
    if (!running.isEmpty()) {
      b.append(" running: ").append(running);
    }
    return b.toString();
  }

  /**
   * The line redrawn on a terminal while the execution has not ended: {@code execution 6650… #12
   * running [#####-----] 5/10 ok=3 failed=1 partial=0 inconclusive=0 running: login@lab-01}.
   */
  static String redrawnLine(JsonNode e) {
    StringBuilder b = head(e);
    JsonNode progress = e.path("progress");
    if (progress.isObject()) {
      b.append(' ')
          .append(bar(progress.path("done").asLong(), progress.path("tests").asLong()))
          .append(' ')
          .append(progress.path("done").asLong())
          .append('/')
          .append(progress.path("tests").asLong());
    }
    b.append(counts(e));
    String running = running(e, Integer.MAX_VALUE);
    if (!running.isEmpty()) {
      b.append(" running: ").append(running);
    }
    return b.toString();
  }

  /** {@code [#####-----]}: the share of {@code tests} done, in {@link #BAR_CELLS} cells. */
  static String bar(long done, long tests) {
    int filled = tests <= 0 ? 0 : (int) Math.min(BAR_CELLS, Math.max(0, done) * BAR_CELLS / tests);
    return "[" + "#".repeat(filled) + "-".repeat(BAR_CELLS - filled) + "]";
  }

  /** Cuts {@code line} to {@code max} characters, ending with an ellipsis when cut. */
  static String fit(String line, int max) {
    return line.length() <= max ? line : line.substring(0, Math.max(0, max - 1)) + "…";
  }

  private static StringBuilder head(JsonNode e) {
    return new StringBuilder("execution ")
        .append(e.path("id").asString())
        .append(" #")
        .append(e.path("number").asLong())
        .append(' ')
        .append(e.path("state").asString());
  }

  private static String counts(JsonNode e) {
    JsonNode c = e.path("counters");
    return " ok="
        + c.path("ok").asLong()
        + " failed="
        + c.path("failed").asLong()
        + " partial="
        + c.path("partial").asLong()
        + " inconclusive="
        + c.path("inconclusive").asLong();
  }

  /** {@code login@lab-01, cart@lab-02}, at most {@code max} of them then {@code +N more}. */
  private static String running(JsonNode e, int max) {
    JsonNode running = e.path("running");
    if (!running.isArray() || running.isEmpty()) {
      return "";
    }
    List<String> names = new ArrayList<>();
    for (JsonNode test : running) {
      if (names.size() == max) {
        names.add("+" + (running.size() - max) + " more");
        break;
      }
      names.add(test.path("testId").asString() + "@" + test.path("machine").asString());
    }
    return String.join(", ", names);
  }

  static boolean terminal(JsonNode e) {
    String state = e.path("state").asString();
    return !state.equals("pending") && !state.equals("running");
  }
}
