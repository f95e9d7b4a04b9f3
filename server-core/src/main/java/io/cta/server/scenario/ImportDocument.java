package io.cta.server.scenario;

import java.time.Instant;
import org.springframework.data.annotation.Id;
import org.springframework.data.mongodb.core.mapping.Document;

/**
 * The journal of one import (docs/results.md#imported-executions), written before anything else of
 * it: which execution it stores, and, for an upload sent with an {@code Idempotency-Key}, what was
 * sent, so that a retry gets that execution back instead of a second one. It goes when its
 * execution goes (retention), or, for an import that never completed, with the results it left.
 *
 * @param id {@link #keyed} or {@link #unkeyed}: every lookup is by {@code _id}
 * @param key the client's {@code Idempotency-Key}, or null
 * @param executionId the execution this import stores (unique)
 * @param fingerprint what was sent (reports, machine, test), hashed; null without a key
 * @param unfinishedSince when the current attempt began, while the import has not completed; absent
 *     once it has (sparse index: the retention pass finds the unfinished ones)
 */
@Document("imports")
public record ImportDocument(
    @Id String id,
    String scenarioId,
    String key,
    String executionId,
    String fingerprint,
    State state,
    Instant createdAt,
    Instant unfinishedSince) {

  /** Where an import stands. */
  public enum State {
    /** Its results may be (partly) stored; the execution is not. */
    importing,
    /** The execution is stored. */
    imported,
    /** Left unfinished past the grace period: retention is deleting what it stored. */
    abandoned
  }

  /** The id of a keyed import: keys are per scenario. */
  public static String keyed(String scenarioId, String key) {
    return scenarioId + "/key/" + key;
  }

  /** The id of an import sent without a key: nothing looks it up but retention. */
  public static String unkeyed(String scenarioId, String executionId) {
    return scenarioId + "/execution/" + executionId;
  }
}
