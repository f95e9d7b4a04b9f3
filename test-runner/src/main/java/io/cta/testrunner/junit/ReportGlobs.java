package io.cta.testrunner.junit;

import io.cta.activities.agent.TestSpec;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.FileVisitor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;

/**
 * Which files a test's report glob names (docs/design.md#counting). Globs are relative to the
 * test's working directory and never leave it: a glob that could by its text alone ({@link
 * TestSpec#escapesWorkDir}, the rule the api checks too) is not followed by its callers,
 * directories are walked without following links, and a file whose real path is outside is not read
 * ({@link #realPathInside}). {@code *} and {@code ?} stay within a directory, {@code **} crosses
 * directories ({@code **}{@code /} also matches none), and {@code {a,b}} and {@code [ab]} work as
 * in {@link FileSystems#getDefault()}'s glob syntax.
 */
public final class ReportGlobs {

  /** How many {@code **}{@code /} of one glob may also match no directory (2^n matchers). */
  private static final int MAX_STARSTAR = 4;

  private ReportGlobs() {}

  /**
   * The real path of a file a glob matched, when it is inside the working directory.
   *
   * @param root the working directory's real path
   * @throws IOException when the file is unreadable or leads outside (through a link)
   */
  public static Path realPathInside(Path root, Path file) throws IOException {
    Path real = file.toRealPath();
    if (!real.startsWith(root)) {
      throw new IOException("it leads outside the test's working directory");
    }
    return real;
  }

  /** The regular files (or links) under the working directory that the glob matches, sorted. */
  public static List<Path> find(Path root, String glob, Runnable heartbeat) throws IOException {
    List<String> segments = new ArrayList<>();
    for (String segment : glob.replace('\\', '/').split("/")) {
      if (!segment.isEmpty() && !segment.equals(".")) {
        segments.add(segment);
      }
    }
    if (segments.isEmpty()) {
      return List.of();
    }
    int literal = 0;
    while (literal < segments.size() - 1 && !isPattern(segments.get(literal))) {
      literal++;
    }
    Path base = root.resolve(String.join("/", segments.subList(0, literal)));
    if (!Files.isDirectory(base) || !base.toRealPath().startsWith(root)) {
      return List.of();
    }
    String pattern = String.join("/", segments);
    List<PathMatcher> matchers = new ArrayList<>();
    for (String variant : variants(pattern, MAX_STARSTAR)) {
      matchers.add(FileSystems.getDefault().getPathMatcher("glob:" + variant));
    }
    int depth = pattern.contains("**") ? Integer.MAX_VALUE : segments.size() - literal;
    List<Path> found = new ArrayList<>();
    Files.walkFileTree(
        base,
        EnumSet.noneOf(FileVisitOption.class),
        depth,
        new FileVisitor<>() {
          private int visited;

          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (++visited % 1000 == 0) {
              heartbeat.run();
            }
            if (!attrs.isDirectory()) {
              Path relative = root.relativize(file);
              for (PathMatcher matcher : matchers) {
                if (matcher.matches(relative)) {
                  found.add(file);
                  break;
                }
              }
            }
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFileFailed(Path file, IOException e) {
            return FileVisitResult.CONTINUE; // an unreadable directory holds no report we can read
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException e) {
            return FileVisitResult.CONTINUE;
          }
        });
    found.sort(null);
    return found;
  }

  /**
   * The pattern with each of its first {@code max} {@code **}{@code /} kept or dropped, so that
   * {@code **}{@code /} also matches no directory at all, as in Ant, Maven and Gradle globs.
   */
  static List<String> variants(String pattern, int max) {
    int at = pattern.indexOf("**/");
    if (at < 0 || max == 0) {
      return List.of(pattern);
    }
    String head = pattern.substring(0, at);
    List<String> variants = new ArrayList<>();
    for (String rest : variants(pattern.substring(at + 3), max - 1)) {
      variants.add(head + "**/" + rest);
      variants.add(head + rest);
    }
    return variants;
  }

  private static boolean isPattern(String segment) {
    for (char c : segment.toCharArray()) {
      if (c == '*' || c == '?' || c == '[' || c == '{') {
        return true;
      }
    }
    return false;
  }
}
