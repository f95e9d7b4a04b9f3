package io.cta.activities.server;

import io.cta.activities.ExecutionState;
import io.cta.activities.TestStatus;

/** The stored outcome; {@code result} is null when no result was reported at all. */
public record CompleteResult(ExecutionState state, TestStatus result, int missingResults) {}
