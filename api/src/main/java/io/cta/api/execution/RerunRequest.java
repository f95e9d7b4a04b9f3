package io.cta.api.execution;

import jakarta.validation.constraints.Size;

/**
 * Optional body of {@code POST /api/v1/executions/{id}/rerun}.
 *
 * @param onlyFailed run again only the tests whose final status is not ok (also those without any
 *     result); otherwise every test of the original execution
 * @param reason why, shown on the new execution as its {@code requestReason}
 */
public record RerunRequest(Boolean onlyFailed, @Size(max = 1000) String reason) {}
