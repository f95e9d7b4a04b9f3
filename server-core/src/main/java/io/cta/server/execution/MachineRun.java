package io.cta.server.execution;

/**
 * One machine's part in an execution.
 *
 * @param state pending, running, finished, canceled, timeout (from agents) or acked (server)
 */
public record MachineRun(String machineId, String name, String state) {}
