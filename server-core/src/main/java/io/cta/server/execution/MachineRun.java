package io.cta.server.execution;

import java.time.Instant;

/**
 * One machine's part in an execution.
 *
 * @param state pending, running, finished, canceled, timeout (from agents) or acked (server)
 * @param plannedStartAt the common start instant of a stress execution, else null
 * @param startedAt when the machine started its first test of the execution
 */
public record MachineRun(
    String machineId, String name, String state, Instant plannedStartAt, Instant startedAt) {

  public MachineRun(String machineId, String name, String state) {
    this(machineId, name, state, null, null);
  }

  public MachineRun withState(String newState) {
    return new MachineRun(machineId, name, newState, plannedStartAt, startedAt);
  }
}
