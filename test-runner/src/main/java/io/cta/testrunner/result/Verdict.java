package io.cta.testrunner.result;

import io.cta.activities.TestStatus;

/**
 * How a test's own run ended, as whatever ran it saw it (for {@code commandLine}: its stages). It
 * is the test's one result unless the test has JUnit reports or reported results explicitly; then
 * it adds a {@code failed} result only when no case failed (docs/design.md#counting).
 */
public record Verdict(TestStatus status, String message) {

  public static Verdict passed(String message) {
    return new Verdict(TestStatus.ok, message);
  }

  public static Verdict failed(String message) {
    return new Verdict(TestStatus.failed, message);
  }
}
