package io.cta.activities.server;

/**
 * A page of one lane's tests. A lane takes every {@code lanes}-th test of the suite's dispatch
 * order starting at {@code lane}, so lanes that run side by side each release the longest tests
 * first.
 *
 * @param from index of the first test to return within the lane's share
 * @param limit the most tests to return
 */
public record LoadTestsRequest(String executionId, int lane, int lanes, int from, int limit) {}
