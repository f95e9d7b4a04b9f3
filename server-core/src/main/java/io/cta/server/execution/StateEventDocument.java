package io.cta.server.execution;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/** A per-machine state change of an execution, as reported; the id is an idempotency key. */
@Document("states")
public record StateEventDocument(
    @Id String id, String executionId, String machine, String state, String detail, Instant at) {}
