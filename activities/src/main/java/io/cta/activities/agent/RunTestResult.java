package io.cta.activities.agent;

import io.cta.activities.TestStatus;

/**
 * The bounded summary of one test run that travels through workflow history; the results themselves
 * go to the consumer's agent endpoints.
 *
 * @param machine name of the machine that ran the test
 * @param status the worst status of the test's results
 * @param resultCount how many results the agent reported, so that completion can wait for them
 */
public record RunTestResult(String testId, String machine, TestStatus status, int resultCount) {}
