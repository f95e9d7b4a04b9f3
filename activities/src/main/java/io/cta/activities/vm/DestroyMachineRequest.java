package io.cta.activities.vm;

/**
 * @param attempt which of the lease's machines (1, or 2 for a replacement)
 * @param instanceId the provider's machine; null when none was created
 * @param failed whether the machine ends {@code failed} (else {@code destroyed})
 * @param reason why, shown with the machine; null for a machine destroyed as planned
 */
public record DestroyMachineRequest(
    String poolId, String leaseId, int attempt, String instanceId, boolean failed, String reason) {}
