package io.cta.activities.vm;

/**
 * @param instanceId the provider's id of the machine
 * @param machine the name its agent registers under
 */
public record MachineCreated(String instanceId, String machine) {}
