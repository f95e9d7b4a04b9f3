package io.cta.activities.agent;

/**
 * Run one test of an execution.
 *
 * @param attempt 1 for the first dispatch of this test, higher for a re-dispatch or a retry
 */
public record RunTestRequest(String executionId, int attempt, TestSpec test) {}
