package io.cta.server.execution;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/** A piece of a stage's stdout or stderr; its id is the agent's idempotency key. */
@Document("logs")
public record LogChunkDocument(
    @Id String id,
    String executionId,
    String testId,
    String machine,
    int attempt,
    String stage,
    String stream,
    long seq,
    String text,
    Instant at) {}
