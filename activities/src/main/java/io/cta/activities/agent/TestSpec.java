package io.cta.activities.agent;

import java.util.List;

/**
 * One test of a suite as dispatched to an agent: a definition only, never its results.
 *
 * @param type selects the agent's executor for the test, e.g. {@code commandLine}
 * @param reports globs of the JUnit XML files its stages write, relative to the test's working
 *     directory (see {@link #escapesWorkDir})
 */
public record TestSpec(
    String id, String name, String type, List<String> reports, List<StageSpec> stages) {

  public TestSpec {
    reports = reports == null ? List.of() : List.copyOf(reports);
    stages = stages == null ? List.of() : List.copyOf(stages);
  }

  /**
   * Whether a report glob could reach outside the test's working directory by its text alone: an
   * absolute path ({@code /x}, {@code \x}, {@code C:x}) or a {@code ..} segment. The api refuses
   * such globs and the agent skips them; the agent also checks the real path of every file it
   * reads.
   */
  public static boolean escapesWorkDir(String glob) {
    if (glob.startsWith("/")
        || glob.startsWith("\\")
        || (glob.length() > 1 && glob.charAt(1) == ':' && Character.isLetter(glob.charAt(0)))) {
      return true;
    }
    for (String segment : glob.split("[/\\\\]")) {
      if (segment.equals("..")) {
        return true;
      }
    }
    return false;
  }
}
