package io.cta.agent.local;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;
import java.util.Map;

/**
 * The JSON body of {@code POST $CTA_RESULTS_URL}: one result of the running test. Only {@code
 * status} is required.
 *
 * @param executionId if given, must be the running test's execution
 * @param testId if given, must be the running test's id
 * @param caseName {@code case}: the case name, {@code ""} (the test itself) by default
 * @param status {@code ok}, {@code failed}, {@code partial} or {@code inconclusive}
 * @param attachments paths of files inside the test's working directory
 * @param screenshots paths of files inside the test's working directory
 */
record LocalResult(
    String executionId,
    String testId,
    @JsonProperty("case") String caseName,
    String status,
    String message,
    String description,
    Long durationMs,
    Map<String, String> custom,
    List<String> attachments,
    List<String> screenshots) {}
