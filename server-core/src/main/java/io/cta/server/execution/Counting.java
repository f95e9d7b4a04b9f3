package io.cta.server.execution;

import io.cta.activities.TestStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The counting rules of docs/design.md#counting, in one place: a key is (test id, case, and machine
 * in stress mode); the highest attempt of a key supersedes lower ones whatever order they arrived
 * in; late results are not counted. Counters, the test history, rerun of failed tests and the JUnit
 * report all read results through here.
 */
public final class Counting {

  private Counting() {}

  /** The counting key of a result. */
  public static String key(ResultDocument result, boolean perMachine) {
    return result.testId()
        + "\u0000"
        + result.caseName()
        + (perMachine ? "\u0000" + result.machine() : "");
  }

  /** The counted result of each key (not late, highest attempt), in the order first seen. */
  public static List<ResultDocument> counted(List<ResultDocument> stored, boolean perMachine) {
    Map<String, ResultDocument> latest = new LinkedHashMap<>();
    for (ResultDocument result : stored) {
      if (!result.late()) {
        latest.merge(key(result, perMachine), result, (a, b) -> b.attempt() > a.attempt() ? b : a);
      }
    }
    return new ArrayList<>(latest.values());
  }

  /** The final status of a counted result: one without a status counts as inconclusive. */
  public static TestStatus status(ResultDocument counted) {
    return counted.status() == null ? TestStatus.inconclusive : counted.status();
  }

  public static Counters count(List<ResultDocument> stored, boolean perMachine) {
    Counters counters = Counters.ZERO;
    for (ResultDocument result : counted(stored, perMachine)) {
      counters = counters.plus(status(result));
    }
    return counters;
  }

  /**
   * Test ids whose every counted key ended {@code ok}. The others, and tests with no result at all,
   * are what {@code rerun {"onlyFailed": true}} runs again.
   */
  public static Set<String> okTests(List<ResultDocument> stored, boolean perMachine) {
    Set<String> ok = new HashSet<>();
    Set<String> notOk = new HashSet<>();
    for (ResultDocument result : counted(stored, perMachine)) {
      (status(result) == TestStatus.ok ? ok : notOk).add(result.testId());
    }
    ok.removeAll(notOk);
    return ok;
  }

  /**
   * Ids of the results that passed only on a retry: the highest attempt of their key is ok while a
   * lower attempt was not.
   */
  public static Set<String> flaky(List<ResultDocument> stored, boolean perMachine) {
    Map<String, List<ResultDocument>> byKey = new LinkedHashMap<>();
    for (ResultDocument r : stored) {
      byKey.computeIfAbsent(key(r, perMachine), k -> new ArrayList<>()).add(r);
    }
    Set<String> flaky = new HashSet<>();
    for (List<ResultDocument> attempts : byKey.values()) {
      ResultDocument last =
          attempts.stream().max(Comparator.comparingInt(ResultDocument::attempt)).orElseThrow();
      if (last.status() == TestStatus.ok
          && attempts.stream().anyMatch(r -> r.status() != TestStatus.ok)) {
        flaky.add(last.id());
      }
    }
    return flaky;
  }
}
