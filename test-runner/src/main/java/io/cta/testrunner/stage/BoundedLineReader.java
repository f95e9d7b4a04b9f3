package io.cta.testrunner.stage;

import java.io.Closeable;
import java.io.IOException;
import java.io.Reader;

/**
 * Reads lines of at most {@code max} characters, never holding more than that: a longer line is
 * returned cut, ending with {@code " [line cut at <max> characters]"}, as soon as its first {@code
 * max} characters arrived, and the rest of it, up to its newline, is read and thrown away. {@link
 * java.io.BufferedReader#readLine} holds a whole line, so a stage printing 100 MB without a newline
 * would run the runner out of memory (docs/agent.md, "Output capture").
 */
public final class BoundedLineReader implements Closeable {

  private final Reader in;
  private final int max;
  private final char[] buffer = new char[8192];
  private int position;
  private int end;
  private boolean skipping; // the rest of a cut line is being thrown away

  public BoundedLineReader(Reader in, int max) {
    this.in = in;
    this.max = max;
  }

  /** The next line without its line break (and a trailing {@code \r}), or null at the end. */
  public String readLine() throws IOException {
    StringBuilder line = null;
    while (true) {
      if (position == end && !fill()) {
        return line == null ? null : strip(line);
      }
      int start = position;
      while (position < end && buffer[position] != '\n') {
        position++;
      }
      boolean newline = position < end;
      if (skipping) {
        if (newline) {
          position++;
          skipping = false;
        }
        continue;
      }
      if (line == null) {
        line = new StringBuilder();
      }
      int length = position - start;
      int room = max - line.length();
      if (length > room && !(newline && length == room + 1 && buffer[position - 1] == '\r')) {
        line.append(buffer, start, room);
        position = start + room;
        skipping = true;
        return line.append(" [line cut at ").append(max).append(" characters]").toString();
      }
      line.append(buffer, start, length);
      if (newline) {
        position++;
        return strip(line);
      }
    }
  }

  /** Whether a line can be read without blocking (as far as the underlying reader knows). */
  public boolean ready() throws IOException {
    return position < end || in.ready();
  }

  private boolean fill() throws IOException {
    int n = in.read(buffer, 0, buffer.length);
    position = 0;
    end = Math.max(n, 0);
    return n > 0;
  }

  private static String strip(StringBuilder line) {
    int last = line.length() - 1;
    if (last >= 0 && line.charAt(last) == '\r') {
      line.setLength(last);
    }
    return line.toString();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
