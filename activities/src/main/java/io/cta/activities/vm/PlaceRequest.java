package io.cta.activities.vm;

/**
 * A lease's place in its pool's cap. The cap is the pool's {@code maxMachines} when the place is
 * asked, so a pool's new cap applies to the leases waiting for a place.
 */
public record PlaceRequest(String poolId, String leaseId) {}
