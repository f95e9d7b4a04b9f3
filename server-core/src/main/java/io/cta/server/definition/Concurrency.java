package io.cta.server.definition;

/**
 * How many executions of a scenario may be active (pending or running) at once.
 *
 * @param max at least 1
 * @param whenFull {@code queue}: a new execution waits, pending, for a slot (within its pending
 *     timeout); {@code reject}: the run request is refused with 409
 */
public record Concurrency(int max, WhenFull whenFull) {

  public enum WhenFull {
    queue,
    reject
  }
}
