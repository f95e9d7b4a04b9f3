package io.cta.activities.vm;

/**
 * @param taken whether the lease holds a place now
 * @param reason why not, for the waiting execution's reason
 */
public record PlaceResult(boolean taken, String reason) {}
