package io.cta.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Supplier;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;

/**
 * What a command may touch of the outside world, passed in so that tests run commands without a
 * process of their own.
 *
 * @param env the environment variables
 * @param out standard output: what a command answers (tables, JSON)
 * @param err standard error: progress, warnings and errors
 * @param in standard input (secret values)
 * @param terminal opens standard error as a JLine terminal, or answers null when it is none (a
 *     pipe, a file, a CI log): asked only by a command that redraws (docs/cli.md "Progress"); the
 *     caller closes what it gets
 * @param home the user's home directory (the contexts file)
 */
public record Cli(
    Map<String, String> env,
    PrintStream out,
    PrintStream err,
    InputStream in,
    Supplier<Terminal> terminal,
    Path home) {

  /** The process's own environment and streams. */
  public static Cli system() {
    return new Cli(
        System.getenv(),
        System.out,
        System.err,
        System.in,
        Cli::openStderr,
        Path.of(System.getProperty("user.home")));
  }

  /**
   * Standard error as a JLine system terminal, or null when it is not one. JLine's exec provider
   * asks {@code stty} (pure Java: the FFM provider needs Java 22, the JNI one a native library);
   * with {@code dumb(true)} a non-terminal quietly gets JLine's dumb terminal, never a warning, and
   * that answers null. Grapheme-cluster probing is off: it writes queries to the terminal and waits
   * for answers, which a progress line does not need.
   */
  private static Terminal openStderr() {
    try {
      Terminal terminal =
          TerminalBuilder.builder()
              .system(true)
              .systemOutput(TerminalBuilder.SystemOutput.SysErr)
              .provider(TerminalBuilder.PROP_PROVIDER_EXEC)
              .dumb(true)
              .nativeSignals(false)
              .graphemeCluster(false)
              .build();
      if (terminal.getType().startsWith(Terminal.TYPE_DUMB)) {
        terminal.close();
        return null;
      }
      return terminal;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
