package io.cta.agent.run;

import io.cta.activities.TestStatus;
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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.xml.stream.XMLStreamException;

/**
 * Turns a test's report globs into results (docs/design.md#counting): one per test case of the
 * JUnit XML files they match, duplicate case names kept apart by their ordinal ({@code name},
 * {@code name #2}, …), and one {@code inconclusive} result for each glob that matches no report
 * written during the test and each report that cannot be read.
 *
 * <p>Globs are relative to the test's working directory and never leave it: a glob that could
 * ({@link TestSpec#escapesWorkDir}) is not followed, directories are walked without following
 * links, and a file whose real path is outside is not read. {@code *} and {@code ?} stay within a
 * directory, {@code **} crosses directories ({@code **}{@code /} also matches none), and {@code
 * {a,b}} and {@code [ab]} work as in {@link FileSystems#getDefault()}'s glob syntax. Files last
 * modified before the test started are older runs' reports, and are ignored.
 */
final class JUnitReports {

  static final int MAX_CASES = 10_000;

  private static final int MAX_STARSTAR = 4;

  /** Marks a file that was unreadable, or not read because the test has too many cases. */
  private static final int NOT_COUNTED = -1;

  private JUnitReports() {}

  /**
   * @param notBefore epoch milliseconds; reports last modified earlier are not this test's
   * @param heartbeat called between files and while walking large directories
   */
  static List<CaseResult> read(
      Path testDir, List<String> globs, long notBefore, Runnable heartbeat) {
    Reading reading = new Reading(notBefore, heartbeat);
    Path root;
    try {
      root = testDir.toRealPath();
    } catch (IOException e) {
      root = null;
    }
    for (String glob : globs) {
      reading.glob(root, glob);
    }
    if (reading.cases > MAX_CASES) {
      reading.results.add(
          inconclusive(
              "reports", "more than " + MAX_CASES + " test cases: the rest were not read"));
    }
    return reading.results;
  }

  /** The state of reading one test's reports. */
  private static final class Reading {
    final long notBefore;
    final Runnable heartbeat;
    final List<CaseResult> results = new ArrayList<>();

    /** Cases per file already read, so that two globs matching one file read it once. */
    final Map<Path, Integer> read = new HashMap<>();

    final Set<String> names = new HashSet<>();
    int cases;

    Reading(long notBefore, Runnable heartbeat) {
      this.notBefore = notBefore;
      this.heartbeat = heartbeat;
    }

    void glob(Path root, String glob) {
      if (TestSpec.escapesWorkDir(glob)) {
        results.add(
            inconclusive(glob, "report '" + glob + "' is outside the test's working directory"));
        return;
      }
      List<Path> files;
      try {
        files = root == null ? List.of() : find(root, glob, heartbeat);
      } catch (IOException e) {
        results.add(inconclusive(glob, "report '" + glob + "' is unreadable: " + oneLine(e)));
        return;
      }
      int stale = 0;
      int readable = 0;
      int found = 0;
      for (Path file : files) {
        String name = root.relativize(file).toString().replace('\\', '/');
        heartbeat.run(); // outside the try: a cancel must not pass for an unreadable report
        try {
          if (Files.getLastModifiedTime(file).toMillis() < notBefore) {
            stale++;
            continue;
          }
          Integer known = read.get(file);
          if (known == null) {
            read.put(file, NOT_COUNTED);
            known = readFile(root, file);
            read.put(file, known);
          }
          if (known != NOT_COUNTED) {
            readable++;
            found += known;
          }
        } catch (IOException | XMLStreamException | RuntimeException e) {
          results.add(inconclusive(name, "report '" + name + "' is unreadable: " + oneLine(e)));
        }
      }
      if (files.size() == stale) {
        results.add(
            inconclusive(
                glob,
                stale == 0
                    ? "no report matches '" + glob + "'"
                    : "no report matching '"
                        + glob
                        + "' was written during this test ("
                        + stale
                        + (stale == 1 ? " older file ignored)" : " older files ignored)")));
      } else if (readable > 0 && found == 0) {
        results.add(
            inconclusive(
                glob,
                "report '"
                    + glob
                    + "' has no test case ("
                    + readable
                    + (readable == 1 ? " file)" : " files)")));
      }
    }

    /** Reads one report's cases into the results; answers how many it has. */
    private int readFile(Path root, Path file) throws IOException, XMLStreamException {
      if (cases > MAX_CASES) {
        return NOT_COUNTED;
      }
      Path real = file.toRealPath();
      if (!real.startsWith(root)) {
        throw new IOException("it leads outside the test's working directory");
      }
      List<JUnitXml.Case> parsed = JUnitXml.parse(real, MAX_CASES + 1 - cases);
      for (JUnitXml.Case c : parsed) {
        if (cases++ >= MAX_CASES) {
          break;
        }
        String unique = unique(JUnitXml.cut(c.name(), TestRun.MAX_CASE_NAME));
        CaseResult r = c.result();
        results.add(
            new CaseResult(
                unique,
                r.status(),
                r.message(),
                r.description(),
                r.durationMs(),
                r.custom(),
                null,
                null));
      }
      return parsed.size();
    }

    /** The name, or the name with the first ordinal ({@code #2}, {@code #3}, …) not yet used. */
    private String unique(String name) {
      if (names.add(name)) {
        return name;
      }
      for (int ordinal = 2; ; ordinal++) {
        String candidate = name + " #" + ordinal;
        if (names.add(candidate)) {
          return candidate;
        }
      }
    }
  }

  /** The regular files (or links) under the working directory that the glob matches, sorted. */
  static List<Path> find(Path root, String glob, Runnable heartbeat) throws IOException {
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

  private static CaseResult inconclusive(String caseName, String message) {
    return CaseResult.of(
        JUnitXml.cut(caseName, TestRun.MAX_CASE_NAME), TestStatus.inconclusive, message);
  }

  private static String oneLine(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return JUnitXml.cut(message.replaceAll("\\s+", " ").strip(), 500);
  }
}
