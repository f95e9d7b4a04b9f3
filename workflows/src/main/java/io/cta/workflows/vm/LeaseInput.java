package io.cta.workflows.vm;

/**
 * @param leaseId the lease's id, the stem of its machines' ids
 * @param poolId the pool's id
 * @param poolName the pool's name, for reasons users read
 * @param vmTimeoutMs how long a machine may live from its creation
 * @param launchTimeoutMs how long a machine's agent may take to register
 * @param placeTimeoutMs how long to wait for a place under the cap before giving up
 * @param executionId the execution the machine is for; null for a warm machine made ahead
 */
public record LeaseInput(
    String leaseId,
    String poolId,
    String poolName,
    long vmTimeoutMs,
    long launchTimeoutMs,
    long placeTimeoutMs,
    String executionId) {}
