package io.cta.testrunner.stage;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * The last lines of a stage's output, both streams together, for the message of a stage that
 * failed. It is fed masked output only, never raw lines: the other stream's lines may come between
 * the halves of a secret's value.
 */
public final class OutputTail {

  /** How many lines are kept. */
  public static final int LINES = 5;

  /** Longer lines are cut to this many characters. */
  public static final int LINE_CHARS = 300;

  private final Deque<String> lines = new ArrayDeque<>();

  /** A feed for one stream: it holds that stream's line not yet ended. */
  public Feed feed() {
    return new Feed();
  }

  /** The kept lines, joined by line feeds. */
  public synchronized String text() {
    return String.join("\n", lines);
  }

  private synchronized void add(String line) {
    lines.addLast(line.length() > LINE_CHARS ? line.substring(0, LINE_CHARS) : line);
    if (lines.size() > LINES) {
      lines.removeFirst();
    }
  }

  /** Takes one stream's output in pieces and keeps its complete lines. */
  public final class Feed {

    private final StringBuilder partial = new StringBuilder();

    private Feed() {}

    /** Adds a piece of output; its complete lines join the tail. */
    public void accept(String text) {
      partial.append(text);
      int end;
      while ((end = partial.indexOf("\n")) >= 0) {
        String line = partial.substring(0, end);
        partial.delete(0, end + 1);
        add(line);
      }
    }
  }
}
