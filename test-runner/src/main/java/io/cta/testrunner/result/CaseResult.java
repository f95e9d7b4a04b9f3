package io.cta.testrunner.result;

import io.cta.activities.TestStatus;
import java.util.List;
import java.util.Map;

/**
 * One result of a test, before it is sent: from the test's own run, one case of its JUnit reports,
 * or a result a test script posted (to the agent's local endpoint).
 *
 * @param caseName {@code ""} for the test itself
 * @param durationMs null when unknown: the result then takes the test's duration so far
 * @param attachments paths relative to the test's working directory
 * @param screenshots paths relative to the test's working directory
 */
public record CaseResult(
    String caseName,
    TestStatus status,
    String message,
    String description,
    Long durationMs,
    Map<String, String> custom,
    List<String> attachments,
    List<String> screenshots) {

  /** Longest case name; longer names from reports are cut, longer posted names are refused. */
  public static final int MAX_CASE_NAME = 500;

  public CaseResult {
    caseName = caseName == null ? "" : caseName;
    custom = custom == null ? Map.of() : Map.copyOf(custom);
    attachments = attachments == null ? List.of() : List.copyOf(attachments);
    screenshots = screenshots == null ? List.of() : List.copyOf(screenshots);
  }

  /** A result with a status and a message only. */
  public static CaseResult of(String caseName, TestStatus status, String message) {
    return new CaseResult(caseName, status, message, null, null, null, null, null);
  }
}
