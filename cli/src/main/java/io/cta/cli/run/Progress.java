package io.cta.cli.run;

import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.Display;
import tools.jackson.databind.JsonNode;

/**
 * Shows an execution's progress on standard error. On a terminal one line is redrawn in place by
 * JLine's {@link Display}, with a bar and the tests running now, cut to the terminal's width (asked
 * of JLine at each change, so a resized window is followed); otherwise (CI logs, pipes) one line is
 * written per change and never redrawn, so logs read top to bottom (docs/cli.md "Progress").
 */
public final class Progress implements AutoCloseable {

  /** The {@code --progress} choices; {@code auto} picks by whether standard error is a terminal. */
  public enum Mode {
    auto,
    plain,
    none
  }

  /** The redrawn line's width when the terminal does not tell its own. */
  static final int DEFAULT_WIDTH = 80;

  /** Cells of the redrawn bar. */
  static final int BAR_CELLS = 10;

  /** Running tests a plain line names at most, so that a wide execution keeps lines readable. */
  static final int PLAIN_RUNNING = 10;

  private final PrintStream err;
  private final boolean silent;
  private final Terminal terminal;
  private final Display display;
  private String last;

  /**
   * @param err where plain lines go
   * @param terminal standard error as a terminal, or null: with {@link Mode#auto} the line is
   *     redrawn on it; this progress closes it
   */
  public Progress(PrintStream err, Mode mode, Terminal terminal) {
    this.err = err;
    this.silent = mode == Mode.none;
    this.terminal = mode == Mode.auto ? terminal : null;
    this.display = this.terminal == null ? null : new Display(this.terminal, false);
    if (terminal != null && this.terminal == null) {
      release(terminal);
    }
  }

  /** Opens the terminal only when {@code mode} may redraw on it. */
  public static Progress open(PrintStream err, Mode mode, Supplier<Terminal> terminal) {
    return new Progress(err, mode, mode == Mode.auto ? terminal.get() : null);
  }

  /** Shows the execution if anything shown changed. */
  public void show(JsonNode execution) {
    if (silent) {
      return;
    }
    boolean ended = terminal(execution);
    if (display == null || ended) {
      String line = line(execution);
      if (!line.equals(last)) {
        last = line;
        print(line);
      }
      return;
    }
    int width = width();
    String line = fit(redrawnLine(execution), width - 1);
    if (!line.equals(last)) {
      last = line;
      display.resize(Math.max(1, terminal.getHeight()), width);
      AttributedString shown = new AttributedString(line);
      display.update(List.of(shown), shown.columnLength());
      terminal.flush();
    }
  }

  /** Clears a redrawn line and gives the terminal back, so that what follows starts a line. */
  @Override
  public void close() {
    if (terminal != null) {
      clearLine();
      release(terminal);
    }
  }

  /** Closing restores nothing we changed (its attributes are left alone): a failure is moot. */
  private static void release(Terminal terminal) {
    try {
      terminal.close();
    } catch (IOException e) {
      // nothing to undo
    }
  }

  /** A plain line; on a terminal it replaces the redrawn one, which it leaves in the scrollback. */
  private void print(String line) {
    if (terminal == null) {
      err.println(line);
      err.flush();
      return;
    }
    clearLine();
    terminal.writer().println(line);
    terminal.flush();
  }

  private void clearLine() {
    display.update(List.of(), 0);
    display.reset();
    terminal.flush();
  }

  /** The terminal's columns from JLine, at least 20; {@link #DEFAULT_WIDTH} when unknown. */
  private int width() {
    int columns = terminal.getWidth();
    return columns <= 0 ? DEFAULT_WIDTH : Math.max(20, columns);
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
