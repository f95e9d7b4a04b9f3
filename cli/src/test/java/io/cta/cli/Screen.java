package io.cta.cli;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jline.terminal.Size;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * What a terminal shows after the bytes written to it: enough of a VT100 (carriage return, new
 * line, backspace, cursor moves, erase and delete) to read what JLine's {@code Display} drew. A
 * control sequence it does not know fails the test rather than being guessed.
 */
public final class Screen {

  private Screen() {}

  /** A JLine xterm on these streams, {@code columns} wide, as {@code cta} gets on a terminal. */
  public static Terminal terminal(OutputStream out, int columns) {
    try {
      return TerminalBuilder.builder()
          .system(false)
          .streams(new ByteArrayInputStream(new byte[0]), out)
          .type("xterm-256color")
          .size(new Size(columns, 24))
          .graphemeCluster(false)
          .build();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The lines on the screen, trailing blanks cut; the last one is where the cursor is. */
  public static List<String> lines(byte[] written) {
    String s = new String(written, StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    int cursor = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\r') {
        cursor = 0;
      } else if (c == '\n') {
        lines.add(line.toString().stripTrailing());
        line = new StringBuilder();
        cursor = 0;
      } else if (c == '\b') {
        cursor = Math.max(0, cursor - 1);
      } else if (c == '\033') {
        if (i + 1 >= s.length() || s.charAt(i + 1) != '[') {
          throw new AssertionError("unknown escape at " + i + ": " + visible(s));
        }
        int end = i + 2;
        while (end < s.length() && (Character.isDigit(s.charAt(end)) || s.charAt(end) == ';')) {
          end++;
        }
        String arg = s.substring(i + 2, end);
        int n = arg.isEmpty() ? 1 : Integer.parseInt(arg);
        char command = s.charAt(end);
        switch (command) {
          case 'C' -> cursor += n;
          case 'D' -> cursor = Math.max(0, cursor - n);
          case 'G' -> cursor = n - 1;
          case 'K' -> {
            if (cursor < line.length()) {
              line.setLength(cursor);
            }
          }
          case 'P' -> {
            if (cursor < line.length()) {
              line.delete(cursor, Math.min(line.length(), cursor + n));
            }
          }
          case 'X' -> {
            for (int k = cursor; k < Math.min(line.length(), cursor + n); k++) {
              line.setCharAt(k, ' ');
            }
          }
          case '@' -> {
            pad(line, cursor);
            line.insert(cursor, " ".repeat(n));
          }
          default -> throw new AssertionError("unknown sequence ESC[" + arg + command);
        }
        i = end;
      } else {
        pad(line, cursor + 1);
        line.setCharAt(cursor++, c);
      }
    }
    lines.add(line.toString().stripTrailing());
    return lines;
  }

  private static void pad(StringBuilder line, int length) {
    while (line.length() < length) {
      line.append(' ');
    }
  }

  /** The bytes with escape, carriage return and new line made visible, for failure messages. */
  public static String visible(String written) {
    return written.replace("\033", "ESC").replace("\r", "\\r").replace("\n", "\\n");
  }
}
