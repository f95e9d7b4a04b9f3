package io.cta.api.scenario;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;

/** Optional body of {@code POST /api/v1/scenarios/{id}/run}. */
public record RunRequest(@Min(0) @Max(100) Integer priority, @Size(max = 1000) String reason) {}
