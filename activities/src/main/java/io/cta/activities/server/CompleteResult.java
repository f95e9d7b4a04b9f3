package io.cta.activities.server;

import io.cta.activities.ExecutionState;
import io.cta.activities.TestStatus;

/**
 * The stored outcome; {@code result} is null when no result was reported at all.
 *
 * @param hasNotifications whether the execution has notifications, to evaluate now that it is
 *     complete
 */
public record CompleteResult(
    ExecutionState state, TestStatus result, int missingResults, boolean hasNotifications) {}
