package io.cta.cli;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/**
 * What a command may touch of the outside world, passed in so that tests run commands without a
 * process of their own.
 *
 * @param env the environment variables
 * @param out standard output: what a command answers (tables, JSON)
 * @param err standard error: progress, warnings and errors
 * @param in standard input (secret values)
 * @param terminal whether standard error is an interactive terminal (a redrawn progress line)
 * @param home the user's home directory (the contexts file)
 */
public record Cli(
    Map<String, String> env,
    PrintStream out,
    PrintStream err,
    InputStream in,
    boolean terminal,
    Path home) {

  /** The process's own environment and streams. */
  public static Cli system() {
    return new Cli(
        System.getenv(),
        System.out,
        System.err,
        System.in,
        isTerminal(),
        Path.of(System.getProperty("user.home")));
  }

  /**
   * Java 22 and later answer a console even when the streams are redirected; {@code
   * Console.isTerminal()} (Java 22) tells them apart, so it is asked for reflectively on Java 17.
   */
  private static boolean isTerminal() {
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (ReflectiveOperationException e) {
      return true;
    }
  }
}
