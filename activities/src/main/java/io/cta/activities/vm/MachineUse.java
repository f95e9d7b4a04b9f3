package io.cta.activities.vm;

/**
 * Who uses a ready machine now.
 *
 * @param attempt which of the lease's machines (1, or 2 for a replacement)
 * @param executionId the execution that leases it; null: nobody, the machine is ready (warm)
 */
public record MachineUse(String leaseId, int attempt, String executionId) {}
