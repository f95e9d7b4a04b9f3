package io.cta.server.history;

import io.cta.activities.TestStatus;
import java.time.Instant;

/**
 * One run of a test in one execution (in stress mode, on one machine), as the test history keeps
 * it.
 *
 * @param number the execution's number within its scenario
 * @param scenarioName the scenario's name when the execution was requested
 * @param status the final status: the counted status of the test's key, or the worst of its keys
 *     when its report yielded several cases
 * @param durationMs the longest duration among those counted results, or null if none had one
 * @param machine the machine of the highest attempt
 * @param attempts the highest attempt number: 1, or more after retries and re-dispatches
 * @param finishedAt when its last counted result finished
 */
public record TestRun(
    String executionId,
    long number,
    String scenarioId,
    String scenarioName,
    TestStatus status,
    Long durationMs,
    String machine,
    int attempts,
    Instant finishedAt) {}
