package io.cta.api.execution;

import jakarta.validation.constraints.Size;

/** Body of {@code POST /api/v1/executions/{id}/cancel}. */
public record CancelRequest(@Size(max = 1000) String reason) {}
