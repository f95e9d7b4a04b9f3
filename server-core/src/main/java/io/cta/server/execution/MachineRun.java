package io.cta.server.execution;

import java.time.Instant;

/**
 * One machine's part in an execution.
 *
 * @param state its {@link MachineRunState}: pending, running, then as its part ended
 * @param plannedStartAt the common start instant of a stress execution, else null
 * @param startedAt when the machine started its first test of the execution
 */
public record MachineRun(
    String machineId,
    String name,
    MachineRunState state,
    Instant plannedStartAt,
    Instant startedAt) {

  public MachineRun(String machineId, String name, MachineRunState state) {
    this(machineId, name, state, null, null);
  }

  public MachineRun withState(MachineRunState newState) {
    return new MachineRun(machineId, name, newState, plannedStartAt, startedAt);
  }
}
