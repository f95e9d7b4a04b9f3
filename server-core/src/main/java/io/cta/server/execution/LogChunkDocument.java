package io.cta.server.execution;

import java.time.Instant;
import org.springframework.data.annotation.Id;

/** A piece of a stage's stdout or stderr; its id is the agent's idempotency key. */
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
