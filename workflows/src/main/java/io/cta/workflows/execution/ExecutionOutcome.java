package io.cta.workflows.execution;

import io.cta.activities.ExecutionState;
import io.cta.activities.TestStatus;

/** What the workflow returns: the terminal state, the overall result and why. */
public record ExecutionOutcome(ExecutionState state, TestStatus result, String reason) {}
