package io.cta.activities.events;

/**
 * A test an agent runs right now, as its heartbeat reports it.
 *
 * @param startedAt when the agent took the test (epoch milliseconds)
 */
public record RunningTest(String executionId, String testId, int attempt, long startedAt) {}
