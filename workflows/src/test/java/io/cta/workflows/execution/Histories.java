package io.cta.workflows.execution;

import io.temporal.testing.TestWorkflowEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Replay fixtures for WorkflowReplayTest. */
final class Histories {

  private Histories() {}

  /**
   * Writes the execution's history so far to {@code src/test/resources/histories/<file>} when run
   * with {@code -Dcta.recordHistories=true}. A history recorded before a versioned change must stay
   * as it is: it is what proves that executions already in flight still replay. Record a history of
   * the new code under a new name.
   */
  static void record(TestWorkflowEnvironment env, String file) {
    record(env, ExecutionWorkflow.workflowId(Fixtures.EXECUTION_ID), file);
  }

  /** The same for another workflow of the test, such as a lane. */
  static void record(TestWorkflowEnvironment env, String workflowId, String file) {
    if (!Boolean.getBoolean("cta.recordHistories")) {
      return;
    }
    String json = env.getWorkflowClient().fetchHistory(workflowId).toJson(true);
    try {
      Files.writeString(Path.of("src/test/resources/histories", file), json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
