package io.cta.server.execution;

import java.time.Instant;
import org.springframework.data.annotation.Id;

/** A per-machine state change of an execution, as reported; the id is an idempotency key. */
public record StateEventDocument(
    @Id String id, String executionId, String machine, String state, String detail, Instant at) {}
