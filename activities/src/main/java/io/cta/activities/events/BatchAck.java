package io.cta.activities.events;

import java.util.List;

/**
 * The consumer's answer to an event batch: how many events it stored, and the executions whose
 * events it refused (their events are not stored; the others are). A redelivered event is stored
 * again and read back once (docs/agent.md).
 *
 * @param accepted the events stored
 * @param refused one entry per execution whose events were refused; empty when all were stored. An
 *     older consumer leaves it out, an older agent ignores it.
 */
public record BatchAck(int accepted, List<Refusal> refused) {

  public BatchAck {
    refused = refused == null ? List.of() : List.copyOf(refused);
  }

  public BatchAck(int accepted) {
    this(accepted, List.of());
  }

  /**
   * The events of one execution, refused.
   *
   * @param executionId the execution
   * @param status the HTTP status a batch of only these events would get: 404 for an execution that
   *     does not exist, 403 for one that gave the machine no work
   * @param detail why, for the agent's log
   * @param events how many events of the batch were refused
   */
  public record Refusal(String executionId, int status, String detail, int events) {}
}
