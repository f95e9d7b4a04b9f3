package io.cta.activities.vm;

/** A lease's place in its pool's cap. */
public record PlaceRequest(String poolId, String leaseId, int maxMachines) {}
