package io.cta.agent.run;

import io.cta.testrunner.result.CaseResult;

/**
 * Puts the files a result references into CTA's file store before the result is sent, so that a
 * stored result never points to a missing file.
 */
@FunctionalInterface
public interface ResultFiles {

  /** Leaves results as they are (tests that upload nothing). */
  ResultFiles NONE = (run, result) -> result;

  /**
   * The result with its attachments and screenshots replaced by file ids; files that could not be
   * uploaded are left out and named in its description.
   *
   * @param result attachments and screenshots as paths relative to the test's working directory
   */
  CaseResult upload(TestRun run, CaseResult result);
}
