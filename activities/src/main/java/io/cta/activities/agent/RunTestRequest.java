package io.cta.activities.agent;

/**
 * Run one test of an execution.
 *
 * @param attempt 1 for the first dispatch of this test, higher for a re-dispatch or a retry
 * @param signalStartTo the workflow to send {@link StartedSignal} to when the test starts, or null:
 *     only the first work of an execution (of each machine in {@code stress}) asks for it, so a
 *     large run does not flood its workflow with signals
 * @param notBefore epoch milliseconds before which the test must not start (the common start
 *     instant of a {@code stress} execution), or 0
 */
public record RunTestRequest(
    String executionId, int attempt, TestSpec test, String signalStartTo, long notBefore) {}
