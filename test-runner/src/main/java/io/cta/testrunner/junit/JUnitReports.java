package io.cta.testrunner.junit;

import io.cta.activities.TestStatus;
import io.cta.activities.agent.TestSpec;
import io.cta.testrunner.result.CaseResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
 * <p>Which files a glob may name is {@link ReportGlobs}' rule: never a file outside the test's
 * working directory. Files last modified before the test started are older runs' reports, and are
 * ignored. At most {@link #MAX_CASES} cases of a test are read.
 */
public final class JUnitReports {

  /** The most cases read from one test's reports; one more {@code inconclusive} says so. */
  public static final int MAX_CASES = 10_000;

  /** Marks a file that was unreadable, or not read because the test has too many cases. */
  private static final int NOT_COUNTED = -1;

  private JUnitReports() {}

  /**
   * @param notBefore epoch milliseconds; reports last modified earlier are not this test's
   * @param heartbeat called between files and while walking large directories
   */
  public static List<CaseResult> read(
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

    final CaseNames names = new CaseNames();
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
        files = root == null ? List.of() : ReportGlobs.find(root, glob, heartbeat);
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
      Path real = ReportGlobs.realPathInside(root, file);
      List<JUnitXml.Case> parsed = JUnitXml.parse(real, MAX_CASES + 1 - cases);
      for (JUnitXml.Case c : parsed) {
        if (cases++ >= MAX_CASES) {
          break;
        }
        results.add(names.named(c));
      }
      return parsed.size();
    }
  }

  /**
   * The cases of uploaded reports (the api's import, docs/results.md#imported-executions) as the
   * results of one test, named as a test's own reports are: cut to {@link
   * CaseResult#MAX_CASE_NAME}, duplicates kept apart by their ordinal. At most {@link #MAX_CASES}.
   */
  public static List<CaseResult> results(List<JUnitXml.Case> cases) {
    CaseNames names = new CaseNames();
    return cases.stream().limit(MAX_CASES).map(names::named).toList();
  }

  /** The case names already given to one test's results. */
  private static final class CaseNames {
    private final Set<String> names = new HashSet<>();

    /** The case as a result, under a name no earlier case of the test has. */
    CaseResult named(JUnitXml.Case c) {
      CaseResult r = c.result();
      return new CaseResult(
          unique(JUnitXml.cut(c.name(), CaseResult.MAX_CASE_NAME)),
          r.status(),
          r.message(),
          r.description(),
          r.durationMs(),
          r.custom(),
          null,
          null);
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

  private static CaseResult inconclusive(String caseName, String message) {
    return CaseResult.of(
        JUnitXml.cut(caseName, CaseResult.MAX_CASE_NAME), TestStatus.inconclusive, message);
  }

  private static String oneLine(Exception e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return JUnitXml.cut(message.replaceAll("\\s+", " ").strip(), 500);
  }
}
