package io.cta.agent.run;

import io.cta.testrunner.result.Verdict;

/**
 * Runs one type of test: the test definition's {@code type} selects the executor whose {@link
 * #type()} equals it. To add a type, implement this interface and add an instance to the executors
 * {@code AgentMain} registers (docs/agent.md, "Test types").
 *
 * <p>What is common to every type is done around the executor, not by it: the {@code running}
 * state, the local results endpoint, reading the test's JUnit {@code reports} and the rules that
 * turn its verdict, reports and explicit results into its results ({@link TestRun#finish}).
 */
public interface TestExecutor {

  /** The test type this executor runs, e.g. {@code commandLine}. */
  String type();

  /**
   * Runs the test and says how it ended. Processes it starts get {@link TestRun#environment()}.
   * Results it reports itself through {@link TestRun#report} count as explicit results. Must call
   * {@link TestRun#heartbeat()} at least every second while it runs: a cancel arrives as the
   * exception that call throws, after which the executor stops what runs and rethrows.
   */
  Verdict run(TestRun run) throws InterruptedException;
}
